package io.staex.routing.sim;

import static io.staex.routing.sim.Sims.assertInvariants;
import static io.staex.routing.sim.Sims.converge;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.routing.NodeState;
import io.staex.routing.RoutingEvent.ActiveParentChanged;
import io.staex.routing.RoutingMessage.StateUpdate;
import io.staex.routing.RoutingMessage.Withdraw;
import io.staex.routing.RoutingSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Parent selection under failure: failover to the second parent, the races between the
 * withdrawal of the old path and the announcement of the new one, hold-down of a parent that
 * comes back, flapping, and a cold start where the backup connects first (no hold-down).
 *
 * <p>Failover time is measured from the crash to the moment the child's whole subtree is
 * delivered from the root again (and stays so), in keepalive periods. Detection is the
 * dead-link timeout of {@code missedKeepalives} (3) periods by definition, so the target "a
 * single failover converges in under 3 keepalive periods" is checked on the time after
 * detection; the total is then under 3 + 3.
 */
class FailoverScenariosTest {
  private static final RoutingSettings DEFAULTS = RoutingSettings.defaults();

  /**
   * <pre>
   *        r
   *      /   \
   *     a     b        c has parents [a, b], a preferred
   *    / \   /
   *   x   \ /
   *        c
   *        |
   *        d
   *        |
   *        e
   * </pre>
   */
  private record Diamond(SimNetwork net, SimNode r, SimNode a, SimNode b, SimNode c, SimNode d,
      SimNode e, SimNode x) {
    static Diamond build(SimNetwork net) {
      SimNode r = net.addNode("r", List.of());
      SimNode a = net.addNode("a", List.of(r));
      SimNode b = net.addNode("b", List.of(r));
      SimNode x = net.addNode("x", List.of(a));
      SimNode c = net.addNode("c", List.of(a, b));
      SimNode d = net.addNode("d", List.of(c));
      SimNode e = net.addNode("e", List.of(d));
      net.startAll();
      return new Diamond(net, r, a, b, c, d, e, x);
    }
  }

  @Test
  void crashOfActiveParent_childSwitchesToSecondParent_subtreeBackWithinThreePeriods() {
    Diamond g = Diamond.build(Sims.network(11));
    converge(g.net);
    assertThat(g.c.routing().activeParent()).contains(g.a.address());
    assertInvariants(g.net);

    // a crashes. c notices after three missed keepalives (15 s), switches to b and sends b its
    // whole view (c, d, e); b passes it to r. r also loses a and, after the grace, drops a's
    // old subtree, which must not take c, d, e with it.
    Failover.Result f = Failover.crashParent(g.net, g.a, g.c, g.r, Sims.LIMIT);

    assertThat(f.convergence().converged()).isTrue();
    assertThat(f.subtreeSize()).isEqualTo(3);
    assertThat(f.recovered()).as(f.toString()).isTrue();
    assertThat(Duration.between(f.failedAt(), f.switchedAt().orElseThrow()))
        .isEqualTo(DEFAULTS.deadLinkTimeout());
    assertThat(f.periodsAfterDetection()).as(f.toString()).isLessThan(3);
    assertThat(f.periodsTotal()).as(f.toString()).isLessThan(3 + DEFAULTS.missedKeepalives());
    assertThat(g.c.routing().activeParent()).contains(g.b.address());
    // x had only a: it is now a root of its own, and r says so for frames to it.
    assertThat(g.x.routing().activeParent()).isEmpty();
    assertThat(g.net.trace(g.r, g.x.address()).outcome()).isEqualTo(Trace.Outcome.UNREACHABLE);
    assertInvariants(g.net);
  }

  @Test
  void cleanShutdownOfActiveParent_childSwitchesAtOnce() {
    Diamond g = Diamond.build(Sims.network(12));
    converge(g.net);

    // A clean shutdown closes the links: c learns after one latency, not after 15 s.
    Failover.Result f = Failover.shutDownParent(g.net, g.a, g.c, g.r, Sims.LIMIT);

    assertThat(f.recovered()).as(f.toString()).isTrue();
    assertThat(f.periodsTotal()).as(f.toString()).isLessThan(1);
    assertInvariants(g.net);
  }

