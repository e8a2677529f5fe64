package io.staex.routing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.routing.RoutingSettings;
import java.time.Duration;
import java.util.List;

/** Shared steps of the simulation scenarios. */
final class Sims {
  /** Long enough for any scenario here to settle; a run that needs more has a bug. */
  static final Duration LIMIT = Duration.ofMinutes(30);

  private Sims() {}

  static SimNetwork network(long seed) {
    return new SimNetwork(SimConfig.defaults(seed, RoutingSettings.defaults()));
  }

  static SimNetwork network(long seed, RoutingSettings settings) {
    return new SimNetwork(SimConfig.defaults(seed, settings));
  }

  /** Runs until converged and fails the test if it does not. */
  static Convergence converge(SimNetwork net) {
    Convergence c = net.runUntilConverged(LIMIT);
    assertThat(c.converged()).as("converged: %s", c).isTrue();
    return c;
  }

  /** Checks every invariant; fails with the checker's report. Never vacuous: pairs were traced. */
  static InvariantChecker.Report assertInvariants(SimNetwork net) {
    InvariantChecker.Report r = new InvariantChecker(net).check();
    assertThat(r.violations()).as(r.summary()).isEmpty();
    assertThat(r.ok()).as(r.summary()).isTrue();
    assertThat(r.pairs()).as("pairs traced").isPositive();
    assertThat(r.delivered()).as("pairs delivered").isPositive();
    return r;
  }

  static SimNode node(List<SimNode> nodes, String label) {
    return nodes.stream().filter(n -> n.label().equals(label)).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + label));
  }

  static String labels(SimNetwork net, List<io.staex.crypto.Address> path) {
    StringBuilder sb = new StringBuilder();
    for (io.staex.crypto.Address a : path) {
      sb.append(sb.length() == 0 ? "" : " ").append(net.node(a).label());
    }
    return sb.toString();
  }
}
