package io.staex.conf;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code staex.control}: the local endpoint that {@code staex status} talks to.
 *
 * @param socket its path, absolute once loaded (by default beside the key file: {@code node.key}
 *     gives {@code node.sock})
 */
public record ControlConfig(Path socket) {
  public ControlConfig {
    Objects.requireNonNull(socket, "socket");
  }

  /** The default socket path for a node whose key file is {@code keyFile}. */
  public static Path defaultSocket(Path keyFile) {
    String name = keyFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return keyFile.resolveSibling(stem + ".sock");
  }
}
