package io.staex.proxy.forward;

import io.staex.crypto.Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A port forward: connections accepted on {@code listen} become streams to {@code port} of the
 * node {@code to}.
 *
 * @param listen a local address (a literal IP and a port; port 0 picks a free one)
 * @param to the node whose service is reached
 * @param port the overlay port, 1~65535
 */
public record Forward(InetSocketAddress listen, Address to, int port) {
  public Forward {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(to, "to");
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1~65535)");
    }
  }

  @Override
  public String toString() {
    return listen.getHostString() + ":" + listen.getPort() + " -> " + to.shortText() + ":" + port;
  }
}
