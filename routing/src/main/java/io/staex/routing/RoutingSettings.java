package io.staex.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * Timings and limits of the routing layer. A node's come from its config ({@code routing} in
 * {@code reference.conf}); {@link #defaults()} is for the simulator and tests.
 *
 * @param keepaliveInterval how often links exchange keepalives (the link layer sends them)
 * @param missedKeepalives keepalives missed before a link counts as down
 * @param withdrawGrace how long a lost child's subtree is kept before it is withdrawn upwards,
 *     so that a child that reconnects at once causes no churn
 * @param refreshInterval how often a node re-signs its own state and resends its subtree's
 * @param stateLifetime a state not refreshed within this time expires (must exceed
 *     refreshInterval several times)
 * @param parentHoldDown how long a preferred parent that comes back (its link went down before)
 *     must stay up before it is taken back; one up for the first time is taken at once
 * @param maxHops the longest path a frame or lookup may take (its initial TTL)
 * @param maxStates most node states one node keeps; updates beyond it are dropped and counted
 * @param maxServices most services one node state may advertise
 * @param budget what one neighbour's link may cost in routing messages and signature checks
 */
public record RoutingSettings(
    Duration keepaliveInterval,
    int missedKeepalives,
    Duration withdrawGrace,
    Duration refreshInterval,
    Duration stateLifetime,
    Duration parentHoldDown,
    int maxHops,
    int maxStates,
    int maxServices,
    RoutingBudget budget) {

  public RoutingSettings {
    positive("keepaliveInterval", keepaliveInterval);
    positive("withdrawGrace", withdrawGrace);
    positive("refreshInterval", refreshInterval);
    positive("stateLifetime", stateLifetime);
    positive("parentHoldDown", parentHoldDown);
    if (missedKeepalives < 1) {
      throw new IllegalArgumentException("missedKeepalives: " + missedKeepalives + " (expected: >= 1)");
    }
    if (stateLifetime.compareTo(refreshInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "stateLifetime: " + stateLifetime + " (expected: at least twice refreshInterval "
              + refreshInterval + ", or states expire between refreshes)");
    }
    if (maxHops < 1 || maxHops > 255) {
      throw new IllegalArgumentException("maxHops: " + maxHops + " (expected: 1~255)");
    }
    if (maxStates < 1) {
      throw new IllegalArgumentException("maxStates: " + maxStates + " (expected: >= 1)");
    }
    if (maxServices < 0 || maxServices > 65535) {
      throw new IllegalArgumentException("maxServices: " + maxServices + " (expected: 0~65535)");
    }
    Objects.requireNonNull(budget, "budget");
  }

  /**
   * The simulator's and tests' values: keepalive 5 s (a link is down after 3 missed), refresh 5
   * min, lifetime 20 min, {@link RoutingBudget#defaults()}. Not a node's: those are in conf's {@code reference.conf}.
   */
  public static RoutingSettings defaults() {
    return new RoutingSettings(
        Duration.ofSeconds(5), 3, Duration.ofSeconds(30), Duration.ofMinutes(5),
        Duration.ofMinutes(20), Duration.ofSeconds(60), 32, 1_000_000, 256,
        RoutingBudget.defaults());
  }

  /** These settings with {@code budget} instead. */
  public RoutingSettings withBudget(RoutingBudget budget) {
    return new RoutingSettings(keepaliveInterval, missedKeepalives, withdrawGrace, refreshInterval,
        stateLifetime, parentHoldDown, maxHops, maxStates, maxServices, budget);
  }

  /** Time after which missed keepalives mark a link down. */
  public Duration deadLinkTimeout() {
    return keepaliveInterval.multipliedBy(missedKeepalives);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
