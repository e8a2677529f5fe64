package io.staex.routing.sim;

import static io.staex.routing.sim.Sims.assertInvariants;
import static io.staex.routing.sim.Sims.converge;
import static io.staex.routing.sim.Sims.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.routing.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failure scenarios: the root restarts, a relay restarts, the network splits and heals. */
class RestartAndPartitionScenariosTest {

  @Test
  void rootRestart_afterItsChildrenNoticed_viewsRebuild() {
    // The 3x2 tree (13 nodes). The root crashes; after 15 s each child notices and becomes
    // the root of its own branch; frames between branches are then Unreachable at a branch
    // root. The root comes back empty-handed and the branches' full views rebuild its view.
    SimNetwork net = Sims.network(21);
    List<SimNode> t = Topologies.tree(net, 3, 2);
    SimNode r = node(t, "r");
    net.startAll();
    converge(net);

    net.kill(r);
    converge(net);
    for (String branch : List.of("r0", "r1", "r2")) {
      SimNode top = node(t, branch);
      assertThat(top.routing().activeParent()).as(branch).isEmpty();
      assertThat(top.routing().view()).as(branch).hasSize(4);
    }
    Trace across = net.trace(node(t, "r00"), node(t, "r12").address());
    assertThat(across.outcome()).isEqualTo(Trace.Outcome.UNREACHABLE);
    assertThat(net.node(across.endedAt()).label()).isEqualTo("r0");
    assertInvariants(net);

    net.restart(r);
    converge(net);
    assertThat(r.routing().view()).hasSize(13);
    assertInvariants(net);
  }

  @Test
  void rootRestart_beforeItsChildrenNoticed_theyReconnectAfterDetection() {
    // The root is back after 2 s, before the children's keepalives have timed out: they still
    // hold the dead connection until 15 s, then redial; the new root learns everything then.
    SimNetwork net = Sims.network(22);
    List<SimNode> t = Topologies.tree(net, 3, 2);
    SimNode r = node(t, "r");
    net.startAll();
    converge(net);

    net.kill(r);
    net.runFor(Duration.ofSeconds(2));
    net.restart(r);
    assertThat(r.routing().view()).hasSize(1);
    converge(net);

    assertThat(r.routing().view()).hasSize(13);
    assertInvariants(net);
  }

  @Test
  void restartedRelay_itsNewStateIsAccepted_sequenceAdvancesAcrossRestarts() {
    // m (parents [p1, p2]) crashes and comes back 2 s later with a fresh RoutingNode, while its
    // link to p1 is cut: it now hangs under p2. r still holds m's old state (under p1, the
    // sequence number of the old process); the new state must be newer, or r ignores it as
    // stale until the old one expires 20 minutes later.
    SimNetwork net = Sims.network(23);
    SimNode r = net.addNode("r", List.of());
    SimNode p1 = net.addNode("p1", List.of(r));
    SimNode p2 = net.addNode("p2", List.of(r));
    SimNode m = net.addNode("m", List.of(p1, p2));
    SimNode leaf = net.addNode("leaf", List.of(m));
    net.startAll();
    converge(net);
    long oldSequence = stateOf(r, m).sequence();
    assertThat(stateOf(r, m).activeParent()).contains(p1.address());

    net.kill(m);
    net.cut(net.link(m, p1));
    net.runFor(Duration.ofSeconds(2));
    net.restart(m);
    converge(net);

    NodeState now = stateOf(r, m);
    assertThat(now.activeParent()).contains(p2.address());
    assertThat(now.sequence()).isGreaterThan(oldSequence);
    assertThat(net.trace(r, leaf.address()).forwardPath()).contains(p2.address());
    assertInvariants(net);
  }

  @Test
  void partitionThatHeals_branchRunsOnItsOwn_thenRejoins() {
    // The link between r and r0 is cut (silently). After 15 s r0 notices and becomes a root
    // of its branch; r drops the branch after the 30 s grace. Both sides route within
    // themselves and answer Unreachable across. Then the link heals and all is one again.
    SimNetwork net = Sims.network(24);
    List<SimNode> t = Topologies.tree(net, 3, 2);
    SimNode r = node(t, "r");
    SimNode r0 = node(t, "r0");
    net.startAll();
    converge(net);

    net.partition(List.of(net.link(r0, r)));
    converge(net);
    assertThat(r0.routing().activeParent()).isEmpty();
    assertThat(r.routing().view()).hasSize(9);
    assertThat(net.trace(node(t, "r12"), node(t, "r01").address()).outcome())
        .isEqualTo(Trace.Outcome.UNREACHABLE);
    assertThat(net.trace(node(t, "r02"), node(t, "r01").address()).delivered()).isTrue();
    assertInvariants(net);

    net.heal(List.of(net.link(r0, r)));
    converge(net);
    assertThat(r.routing().view()).hasSize(13);
    assertThat(net.trace(node(t, "r12"), node(t, "r01").address()).delivered()).isTrue();
    assertInvariants(net);
  }

  @Test
  void island_joinedThroughAMembersBackupParent_withinThreeKeepalivesAfterDetection() {
    // r <- {a, b}; i hangs under a only; j has parents [i, b]; k hangs under j. a crashes: i
    // has no parent left. Before ranks (issue 14) i became the root of the island {i, j, k}:
    // j kept i as its active parent (its link to i works), so nothing told r about the island,
    // although j's link to b joins it to the main tree (12 "delivery across roots" violations).
    // Now i says it is detached, j takes b, and i climbs through its former child j.
    SimNetwork net = Sims.network(25);
    SimNode r = net.addNode("r", List.of());
    SimNode a = net.addNode("a", List.of(r));
    SimNode b = net.addNode("b", List.of(r));
    SimNode i = net.addNode("i", List.of(a));
    SimNode j = net.addNode("j", List.of(i, b));
    SimNode k = net.addNode("k", List.of(j));
    net.startAll();
    converge(net);
    assertInvariants(net);

    Instant crash = net.now();
    net.kill(a);
    Instant detected = crash.plus(net.config().settings().deadLinkTimeout());
    Watch all = net.watch(() -> List.of(i, j, k).stream()
        .allMatch(x -> net.trace(r, x.address()).delivered()
            && net.trace(x, r.address()).delivered()));
    converge(net);

    assertThat(j.routing().activeParent()).contains(b.address());
    assertThat(i.routing().activeParent()).contains(j.address());
    assertThat(k.routing().activeParent()).contains(j.address());
    assertThat(net.trace(r, i.address()).delivered()).isTrue();
    InvariantChecker.Report report = new InvariantChecker(net).check();
    assertThat(report.violationCount()).as(report.toString()).isZero();
    Duration afterDetection = Duration.between(detected, all.holdsSince().orElseThrow());
    assertThat(afterDetection).isLessThan(
        net.config().settings().keepaliveInterval().multipliedBy(3));
  }

  private static NodeState stateOf(SimNode holder, SimNode of) {
    return holder.routing().view().stream().filter(s -> s.address().equals(of.address()))
        .findFirst().orElseThrow(() -> new AssertionError(holder + " has no state of " + of));
  }
}
