package io.staex.conf;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code staex.dns}: the resolver for {@code .staex} names.
 *
 * @param listen where it answers queries (UDP and TCP); empty when it is off
 */
public record DnsConfig(Optional<HostPort> listen) {
  public DnsConfig {
    Objects.requireNonNull(listen, "listen");
  }

  public static DnsConfig off() {
    return new DnsConfig(Optional.empty());
  }
}
