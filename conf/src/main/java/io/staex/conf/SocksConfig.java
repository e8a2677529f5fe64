package io.staex.conf;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code staex.socks}: the SOCKS5 proxy into the overlay.
 *
 * @param listen where it accepts clients; empty when it is off
 */
public record SocksConfig(Optional<HostPort> listen) {
  public SocksConfig {
    Objects.requireNonNull(listen, "listen");
  }

  public static SocksConfig off() {
    return new SocksConfig(Optional.empty());
  }
}