  @Test
  void failoverRace_withdrawalOfTheOldPathArrivesAfterTheNewPath_movedSubtreeStays() {
    // r <- m <- a <- c -> b -> r: a hangs one level lower, so its loss reaches r as a Withdraw
    // from m, 30 s (withdrawGrace) after m noticed, long after c's new state came up through b.
    // The Withdraw lists c and d, which r now holds under b: r must keep them.
    SimNetwork net = Sims.network(13);
    SimNode r = net.addNode("r", List.of());
    SimNode m = net.addNode("m", List.of(r));
    SimNode b = net.addNode("b", List.of(r));
    SimNode a = net.addNode("a", List.of(m));
    SimNode c = net.addNode("c", List.of(a, b));
    SimNode d = net.addNode("d", List.of(c));
    net.startAll();
    converge(net);
    assertThat(r.routing().view()).hasSize(6);

    Failover.Result f = Failover.crashParent(net, a, c, r, Sims.LIMIT);

    // A glitch when the Withdraw lands (T + 45 s) would push "reachable again" past it.
    assertThat(f.recovered()).as(f.toString()).isTrue();
    assertThat(f.periodsAfterDetection()).as(f.toString()).isLessThan(3);
    assertThat(r.routing().view()).extracting(NodeState::address)
        .containsExactlyInAnyOrder(r.address(), m.address(), b.address(), c.address(), d.address());
    assertInvariants(net);
  }

  @Test
  void failoverRace_withdrawalArrivesBeforeTheNewPath_movedSubtreeComesBack() {
    // As above, but the grace is 1 s and b's uplink takes 3 s: r gets m's Withdraw of a, c, d
    // at T + 16 s and drops them, and c's new view through b only at T + 18 s. d's state in it
    // is the very one r just dropped (same sequence number): r must take it again.
    RoutingSettings s = new RoutingSettings(
        Duration.ofSeconds(5), 3, Duration.ofSeconds(1), Duration.ofMinutes(5),
        Duration.ofMinutes(20), Duration.ofSeconds(60), 32, 1_000_000, 256,
        io.staex.routing.RoutingBudget.defaults());
    SimNetwork net = Sims.network(14, s);
    SimNode r = net.addNode("r", List.of());
    SimNode m = net.addNode("m", List.of(r));
    SimNode b = net.addNode("b", List.of(r));
    SimNode a = net.addNode("a", List.of(m));
    SimNode c = net.addNode("c", List.of(a, b));
    SimNode d = net.addNode("d", List.of(c));
    net.setProfile(net.link(b, r), LinkProfile.defaults().withLatency(Duration.ofSeconds(3), Duration.ZERO));
    net.startAll();
    converge(net);

    Failover.Result f = Failover.crashParent(net, a, c, r, Sims.LIMIT);

    assertThat(f.recovered()).as(f.toString()).isTrue();
    // Detection 15 s, then 3 s of b's uplink: under one period more.
    assertThat(f.periodsAfterDetection()).as(f.toString()).isLessThan(3);
    assertThat(r.routing().view()).extracting(NodeState::address).contains(c.address(), d.address());
    assertInvariants(net);
  }

  @Test
  void preferredParentReturns_takenBackOnlyAfterHoldDown() {
    Diamond g = Diamond.build(Sims.network(15));
    converge(g.net);

    // a crashes; c moves to b. c's link to a goes down, so a comes back (not up for the first
    // time) and has to wait out the hold-down.
    Instant crash = g.net.now();
    g.net.kill(g.a);
    converge(g.net);
    assertThat(g.c.routing().activeParent()).contains(g.b.address());

    // a comes back; c's link to it is up again after the redial and the handshake.
    g.net.restart(g.a);
    Watch linkUp = g.net.watch(() -> g.net.link(g.c, g.a).isUp());
    g.net.runFor(Duration.ofSeconds(5));
    Instant up = linkUp.holdsSince().orElseThrow(() -> new AssertionError("c-a not up again"));

    // Up, but not for parentHoldDown yet: c stays with b ...
    g.net.runUntil(up.plus(DEFAULTS.parentHoldDown()).minusSeconds(1));
    assertThat(g.c.routing().activeParent()).contains(g.b.address());
    // ... and takes a back once a has stayed up that long.
    g.net.runUntil(up.plus(DEFAULTS.parentHoldDown()).plusSeconds(1));
    assertThat(g.c.routing().activeParent()).contains(g.a.address());

    converge(g.net);
    assertThat(changesSince(g.c, crash)).containsExactly(
        new ActiveParentChanged(Optional.of(g.a.address()), Optional.of(g.b.address())),
        new ActiveParentChanged(Optional.of(g.b.address()), Optional.of(g.a.address())));
    assertInvariants(g.net);
  }

  @Test
  void flappingPreferredParent_neverTakenBackWhileItFlaps() {
    Diamond g = Diamond.build(Sims.network(16));
    converge(g.net);
    SimLink ca = g.net.link(g.c, g.a);

    // The c-a connection drops every 20 s for 5 minutes (each time c redials at once): after the
    // first drop, a only ever comes back, and is never up for the 60 s hold-down, so c must stay
    // with b the whole time.
    Instant start = g.net.now();
    for (int k = 0; k < 15; k++) {
      g.net.at(start.plusSeconds(20L * k), () -> g.net.close(ca));
    }
    g.net.runUntil(start.plusSeconds(300));

    assertThat(changesSince(g.c, start)).containsExactly(
        new ActiveParentChanged(Optional.of(g.a.address()), Optional.of(g.b.address())));
    assertThat(g.c.routing().activeParent()).contains(g.b.address());

    // The flapping stops (the last redial holds): after the hold-down c goes back to a.
    converge(g.net);
    assertThat(changesSince(g.c, start)).hasSize(2);
    assertThat(g.c.routing().activeParent()).contains(g.a.address());
    assertInvariants(g.net);
  }

