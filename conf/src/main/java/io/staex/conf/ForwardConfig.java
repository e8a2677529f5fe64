package io.staex.conf;

import java.util.Objects;

/**
 * One port forward: connections to a local {@code listen} address become streams to {@code to}.
 *
 * @param listen the local address to accept connections on
 * @param to the overlay node and port they lead to
 */
public record ForwardConfig(HostPort listen, Target to) {
  public ForwardConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(to, "to");
  }

  @Override
  public String toString() {
    return listen + " -> " + to;
  }
}
