package io.staex.node.internal.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.staex.node.internal.control.ControlClient;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What {@code staex ping}, {@code trace} and {@code resolve} share: where the node's control
 * socket is, one request, its JSON answer read back.
 */
final class DiagnosticClient {
  private DiagnosticClient() {}

  /** Where the node is: its config (for {@code staex.control.socket}) or its socket. */
  static final class Where {
    @Option(names = "--config", paramLabel = "FILE",
        description = "The node's configuration, for its staex.control.socket"
            + " (default: node.conf).")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH", description = "The node's control socket.")
    Path socket;

    Path socket() throws Exception {
      return NodeSocket.resolve(config, socket);
    }
  }

  /**
   * The node's answer to {@code request}: its JSON line.
   *
   * @throws CliException NOT_RUNNING when no node answers there, FAILURE for an {@code error:}
   *     answer
   */
  static String ask(Path socket, String request, long timeoutMillis)
      throws IOException, CliException {
    return answer(socket, request, timeoutMillis).strip();
  }

  /**
   * The node's answer to {@code request} as it came, for the commands that print it whole.
   *
   * @throws CliException NOT_RUNNING when no node answers there, FAILURE for an {@code error:}
   *     answer or none
   */
  static String answer(Path socket, String request, long timeoutMillis)
      throws IOException, CliException {
    String answer;
    try {
      answer = ControlClient.ask(socket, request, timeoutMillis);
    } catch (ControlClient.NoNodeException e) {
      throw new CliException(ExitCodes.NOT_RUNNING, e.getMessage());
    }
    if (answer.startsWith("error: ")) {
      throw new CliException(ExitCodes.FAILURE, answer.strip()
          + (answer.contains("unknown request") ? " (is the node older than this staex?)" : ""));
    }
    if (answer.isBlank()) {
      throw new CliException(ExitCodes.FAILURE, "error: no answer from the node at " + socket
          + " within " + timeoutMillis + " ms");
    }
    return answer;
  }

  /** A JSON answer as a config tree (JSON syntax only). */
  static Config parse(String json) throws CliException {
    try {
      return ConfigFactory.parseString(json,
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    } catch (ConfigException e) {
      throw new CliException(ExitCodes.FAILURE, "error: the node's answer is not JSON: " + json);
    }
  }

  /** {@code key}'s string, or {@code otherwise}. */
  static String string(Config c, String key, String otherwise) {
    return c.hasPath(key) ? c.getString(key) : otherwise;
  }

  /** The exit code and message for an answer whose {@code result} is no success. */
  static CliException failure(Config answer) {
    String result = string(answer, "result", "?");
    String message = string(answer, "message", result);
    int code = switch (result) {
      case "unknown_name", "bad_target", "bad_address", "ambiguous_name", "not_a_name" ->
          ExitCodes.USAGE;
      default -> ExitCodes.FAILURE;
    };
    return new CliException(code, message);
  }
}
