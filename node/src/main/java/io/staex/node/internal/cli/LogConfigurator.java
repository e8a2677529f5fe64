package io.staex.node.internal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The logging set-up of every {@code staex} command, in code: warnings and errors as text lines
 * on stderr (appender {@value #APPENDER}), {@code io.netty} at WARN. {@code staex -v} raises the
 * root level to INFO, {@code -vv} to DEBUG ({@link Verbosity}); {@code log.format = json}
 * swaps the encoder ({@link LogFormat}).
 *
 * <p>Found by logback through {@code META-INF/services}, before its XML configuration: that
 * one (Joran) loaded some 600 classes (logback's model and processors, the JDK's XML parser)
 * into every node, a sixth of those an idle node loads (issue 15, docs/node.md). A file given
 * with {@code -Dlogback.configurationFile=...} still wins: then this steps aside.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** The stderr appender's name; {@link LogFormat} looks it up. */
  static final String APPENDER = "STDERR";
  /** The text line: UTC time, level, thread, logger, message. */
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{20}: %msg%n";

  /** For {@link java.util.ServiceLoader}. */
  public LogConfigurator() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.NEUTRAL; // the user's file, through logback's own configurator
    }
    // Quiet: logback's own status lines are not printed (the XML's NopStatusListener).
    NopStatusListener quiet = new NopStatusListener();
    context.getStatusManager().add(quiet);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName(APPENDER);
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    context.getLogger("io.netty").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
