package io.staex.routing.sim;

import static io.staex.routing.sim.Sims.assertInvariants;
import static io.staex.routing.sim.Sims.converge;
import static io.staex.routing.sim.Sims.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.routing.NodeState;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Cold starts of the basic shapes; each ends with the full invariant check. */
class TopologyScenariosTest {

  @Test
  void chainOf6_everyStateReachesTheRoot_framesClimbOrFollowSourceRoutes() {
    // c0 <- c1 <- c2 <- c3 <- c4 <- c5. Links come up after their handshake; every node sends
    // its state to its parent, which passes it on, so c0 learns all six.
    SimNetwork net = Sims.network(1);
    List<SimNode> c = Topologies.chain(net, 6);
    net.startAll();
    Convergence conv = converge(net);

    // Five hops of ~10-15 ms after a ~50 ms handshake: well under a second of virtual time.
    assertThat(conv.took()).isLessThan(Duration.ofSeconds(1));
    assertThat(c.get(0).routing().view()).extracting(NodeState::address)
        .containsExactlyInAnyOrderElementsOf(c.stream().map(SimNode::address).toList());
    // c3's view is itself and what hangs below it.
    assertThat(c.get(3).routing().view()).hasSize(3);

    // The leaf knows nobody: its frame for the root climbs five hops and is taken as Local.
    Trace up = net.trace(c.get(5), c.get(0).address());
    assertThat(up.outcome()).isEqualTo(Trace.Outcome.DELIVERED);
    assertThat(up.hops()).hasSize(6);
    assertThat(up.decider()).isEmpty();

    // The root knows everybody: one source route down.
    Trace down = net.trace(c.get(0), c.get(5).address());
    assertThat(down.decider()).contains(c.get(0).address());
    assertThat(Sims.labels(net, down.forwardPath())).isEqualTo("c1 c2 c3 c4 c5");

    // c5 -> c3 climbs to c3 itself; c3 -> c5 goes down by source route from c3.
    assertThat(net.trace(c.get(5), c.get(3).address()).hops()).hasSize(3);
    assertThat(Sims.labels(net, net.trace(c.get(3), c.get(5).address()).forwardPath()))
        .isEqualTo("c4 c5");

    assertThat(assertInvariants(net).pairs()).isEqualTo(36);
  }

  @Test
  void tree3x3_leafToLeaf_decidedByTheLowestCommonAncestor() {
    // 40 nodes: r, r0..r2, r00..r22, r000..r222, each with one parent.
    SimNetwork net = Sims.network(2);
    List<SimNode> t = Topologies.tree(net, 3, 3);
    net.startAll();
    converge(net);

    assertThat(node(t, "r").routing().view()).hasSize(40);
    assertThat(node(t, "r1").routing().view()).hasSize(13);

    // In a tree without cross links the frame climbs until the first node that knows the
    // destination: the lowest common ancestor, whose source route goes straight down.
    for (SimNode s : t) {
      for (SimNode d : t) {
        Trace tr = net.trace(s, d.address());
        assertThat(tr.outcome()).as(tr.describe(net)).isEqualTo(Trace.Outcome.DELIVERED);
        String lca = commonPrefix(s.label(), d.label());
        if (lca.equals(d.label())) {
          assertThat(tr.decider()).as(tr.describe(net)).isEmpty(); // climbs to d itself
        } else {
          assertThat(tr.decider().map(a -> net.node(a).label())).as(tr.describe(net)).contains(lca);
        }
      }
    }
    Trace across = net.trace(node(t, "r000"), node(t, "r222").address());
    assertThat(Sims.labels(net, across.hops())).isEqualTo("r000 r00 r0 r r2 r22 r222");

    // No storm: a cold start sends each state up its own depth, give or take the full views
    // sent on link-up; 4 x the sum of depths is far above that and far below a storm.
    int depths = 3 * 1 + 9 * 2 + 27 * 3;
    assertThat(net.traffic().messages()).isLessThan(4L * depths + 40);
    assertInvariants(net);
  }

  @Test
  void treeWithCrossLinks_expensiveUplink_rootRoutesIntoTheBranchOverCrossLinks() {
    // The 3x3 tree of 40 nodes, where half of the nodes below level 1 also have a second
    // parent in another branch. r0's uplink costs 5: the root's shortest way to the nodes of
    // branch 0 that have a second parent elsewhere is over that second parent's link.
    SimNetwork net = Sims.network(3);
    List<SimNode> t = Topologies.tree(net, 40, 3, 0.5, new Random(3), List.of(554));
    SimNode r = node(t, "r");
    SimNode r0 = node(t, "r0");
    net.setProfile(net.link(r0, r), LinkProfile.defaults().withCost(5));
    net.startAll();
    converge(net);

    // Everybody kept its first parent (all links work).
    for (SimNode n : t) {
      assertThat(n.routing().activeParent())
          .as(n.label()).isEqualTo(n.parents().stream().findFirst().map(SimNode::address));
    }
    // A node of branch 0 with a second parent in another branch is reached over that parent.
    SimNode crossed = t.stream()
        .filter(n -> n.label().startsWith("r0") && n.parents().size() > 1)
        .findFirst().orElseThrow();
    Trace tr = net.trace(r, crossed.address());
    assertThat(tr.decider()).contains(r.address());
    assertThat(tr.forwardPath()).as(tr.describe(net)).doesNotContain(r0.address())
        .contains(crossed.parents().get(1).address());
    // ... and the checker confirms every decision is a shortest path over the real costs.
    assertInvariants(net);
  }

  @Test
  void lossyLinks_tcpRetransmissionsDelayButDoNotBreakConvergence() {
    // Every link loses 5 % of its segments: retransmissions after 200 ms (doubling) hold up
    // the messages behind them, as on TCP. The tree still converges to a correct state.
    SimNetwork net = new SimNetwork(SimConfig.defaults(4, io.staex.routing.RoutingSettings.defaults())
        .withDefaultLink(LinkProfile.defaults().withLoss(0.05)));
    List<SimNode> t = Topologies.tree(net, 40, 3, 0.3, new Random(4), List.of());
    net.startAll();
    converge(net);

    assertThat(node(t, "r").routing().view()).hasSize(40);
    assertInvariants(net);
  }

  @Test
  void sameSeed_sameRun_toTheMessage() {
    // Determinism: the same seed gives the same keys, the same event order, the same traffic
    // and the same instant of convergence.
    Run a = run(9);
    Run b = run(9);

    assertThat(a.traffic()).isEqualTo(b.traffic());
    assertThat(a.convergence()).isEqualTo(b.convergence());
    assertThat(a.rootView()).isEqualTo(b.rootView());
  }

  private record Run(Traffic traffic, Convergence convergence, List<Long> rootView) {}

  private static Run run(long seed) {
    SimNetwork net = new SimNetwork(SimConfig.defaults(seed, io.staex.routing.RoutingSettings.defaults())
        .withDefaultLink(LinkProfile.defaults().withLoss(0.02)));
    List<SimNode> t = Topologies.tree(net, 30, 3, 0.3, new Random(seed), List.of());
    net.startAll();
    Convergence c = net.runUntilConverged(Sims.LIMIT);
    List<Long> seqs = t.get(0).routing().view().stream()
        .sorted(java.util.Comparator.comparing(NodeState::address))
        .map(NodeState::sequence).toList();
    return new Run(net.traffic(), c, seqs);
  }

  private static String commonPrefix(String a, String b) {
    int i = 0;
    while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return a.substring(0, i);
  }
}
