package io.staex.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {
  @Test
  void configuresStderrTextAtWarnWithoutJoran() {
    LoggerContext context = new LoggerContext();
    assertThat(new LogConfigurator().configure(context))
        .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    Appender<ILoggingEvent> appender = root.getAppender(LogConfigurator.APPENDER);
    assertThat(appender).isInstanceOf(ConsoleAppender.class);
    ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) appender;
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern())
        .isEqualTo(LogConfigurator.PATTERN);
    assertThat(context.getStatusManager().getCopyOfStatusListenerList()).isNotEmpty();
  }

  @Test
  void stepsAsideForAConfigurationFile() {
    String before = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", "/nonexistent/logback.xml");
    try {
      LoggerContext context = new LoggerContext();
      assertThat(new LogConfigurator().configure(context)).isEqualTo(ExecutionStatus.NEUTRAL);
      assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders())
          .isExhausted();
    } finally {
      if (before == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", before);
      }
    }
  }

  /** What logback finds as a service is this, and it configured the tests' own context. */
  @Test
  void isTheConfiguratorLogbackUses() {
    assertThat(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class))
        .anyMatch(c -> c instanceof LogConfigurator);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        .getAppender(LogConfigurator.APPENDER)).isInstanceOf(ConsoleAppender.class);
  }
}
