package io.staex.conf;

import java.util.Objects;

/**
 * One port forward: connections to a local {@code listen} address become streams to {@code to}.
 *
 * @param listen the local address to accept connections on
 * @param to the overlay node and port they lead to
 * @param protocol what the connections carry ({@link Protocol#TCP}: bytes, untouched)
 */
public record ForwardConfig(HostPort listen, Target to, Protocol protocol) {
  public ForwardConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(protocol, "protocol");
  }

  /** A plain TCP forward. */
  public ForwardConfig(HostPort listen, Target to) {
    this(listen, to, Protocol.TCP);
  }

  @Override
  public String toString() {
    return listen + " -> " + to + (protocol == Protocol.TCP ? "" : " (" + protocol + ")");
  }
}
