package io.staex.conf;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code staex.socks}: the SOCKS5 proxy into the overlay.
 *
 * @param listen where it accepts clients; empty when it is off
 * @param credentials the username and password clients must give (RFC 1929); empty: none
 *     (allowed only on a loopback address)
 */
public record SocksConfig(Optional<HostPort> listen, Optional<Credentials> credentials) {

  /** A SOCKS username and password. {@link #toString()} hides the password. */
  public record Credentials(String username, String password) {
    public Credentials {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Credentials[" + username + ", ****]";
    }
  }

  public SocksConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(credentials, "credentials");
  }

  public static SocksConfig off() {
    return new SocksConfig(Optional.empty(), Optional.empty());
  }
}
