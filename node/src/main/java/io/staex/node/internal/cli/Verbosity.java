package io.staex.node.internal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code -v} option, accepted by every command: once for INFO, twice for DEBUG. */
public final class Verbosity {
  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "More log output on stderr: -v for info, -vv for debug.")
  void setVerbose(boolean[] verbose) {
    Level level = verbose.length >= 2 ? Level.DEBUG : verbose.length == 1 ? Level.INFO : Level.WARN;
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
  }

  /**
   * For the commands that run nodes ({@code run}, {@code train}): the root logger, at INFO
   * unless {@code -vv} asked for more (their lines are what an operator reads).
   */
  static Logger atLeastInfo() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getLevel() == null || root.getLevel().isGreaterOrEqual(Level.WARN)) {
      root.setLevel(Level.INFO);
    }
    return root;
  }
}
