package io.staex.proxy.exit;

import io.staex.crypto.Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An exit node's settings ({@code exit.*} in the configuration, where a node's defaults are;
 * none here).
 *
 * @param enabled whether this node opens exit streams at all
 * @param allow the nodes and networks that may use this exit; empty: this node's own network
 * @param destinations what the exit connects to ({@link ExitPolicy}); empty: any public address
 * @param denyPrivate refuse loopback, private, link-local and multicast addresses unless a
 *     listed CIDR holds them
 * @param connectTimeout for connecting to a destination
 */
public record ExitSettings(boolean enabled, List<Address> allow, List<String> destinations,
    boolean denyPrivate, Duration connectTimeout) {
  public ExitSettings {
    allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
    destinations = List.copyOf(Objects.requireNonNull(destinations, "destinations"));
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "exit.connect-timeout: " + connectTimeout + " (expected: > 0)");
    }
    ExitPolicy.of(destinations, denyPrivate); // refuses a bad entry here, at config time
  }

  /** The policy {@link #destinations} and {@link #denyPrivate} make. */
  public ExitPolicy policy() {
    return ExitPolicy.of(destinations, denyPrivate);
  }

  /** No exit: every exit stream is refused. */
  public static ExitSettings off() {
    return new ExitSettings(false, List.of(), List.of(), true, Duration.ofSeconds(10));
  }
}
