package io.staex.node.internal.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * {@code log.format}: the text lines of {@link LogConfigurator}, or one JSON object a line
 * (logback's {@link JsonEncoder}) on the same stderr appender, for journald forwarders and log
 * shippers.
 */
final class LogFormat {
  private LogFormat() {}

  /** Switches the stderr appender to {@code format} ({@code text} leaves it as it is). */
  static void use(String format) {
    if (!format.equals("json")) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Appender<ILoggingEvent> appender =
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogConfigurator.APPENDER);
    if (!(appender instanceof OutputStreamAppender<ILoggingEvent> stderr)) {
      throw new IllegalStateException("no " + LogConfigurator.APPENDER
          + " appender to write JSON to (a -Dlogback.configurationFile without one?)");
    }
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    // What an operator reads: the time (epoch milliseconds), level, thread, logger and the
    // message with its arguments filled in, plus any exception; not the logger context, the
    // nanoseconds or the message's pattern and arguments apart.
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.start();
    stderr.stop();
    stderr.setEncoder(json);
    stderr.start();
  }
}
