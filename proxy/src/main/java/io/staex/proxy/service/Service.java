package io.staex.proxy.service;

import io.staex.crypto.Address;
import io.staex.proxy.stream.StreamProtocol;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;

/**
 * An exposed service: streams to {@code port} of this node's address are connected to {@code
 * target} (a device on the node's LAN, usually), if the opener is allowed.
 *
 * @param port the overlay port, 1~65535
 * @param target where to connect; may be unresolved (resolved at each connect)
 * @param allow node addresses and network keys that may open it; empty: nodes of this node's own
 *     network only
 * @param protocol what its streams carry ({@link StreamProtocol#TCP}: untouched bytes)
 */
public record Service(int port, InetSocketAddress target, Set<Address> allow,
    StreamProtocol protocol) {
  public Service {
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1~65535)");
    }
    Objects.requireNonNull(target, "target");
    allow = Set.copyOf(allow);
    Objects.requireNonNull(protocol, "protocol");
  }

  /** A plain TCP service. */
  public Service(int port, InetSocketAddress target, Set<Address> allow) {
    this(port, target, allow, StreamProtocol.TCP);
  }

  @Override
  public String toString() {
    return "service " + port + " -> " + target.getHostString() + ":" + target.getPort()
        + (protocol == StreamProtocol.TCP ? "" : " (" + protocol.name().toLowerCase(
            java.util.Locale.ROOT) + ")");
  }
}
