package io.staex.proxy.forward;

import io.staex.crypto.Address;
import io.staex.proxy.stream.StreamProtocol;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A port forward: connections accepted on {@code listen} become streams to {@code port} of a
 * node named by its address ({@code <address>.staex}) or by its certified name ({@code
 * <name>.staex}, resolved at each connection).
 *
 * @param listen a local address (a literal IP and a port; port 0 picks a free one)
 * @param node the node reached, when named by address
 * @param name the node's certified name (the DNS label), when named by name
 * @param port the overlay port, 1~65535
 * @param protocol what its connections carry ({@link StreamProtocol#TCP}: untouched bytes)
 */
public record Forward(InetSocketAddress listen, Optional<Address> node, Optional<String> name,
    int port, StreamProtocol protocol) {
  public Forward {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    if (node.isPresent() == name.isPresent()) {
      throw new IllegalArgumentException("forward to " + node + " / " + name
          + " (expected: a node address or a certified name)");
    }
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1~65535)");
    }
  }

  /** A plain TCP forward. */
  public Forward(InetSocketAddress listen, Optional<Address> node, Optional<String> name,
      int port) {
    this(listen, node, name, port, StreamProtocol.TCP);
  }

  /** A TCP forward to {@code port} of the node {@code to}. */
  public Forward(InetSocketAddress listen, Address to, int port) {
    this(listen, Optional.of(to), Optional.empty(), port);
  }

  /** This forward carrying {@code p}. */
  public Forward withProtocol(StreamProtocol p) {
    return new Forward(listen, node, name, port, p);
  }

  /** A forward to {@code port} of the node certified as {@code name} ({@code <name>.staex}). */
  public static Forward toName(InetSocketAddress listen, String name, int port) {
    return new Forward(listen, Optional.empty(), Optional.of(name), port);
  }

  @Override
  public String toString() {
    return listen.getHostString() + ":" + listen.getPort() + " -> "
        + node.map(Address::shortText).orElseGet(() -> name.get() + "." + Address.DOMAIN) + ":"
        + port + (protocol == StreamProtocol.TCP ? "" : " (" + protocol.name().toLowerCase(
            java.util.Locale.ROOT) + ")");
  }
}
