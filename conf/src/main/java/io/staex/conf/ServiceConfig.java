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
 */
public record ServiceConfig(int port, HostPort target, List<Address> allow) {
  public ServiceConfig {
    Ports.check("port " + port, port);
    Objects.requireNonNull(target, "target");
    allow = List.copyOf(allow);
  }
}
