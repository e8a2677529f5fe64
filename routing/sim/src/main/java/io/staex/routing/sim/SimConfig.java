package io.staex.routing.sim;

import io.staex.routing.RoutingSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link SimNetwork} run depends on besides the topology and the failures: the seed
 * of all randomness, the routing settings every node runs with, the default link, how long a
 * child waits before redialling a parent whose link it lost, and how long the network must stay
 * quiet to count as converged.
 *
 * @param shareVerifications give every RoutingNode one {@link SharedVerifier} (a memo of accepted
 *     states) instead of verifying each state at each node: for large runs, where the same
 *     state is verified once per level it climbs; off by default
 * @param quietPeriod the network counts as converged once nothing but periodic refresh happened
 *     for this long; it must exceed the longest routing timer that can still change something
 *     (parent hold-down, withdrawal grace), see {@link #defaults}
 */
public record SimConfig(
    long seed, RoutingSettings settings, LinkProfile defaultLink, Duration reconnectDelay,
    Duration quietPeriod, boolean shareVerifications) {

  public SimConfig {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(defaultLink, "defaultLink");
    Objects.requireNonNull(reconnectDelay, "reconnectDelay");
    Objects.requireNonNull(quietPeriod, "quietPeriod");
    if (reconnectDelay.isNegative() || quietPeriod.isNegative() || quietPeriod.isZero()) {
      throw new IllegalArgumentException(
          "reconnectDelay " + reconnectDelay + " (expected: >= 0), quietPeriod " + quietPeriod
              + " (expected: > 0)");
    }
  }

  /**
   * Default links, a redial 1 s after a lost link, and a quiet period 5 s longer than the
   * longest of parent hold-down, withdrawal grace and dead-link timeout.
   */
  public static SimConfig defaults(long seed, RoutingSettings settings) {
    Duration longest = settings.parentHoldDown();
    if (settings.withdrawGrace().compareTo(longest) > 0) {
      longest = settings.withdrawGrace();
    }
    if (settings.deadLinkTimeout().compareTo(longest) > 0) {
      longest = settings.deadLinkTimeout();
    }
    return new SimConfig(
        seed, settings, LinkProfile.defaults(), Duration.ofSeconds(1), longest.plusSeconds(5),
        false);
  }

  public SimConfig withDefaultLink(LinkProfile link) {
    return new SimConfig(seed, settings, link, reconnectDelay, quietPeriod, shareVerifications);
  }

  public SimConfig withSharedVerifications(boolean share) {
    return new SimConfig(seed, settings, defaultLink, reconnectDelay, quietPeriod, share);
  }
}
