package io.staex.conf;

import io.staex.conf.internal.Ports;
import io.staex.crypto.Address;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code staex.services}: an overlay port this node exposes, as DNAT to a device.
 *
 * @param port the overlay port, 1~65535
 * @param target where streams to that port are connected
 * @param allow node addresses or network keys that may open streams; empty means the nodes of
 *     the own network
 * @param protocol what the streams carry ({@link Protocol#TCP}: bytes, untouched)
 */
public record ServiceConfig(int port, HostPort target, List<Address> allow, Protocol protocol) {
  public ServiceConfig {
    Ports.check("port " + port, port);
    Objects.requireNonNull(target, "target");
    allow = List.copyOf(allow);
    Objects.requireNonNull(protocol, "protocol");
  }

  /** A plain TCP service. */
  public ServiceConfig(int port, HostPort target, List<Address> allow) {
    this(port, target, allow, Protocol.TCP);
  }
}