  @Test
  void coldStartRace_backupUpFirst_switchesToPreferredAtOnce_keepsTheSubtree() {
    // r <- {a, b}; x has parents [a, b]; y hangs under x. One-way latencies (a connection takes
    // four): x-b 1 s (up at 4 s), b-r 1.5 s (up at 6 s), x-a 2 s (up at 8 s). x attaches to b
    // first, and r learns x and y through b at 7.5 s. When x-a comes up, x takes a at once: a
    // never went down, it only connected last, so there is no hold-down. x's full view reaches r
    // through a (10 s) before its Withdraw reaches r through b (10.5 s). r then holds y's
    // unchanged state (same sequence number) under a, and the Withdraw from b must not remove
    // it: y still hangs under x, now under a.
    SimNetwork net = Sims.network(17);
    SimNode r = net.addNode("r", List.of());
    SimNode a = net.addNode("a", List.of(r));
    SimNode b = net.addNode("b", List.of(r));
    SimNode x = net.addNode("x", List.of(a, b));
    SimNode y = net.addNode("y", List.of(x));
    net.setProfile(net.link(x, b), LinkProfile.defaults().withLatency(Duration.ofSeconds(1), Duration.ZERO));
    net.setProfile(net.link(b, r), LinkProfile.defaults().withLatency(Duration.ofMillis(1500), Duration.ZERO));
    net.setProfile(net.link(x, a), LinkProfile.defaults().withLatency(Duration.ofSeconds(2), Duration.ZERO));
    Watch xaUp = net.watch(() -> net.link(x, a).isUp());
    Instant[] yThroughA = {null};
    Instant[] yWithdrawnByB = {null};
    net.intercept((from, to, m) -> {
      if (to == r && from == a && yThroughA[0] == null && m instanceof StateUpdate u
          && u.states().stream().anyMatch(s -> s.address().equals(y.address()))) {
        yThroughA[0] = net.now();
      }
      if (to == r && from == b && yWithdrawnByB[0] == null && m instanceof Withdraw w
          && w.nodes().contains(y.address())) {
        yWithdrawnByB[0] = net.now();
      }
      return m;
    });
    net.startAll();

    net.runFor(Duration.ofMillis(7900));
    assertThat(x.routing().activeParent()).contains(b.address());
    assertThat(net.link(x, a).isUp()).isFalse();
    assertThat(net.trace(r, y.address()).hops()).as("r reaches y through b").contains(b.address());

    converge(net);
    Instant up = xaUp.holdsSince().orElseThrow(() -> new AssertionError("x-a never up"));
    // Ranks (issue 14): x, detached until its parents say their ranks, floats to a when its link
    // comes up (8 s), back to b when b's rank comes first (8.5 s), and takes a for good when a's
    // rank arrives (10 s). Before ranks: b, then a at 8 s. (Keeping b while a's rank was pending
    // made SourceCheckScenariosTest refuse legitimate packets; not understood yet.)
    assertThat(changesSince(x, SimNetwork.EPOCH)).containsExactly(
        new ActiveParentChanged(Optional.empty(), Optional.of(b.address())),
        new ActiveParentChanged(Optional.of(b.address()), Optional.of(a.address())),
        new ActiveParentChanged(Optional.of(a.address()), Optional.of(b.address())),
        new ActiveParentChanged(Optional.of(b.address()), Optional.of(a.address())));
    assertThat(x.observed().stream().filter(o -> o.event() instanceof ActiveParentChanged)
        .reduce((first, second) -> second).orElseThrow().at())
        .as("no hold-down: x takes a as soon as a says its rank (ranks, issue 14: one way over"
            + " the 2 s link after it came up)").isEqualTo(up.plus(Duration.ofSeconds(2)));
    // The race did happen: the new path first, then the Withdraw of the old one.
    assertThat(yThroughA[0]).as("y's state through a").isNotNull();
    assertThat(yWithdrawnByB[0]).as("b's Withdraw of y").isNotNull().isAfter(yThroughA[0]);
    assertThat(r.routing().knows(y.address())).as("r still knows y").isTrue();
    assertThat(net.trace(r, y.address()).outcome()).isEqualTo(Trace.Outcome.DELIVERED);
    assertInvariants(net);
  }

  private static List<ActiveParentChanged> changesSince(SimNode n, Instant t) {
    return n.observed().stream()
        .filter(o -> !o.at().isBefore(t) && o.event() instanceof ActiveParentChanged)
        .map(o -> (ActiveParentChanged) o.event()).toList();
  }
}
