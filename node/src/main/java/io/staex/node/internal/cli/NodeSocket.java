package io.staex.node.internal.cli;

import io.staex.conf.BadConfigException;
import io.staex.conf.NodeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a running node's control socket is, for the commands that talk to it: the node's
 * configuration ({@code staex.control.socket}; {@code node.conf} by default) or the socket
 * itself. Used as an exclusive {@code @ArgGroup}.
 */
final class NodeSocket {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The node's configuration, for its staex.control.socket"
          + " (default: node.conf).")
  Path config;

  @Option(names = {"--socket", "--control"}, paramLabel = "PATH",
      description = "The node's control socket, e.g. /run/staex/control.sock.")
  Path socket;

  /** The socket given, else the one the configuration names. */
  Path socket() throws BadConfigException {
    return resolve(config, socket);
  }

  /** {@code socket} if given, else {@code config}'s (or {@code node.conf}'s) control socket. */
  static Path resolve(Path config, Path socket) throws BadConfigException {
    if (socket != null) {
      return socket;
    }
    return NodeConfig.load(config != null ? config : Path.of("node.conf")).control().socket();
  }
}
