package io.staex.conf;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code staex.metrics}: Prometheus text over HTTP at {@code /metrics}.
 *
 * @param listen where to listen; a non-loopback address only with {@code allowPublic}
 * @param allowPublic whether {@code listen} may be an address other machines reach
 * @param maxConnections HTTP connections open at once; more are closed at once
 * @param timeout a connection that has not sent its whole request in this time is closed
 */
public record MetricsConfig(
    HostPort listen, boolean allowPublic, int maxConnections, Duration timeout) {
  public MetricsConfig {
    Objects.requireNonNull(listen, "listen");
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
  }
}
