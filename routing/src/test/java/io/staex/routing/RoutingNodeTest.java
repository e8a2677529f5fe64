package io.staex.routing;

import static io.staex.routing.RoutingFixtures.CERTIFICATES;
import static io.staex.routing.RoutingFixtures.NODES;
import static io.staex.routing.RoutingFixtures.NETWORK;
import static io.staex.routing.RoutingFixtures.T0;
import static io.staex.routing.RoutingFixtures.YEAR;
import static io.staex.routing.RoutingFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.Revocations;
import io.staex.crypto.SignedRevocation;
import io.staex.testing.fixtures.Identities;
import io.staex.testing.fixtures.TestNetwork;
import io.staex.testing.fixtures.Validity;
import io.staex.routing.RoutingCounters.Drop;
import io.staex.routing.RoutingMessage.StateUpdate;
import io.staex.routing.RoutingMessage.Withdraw;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A few nodes wired by hand in one thread, messages delivered in order, time stepped by the
 * test: the routing rules of docs/routing.md, one behaviour per test. (The simulator in
 * {@code io.staex.routing.sim} runs the same code at scale with latency and failures.)
 */
class RoutingNodeTest {
  private static final RoutingSettings SETTINGS = RoutingSettings.defaults();

  /** A tiny synchronous network of routing nodes; node i is fixture node i. */
  private static final class Net {
    final Map<Address, RoutingNode> nodes = new HashMap<>();
    final Set<Set<Address>> links = new HashSet<>();
    final Deque<Object[]> inFlight = new ArrayDeque<>();
    final List<RoutingEvent> events = new ArrayList<>();
    /** Messages in flight get mutated by this before delivery, when set. */
    java.util.function.UnaryOperator<RoutingMessage> tamper = m -> m;
    /** Every message delivered, with its recipient, in order. */
    final List<Map.Entry<Address, RoutingMessage>> delivered = new ArrayList<>();
    Instant now = T0;

    RoutingNode add(int node, int... parents) {
      return add(node, CERTIFICATES.get(node), SETTINGS, parents);
    }

    RoutingNode add(int node, Certificate cert, RoutingSettings settings, int... parents) {
      RoutingNode n = new RoutingNode(NODES.get(node), cert,
          IntStream.of(parents).mapToObj(RoutingFixtures::address).toList(), List.of(80),
          RoutingFixtures.policy(), settings, now);
      nodes.put(address(node), n);
      return n;
    }

    RoutingNode node(int i) {
      return nodes.get(address(i));
    }

    /**
     * Fixture node {@code node}, certified by {@code network} with {@code name} and trusting as
     * {@code policy}, linked under {@code parent}.
     */
    RoutingNode member(int node, Identity network, String name, io.staex.crypto.TrustPolicy policy,
        int parent) {
      Certificate c = RoutingFixtures.certificate(network, NODES.get(node), name);
      nodes.put(address(node), new RoutingNode(NODES.get(node), c, List.of(address(parent)),
          List.of(), policy, SETTINGS, now));
      link(node, parent);
      return node(node);
    }

    /** A node outside the fixtures' pool, with its own policy. */
    RoutingNode add(Identity id, Certificate cert, List<Address> parents) {
      RoutingNode n = new RoutingNode(id, cert, parents, List.of(), RoutingFixtures.policy(),
          SETTINGS, now);
      nodes.put(id.address(), n);
      return n;
    }

    void link(Address a, Address b) {
      links.add(Set.of(a, b));
      apply(a, nodes.get(a).linkUp(b, 1, now));
      apply(b, nodes.get(b).linkUp(a, 1, now));
      run();
    }

    /** Hands {@code r} to {@code at} as an operator would (staex revoke); its outcome. */
    Revocations.Outcome revoke(Address at, SignedRevocation r) {
      Revocations.Outcome outcome = nodes.get(at).policy().revoke(r);
      if (outcome == Revocations.Outcome.APPLIED) {
        apply(at, nodes.get(at).revoked(r, now));
        run();
      }
      return outcome;
    }

    void link(int a, int b) {
      links.add(Set.of(address(a), address(b)));
      apply(address(a), node(a).linkUp(address(b), 1, now));
      apply(address(b), node(b).linkUp(address(a), 1, now));
      run();
    }

    void cut(int a, int b) {
      links.remove(Set.of(address(a), address(b)));
      apply(address(a), node(a).linkDown(address(b), now));
      apply(address(b), node(b).linkDown(address(a), now));
      run();
    }

    void apply(Address from, Effects effects) {
      for (Outbound o : effects.messages()) {
        inFlight.add(new Object[] {from, o.to(), o.message()});
      }
      events.addAll(effects.events());
    }

    void run() {
      while (!inFlight.isEmpty()) {
        Object[] m = inFlight.poll();
        Address from = (Address) m[0];
        Address to = (Address) m[1];
        if (links.contains(Set.of(from, to)) && nodes.containsKey(to)) {
          RoutingMessage message = tamper.apply((RoutingMessage) m[2]);
          delivered.add(Map.entry(to, message));
          apply(to, nodes.get(to).receive(from, message, now));
        }
      }
    }

    void advance(Duration d) {
      Instant end = now.plus(d);
      while (true) {
        Instant next = nodes.values().stream().map(RoutingNode::nextTimer).min(Instant::compareTo).orElseThrow();
        if (next.isAfter(end)) {
          break;
        }
        now = next.isAfter(now) ? next : now;
        for (Map.Entry<Address, RoutingNode> e : nodes.entrySet()) {
          if (!e.getValue().nextTimer().isAfter(now)) {
            apply(e.getKey(), e.getValue().tick(now));
          }
        }
        run();
      }
      now = end;
    }
  }

  /** root 0 ← 1 ← 2 (a chain), and 3 under 1. */
  private static Net chain() {
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 1);
    net.add(3, 1);
    net.link(1, 0);
    net.link(2, 1);
    net.link(3, 1);
    return net;
  }

  // --- source check (ReversePath, mayComeFrom)

  @Test
  void mayComeFrom_onlyTheNeighbourWhoseSubtreeHoldsTheSource() {
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 0);
    net.add(3, 1, 2);
    net.add(4, 3);
    net.link(1, 0);
    net.link(2, 0);
    net.link(3, 1);
    net.link(3, 2);
    net.link(4, 3);
    RoutingNode root = net.node(0);

    assertThat(root.via(address(4))).contains(address(1));
    assertThat(root.via(address(0))).contains(address(0));
    assertThat(root.via(address(5))).isEmpty();
    assertThat(root.mayComeFrom(address(1), address(1), net.now)).isTrue();
    assertThat(root.mayComeFrom(address(4), address(1), net.now)).isTrue();
    // 2 is a neighbour too, but 3 and 4 are not below it (2 is only 3's second parent)
    assertThat(root.mayComeFrom(address(4), address(2), net.now)).isFalse();
    assertThat(root.mayComeFrom(address(1), address(2), net.now)).isFalse();
    // nobody may speak as the root itself, or as a node it does not know
    assertThat(root.mayComeFrom(address(0), address(1), net.now)).isFalse();
    assertThat(root.mayComeFrom(address(5), address(1), net.now)).isFalse();
    assertThat(net.node(1).mayComeFrom(address(4), address(3), net.now)).isTrue();
    assertThat(net.node(3).mayComeFrom(address(1), address(4), net.now)).isFalse();

    assertThat(ReversePath.applies(false, false)).isTrue();
    assertThat(ReversePath.applies(true, false)).isFalse();
    assertThat(ReversePath.applies(false, true)).isFalse();
  }

  @Test
  void mayComeFrom_keepsTheFormerWayInOfAMovedSubtreeForTheWithdrawGrace() {
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 0);
    net.add(3, 1, 2);
    net.add(4, 3);
    net.link(1, 0);
    net.link(2, 0);
    net.link(3, 1);
    net.link(3, 2);
    net.link(4, 3);
    RoutingNode root = net.node(0);

    net.cut(3, 1); // 3 fails over to 2: its subtree now comes through 2

    assertThat(root.via(address(4))).contains(address(2));
    assertThat(root.mayComeFrom(address(4), address(2), net.now)).isTrue();
    // packets 4 sent before the switch may still be on their way through 1
    assertThat(root.mayComeFrom(address(4), address(1), net.now)).isTrue();
    assertThat(root.mayComeFrom(address(3), address(1), net.now)).isTrue();
    net.advance(SETTINGS.withdrawGrace().minusMillis(1));
    assertThat(root.mayComeFrom(address(4), address(1), net.now)).isTrue();
    net.advance(Duration.ofMillis(1));
    assertThat(root.mayComeFrom(address(4), address(1), net.now)).isFalse();
    assertThat(root.mayComeFrom(address(4), address(2), net.now)).isTrue();
  }

  @Test
  void linkUp_aNewConnectionToTheActiveParent_sendsTheWholeView() {
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 1);
    net.link(1, 0);
    net.link(2, 1);
    assertThat(net.node(0).knows(address(2))).isTrue();

    // the root restarts and 1 connects again before it saw the old connection go down
    net.add(0);
    net.apply(address(1), net.node(1).linkUp(address(0), 1, net.now));
    net.apply(address(0), net.node(0).linkUp(address(1), 1, net.now));
    net.run();

    assertThat(net.node(0).knows(address(2))).isTrue();
    assertThat(net.node(0).mayComeFrom(address(2), address(1), net.now)).isTrue();
  }

  @Test
  void statesFlowUp_rootKnowsEveryoneAndLeavesOnlyThemselves() {
    Net net = chain();

    assertThat(net.node(0).view()).extracting(NodeState::address)
        .containsExactlyInAnyOrder(address(0), address(1), address(2), address(3));
    assertThat(net.node(1).view()).extracting(NodeState::address)
        .containsExactlyInAnyOrder(address(1), address(2), address(3));
    assertThat(net.node(2).view()).extracting(NodeState::address).containsExactly(address(2));
  }

  @Test
  void routes_localDownByPathUpOrUnreachable() {
    Net net = chain();

    assertThat(net.node(0).route(address(0))).isEqualTo(new Route.Local());
    assertThat(net.node(0).route(address(2))).isEqualTo(new Route.Forward(List.of(address(1), address(2))));
    assertThat(net.node(2).route(address(3))).isEqualTo(new Route.Up(address(1)));
    // 1 knows its subtree: 2 → 3 turns at 1 and never climbs to the root.
    assertThat(net.node(1).route(address(3))).isEqualTo(new Route.Forward(List.of(address(3))));
    assertThat(net.node(0).route(address(9))).isEqualTo(new Route.Unreachable(address(9)));
  }

  @Test
  void crossLink_givesTheShorterPath() {
    // 0 ← 1 ← 2 ← 3 and 0 ← 4; 3 also has 4 as a second parent: the root reaches 3 in two hops.
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 1);
    net.add(4, 0);
    net.add(3, 2, 4);
    net.link(1, 0);
    net.link(2, 1);
    net.link(4, 0);
    net.link(3, 2);
    net.link(3, 4);

    assertThat(net.node(3).activeParent()).contains(address(2));
    assertThat(net.node(0).route(address(3))).isEqualTo(new Route.Forward(List.of(address(4), address(3))));
  }

  @Test
  void setParents_removedActiveParentLeaves_addedOneTakesOverWithTheWholeSubtree() {
    // 0 ← 1, 0 ← 2; 3 has parent [1] and a child 4, and a link to 2 that is not a parent yet.
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 0);
    net.add(3, 1);
    net.add(4, 3);
    net.link(1, 0);
    net.link(2, 0);
    net.link(3, 1);
    net.link(4, 3);
    net.link(3, 2);
    assertThat(net.node(3).activeParent()).contains(address(1));

    net.apply(address(3), net.node(3).setParents(List.of(address(2)), net.now));
    net.run();

    assertThat(net.node(3).parents()).containsExactly(address(2));
    assertThat(net.node(3).activeParent()).contains(address(2));
    assertThat(net.node(2).knows(address(4))).isTrue();
    assertThat(net.events).contains(new RoutingEvent.ActiveParentChanged(
        Optional.of(address(1)), Optional.of(address(2))));
    // the same list again changes nothing; a list naming the node itself is refused
    assertThat(net.node(3).setParents(List.of(address(2)), net.now).messages()).isEmpty();
    assertThatThrownBy(() -> net.node(3).setParents(List.of(address(3)), net.now))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void renewCertificate_ownStateSignedAgainWithIt_sentUp_otherCertificatesRefused() {
    Net net = chain();
    Certificate renewed = TestNetwork.of(NETWORK).certify(address(2)).name("node-2")
        .validity(Validity.of(T0, YEAR.multipliedBy(2))).issue();

    net.apply(address(2), net.node(2).renewCertificate(renewed, net.now));
    net.run();

    NodeState atParent = net.node(1).view().stream().filter(s -> s.address().equals(address(2)))
        .findFirst().orElseThrow();
    assertThat(atParent.certificate().notAfter()).isEqualTo(renewed.notAfter());
    Certificate otherName = TestNetwork.of(NETWORK).certify(address(2)).name("other")
        .validity(Validity.fixed()).issue();
    assertThatThrownBy(() -> net.node(2).renewCertificate(otherName, net.now))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
  }

  @Test
  void activeParentLost_nextParentTakesOverWithTheWholeSubtree() {
    // 0 ← 1, 0 ← 2; 3 has parents [1, 2] and a child 4.
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 0);
    net.add(3, 1, 2);
    net.add(4, 3);
    net.link(1, 0);
    net.link(2, 0);
    net.link(3, 1);
    net.link(3, 2);
    net.link(4, 3);
    // Both parents' links cost 1: the root may go either way, in three hops.
    assertThat(((Route.Forward) net.node(0).route(address(4))).path()).hasSize(3).endsWith(address(3), address(4));
    assertThat(net.node(1).knows(address(4))).isTrue();

    net.cut(3, 1);

    assertThat(net.node(3).activeParent()).contains(address(2));
    assertThat(net.node(2).knows(address(4))).isTrue();
    assertThat(net.node(0).route(address(4)))
        .isEqualTo(new Route.Forward(List.of(address(2), address(3), address(4))));
    assertThat(net.events).contains(new RoutingEvent.ActiveParentChanged(Optional.of(address(1)), Optional.of(address(2))));
  }

  @Test
  void subtreeMovedBetweenTwoChildren_survivesTheOldChildsWithdrawal() {
    // 0 ← 1, 0 ← 2; 3 has parents [1, 2] and a child 4. When 3 moves to 2, 4's state reaches
    // the root again unchanged (same sequence) through 2; the root must re-home it, or 1's
    // withdrawal after the grace period would remove 4, which is alive behind 2.
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 0);
    net.add(3, 1, 2);
    net.add(4, 3);
    net.link(1, 0);
    net.link(2, 0);
    net.link(3, 1);
    net.link(3, 2);
    net.link(4, 3);

    net.cut(3, 1);
    net.advance(SETTINGS.withdrawGrace().plusSeconds(1));

    assertThat(net.node(1).knows(address(4))).isFalse();
    assertThat(net.node(0).knows(address(4))).isTrue();
    assertThat(net.node(0).route(address(4)))
        .isEqualTo(new Route.Forward(List.of(address(2), address(3), address(4))));
  }

  @Test
  void movedSubtree_whoseChildComesBeforeItsTopsNewState_isReHomed_notWithdrawnByTheOldWay() {
    // 0 ← 1, 0 ← 2; 3 (parents 1, 2) with a child 4. 3 moves from 1 to 2, and 2 passes up 3's
    // view with 4's unchanged state before 3's new one (a view is a hash map). Taken in that
    // order, 4's state was stale (its chain still led through 1), and 1's withdrawal of 3 and 4
    // then removed 4 at the root until its refresh: a 50-node testbed's users could not reach
    // a relay's subtree for minutes. The root takes 3's new state first and re-homes 4.
    RoutingNode root = new RoutingNode(NODES.get(0), CERTIFICATES.get(0), List.of(), List.of(),
        RoutingFixtures.policy(), SETTINGS, T0);
    root.linkUp(address(1), 1, T0);
    root.linkUp(address(2), 1, T0);
    root.receive(address(1), new StateUpdate(List.of(signed(1, 1, 0))), T0);
    root.receive(address(2), new StateUpdate(List.of(signed(2, 1, 0))), T0);
    root.receive(address(1), new StateUpdate(List.of(signed(3, 1, 1, 2), signed(4, 1, 3))), T0);

    root.receive(address(2), new StateUpdate(List.of(signed(4, 1, 3), signed(3, 2, 2, 1))), T0);
    root.receive(address(1), new Withdraw(List.of(address(3), address(4))), T0);

    assertThat(root.knows(address(4))).isTrue();
    assertThat(root.route(address(4)))
        .isEqualTo(new Route.Forward(List.of(address(2), address(3), address(4))));
    assertThat(root.counters().dropped(Drop.STATE_STALE)).isZero();
  }

  @Test
  void lateViewOfAChildThatMovedBackAlready_doesNotReHomeItsSubtree_soItsWithdrawalRemovesNothing() {
    // Seen in a 50-node testbed start: 3 (parents 2 and the root) with a child 4 and a
    // grandchild 5 moved from 2 to the root and back within half a second. 2 passed up the
    // withdrawal and then 3's newer view; 3's own view, sent to the root when it switched, came
    // after them (another link, a busier loop). Its state was stale (3 is under 2 again), but
    // 4's and 5's unchanged states were re-homed to 3, as their active parents' chain "reached"
    // 3, and 3's withdrawal when it moved back removed them: unknown at the root until the
    // 5-minute refresh. A chain re-homes only if it stays in 3's subtree up to 3, and 3 is our
    // child as our view has it.
    RoutingNode root = new RoutingNode(NODES.get(0), CERTIFICATES.get(0), List.of(), List.of(),
        RoutingFixtures.policy(), SETTINGS, T0);
    root.linkUp(address(2), 1, T0);
    root.linkUp(address(3), 1, T0);
    root.receive(address(2), new StateUpdate(List.of(signed(2, 1, 0))), T0);
    root.receive(address(2), new StateUpdate(
        List.of(signed(3, 1, 2, 0), signed(4, 1, 3), signed(5, 1, 4))), T0);
    // 3 moved to the root (2 withdraws its subtree) and back to 2 (2 passes up its new view)
    root.receive(address(2), new Withdraw(List.of(address(4), address(3), address(5))), T0);
    root.receive(address(2), new StateUpdate(
        List.of(signed(3, 3, 2, 0), signed(4, 1, 3), signed(5, 1, 4))), T0);
    // then what 3 sent the root directly: its view when it chose the root, its withdrawal after
    root.receive(address(3), new StateUpdate(
        List.of(signed(3, 2, 0, 2), signed(4, 1, 3), signed(5, 1, 4))), T0);
    root.receive(address(3), new Withdraw(List.of(address(4), address(3), address(5))), T0);

    assertThat(root.knows(address(4))).isTrue();
    assertThat(root.knows(address(5))).isTrue();
    // the root's link to 3 is the shortest way in
    assertThat(root.route(address(5)))
        .isEqualTo(new Route.Forward(List.of(address(3), address(4), address(5))));
  }

  @Test
  void parentsFirst_putsEachStateAfterItsActiveParentsInTheList_keepsEveryState() {
    NodeState a = signed(1, 1, 0);
    NodeState b = signed(2, 1, 1);
    NodeState c = signed(3, 1, 2);
    NodeState other = signed(4, 1, 0);
    NodeState bAgain = signed(2, 2, 1);
    assertThat(RoutingNode.parentsFirst(List.of(c, other, b, a, bAgain)))
        .containsExactly(a, b, c, other, bAgain);
    // a cycle of active parents (forged or stale) still gives every state once
    NodeState x = signed(5, 1, 6);
    NodeState y = signed(6, 1, 5);
    assertThat(RoutingNode.parentsFirst(List.of(x, y))).containsExactlyInAnyOrder(x, y);
  }

  /** Node {@code node}'s state at {@code sequence}, with these parents, the first one active. */
  private static NodeState signed(int node, long sequence, int... parents) {
    List<ParentLink> links = new ArrayList<>();
    for (int p : parents) {
      links.add(new ParentLink(address(p), 1));
    }
    return NodeState.sign(NODES.get(node), CERTIFICATES.get(node), links,
        parents.length == 0 ? Optional.empty() : Optional.of(address(parents[0])), List.of(),
        sequence, T0.plus(Duration.ofMinutes(20)));
  }

  @Test
  void preferredParentBack_takenBackOnlyAfterHoldDown() {
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 0);
    net.add(3, 1, 2);
    net.link(1, 0);
    net.link(2, 0);
    net.link(3, 1);
    net.link(3, 2);
    assertThat(net.node(3).activeParent()).contains(address(1));
    // 1 goes down: 3 moves to 2. Only a parent that went down waits out the hold-down.
    net.cut(3, 1);
    assertThat(net.node(3).activeParent()).contains(address(2));
    assertThat(net.node(2).knows(address(3))).isTrue();

    net.link(3, 1);
    net.advance(SETTINGS.parentHoldDown().minusSeconds(1));
    assertThat(net.node(3).activeParent()).contains(address(2));

    net.advance(Duration.ofSeconds(2));
    assertThat(net.node(3).activeParent()).contains(address(1));
    // The old parent was told to forget the subtree, so nothing stale remains there.
    assertThat(net.node(2).knows(address(3))).isFalse();
    assertThat(net.node(1).knows(address(3))).isTrue();
  }

  @Test
  void blackholedParent_noRouteThroughTheDeadLink_atOnce() {
    // Testbed blackhole-parent: 0 ← 1 ← 4 (gateway); 2 has parents [1, 0] and a child 3 (user).
    // 1 and 2 both lose their link (missed keepalives); 2 moves to its backup 0. Before, 1 kept
    // routing 3 through the dead link to 2 for withdrawGrace (its own view still held 2's old
    // state, which declares the edge 1–2), and 0 kept 1's old way to it until 1 withdrew.
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(2, 1, 0);
    net.add(3, 2);
    net.add(4, 1);
    net.link(1, 0);
    net.link(2, 1);
    net.link(2, 0);
    net.link(3, 2);
    net.link(4, 1);
    assertThat(net.node(1).route(address(3)))
        .isEqualTo(new Route.Forward(List.of(address(2), address(3))));

    net.cut(2, 1);

    assertThat(net.node(2).activeParent()).contains(address(0));
    // 1 never names the dead link again: it goes round by 0 (2's state declares 2–0), or up.
    Route fromGateway = net.node(1).route(address(3));
    assertThat(fromGateway).isNotEqualTo(new Route.Forward(List.of(address(2), address(3))));
    assertThat(fromGateway instanceof Route.Up u ? u.parent()
        : ((Route.Forward) fromGateway).nextHop()).isEqualTo(address(0));
    assertThat(net.node(0).route(address(3)))
        .isEqualTo(new Route.Forward(List.of(address(2), address(3))));
    assertThat(net.node(0).route(address(4)))
        .isEqualTo(new Route.Forward(List.of(address(1), address(4))));
    // Nothing above 1 holds 2's subtree by the old way any more: 1 withdrew it at once.
    assertThat(net.node(0).via(address(3))).contains(address(2));
    assertThat(net.node(0).mayComeFrom(address(3), address(2), net.now)).isTrue();
  }

  @Test
  void lostChild_withdrawnUpwardsAtOnce_keptHereForTheGrace() {
    Net net = chain();

    net.cut(2, 1);
    // Its link is down: above 1 nothing may route to 2 any more, and 1 goes up for it.
    assertThat(net.node(0).knows(address(2))).isFalse();
    assertThat(net.node(1).knows(address(2))).isTrue();
    assertThat(net.node(1).route(address(2))).isEqualTo(new Route.Up(address(0)));
    assertThat(net.node(0).knows(address(3))).isTrue();

    net.advance(SETTINGS.withdrawGrace().plusSeconds(1));
    assertThat(net.node(1).knows(address(2))).isFalse();
    assertThat(net.node(0).knows(address(3))).isTrue();
  }

  @Test
  void childBackWithinGrace_announcedAgain_notWithdrawnLater() {
    Net net = chain();

    net.cut(2, 1);
    net.advance(SETTINGS.withdrawGrace().dividedBy(2));
    net.link(2, 1);
    assertThat(net.node(0).knows(address(2))).isTrue();
    net.advance(SETTINGS.withdrawGrace());

    assertThat(net.node(0).knows(address(2))).isTrue();
    assertThat(net.node(0).route(address(2)))
        .isEqualTo(new Route.Forward(List.of(address(1), address(2))));
  }

  @Test
  void refresh_resignsWithHigherSequence_andStatesWithoutRefreshExpire() {
    Net net = chain();
    long before = net.node(0).view().stream().filter(s -> s.address().equals(address(2))).findFirst().orElseThrow().sequence();

    net.advance(SETTINGS.refreshInterval().plusSeconds(1));
    long after = net.node(0).view().stream().filter(s -> s.address().equals(address(2))).findFirst().orElseThrow().sequence();
    assertThat(after).isGreaterThan(before);

    // 2 goes silent but its link stays up (a hung process): its state expires everywhere.
    net.nodes.remove(address(2));
    net.links.remove(Set.of(address(2), address(1)));
    net.advance(SETTINGS.stateLifetime().plusSeconds(1));
    assertThat(net.node(0).knows(address(2))).isFalse();
  }

  @Test
  void forgedState_droppedAsUntrusted() {
    Net net = chain();
    // Node 1 relays a state for 3 whose bytes it altered: the signature no longer matches.
    net.tamper = m -> m instanceof StateUpdate u ? new StateUpdate(u.states().stream().map(RoutingNodeTest::flipSequence).toList()) : m;

    net.advance(SETTINGS.refreshInterval().plusSeconds(1));

    assertThat(net.node(0).counters().dropped(Drop.STATE_UNTRUSTED)).isPositive();
  }

  @Test
  void nodeOfAnotherNetwork_droppedAsUntrusted() {
    Net net = new Net();
    net.add(0);
    net.add(5, RoutingFixtures.certificate(RoutingFixtures.OTHER_NETWORK, NODES.get(5), null), SETTINGS, 0);

    net.link(5, 0);

    assertThat(net.node(0).knows(address(5))).isFalse();
    assertThat(net.node(0).counters().dropped(Drop.STATE_UNTRUSTED)).isEqualTo(1);
  }

  @Test
  void stateFromANeighbourThatIsNotOurChild_dropped() {
    Net net = new Net();
    net.add(0);
    net.add(1);
    net.link(0, 1);

    // 1 is a root, not 0's child: it cannot push states into 0's view.
    net.apply(address(1), new Effects(List.of(new Outbound(address(0), new StateUpdate(List.of(net.node(1).ownState())))), List.of()));
    net.run();

    assertThat(net.node(0).knows(address(1))).isFalse();
    assertThat(net.node(0).counters().dropped(Drop.NOT_A_CHILD)).isEqualTo(1);
  }

  @Test
  void withdrawalOfNodesBelowAnotherChild_ignoredAndCounted() {
    // 1 ← 2 and 1 ← 3: 3 withdraws its sibling 2; 1 holds 2 through 2's own link and keeps it
    Net net = chain();
    net.apply(address(3), new Effects(List.of(new Outbound(address(1),
        new Withdraw(List.of(address(2))))), List.of()));
    net.run();

    assertThat(net.node(1).knows(address(2))).isTrue();
    assertThat(net.node(0).knows(address(2))).isTrue();
    assertThat(net.node(1).counters().dropped(Drop.WITHDRAW_NOT_VIA)).isEqualTo(1);
  }

  @Test
  void replayedOldState_droppedAsStale() {
    Net net = chain();
    NodeState old = net.node(2).ownState();
    net.advance(SETTINGS.refreshInterval().plusSeconds(1));

    net.inFlight.add(new Object[] {address(2), address(1), new StateUpdate(List.of(old))});
    net.run();

    assertThat(net.node(1).counters().dropped(Drop.STATE_STALE)).isEqualTo(1);
  }

  @Test
  void viewLimit_refusesNewStatesAndCountsThem() {
    RoutingSettings tiny = new RoutingSettings(
        SETTINGS.keepaliveInterval(), SETTINGS.missedKeepalives(), SETTINGS.withdrawGrace(),
        SETTINGS.refreshInterval(), SETTINGS.stateLifetime(), SETTINGS.parentHoldDown(),
        SETTINGS.maxHops(), 3, SETTINGS.maxServices(), SETTINGS.budget());
    Net net = new Net();
    net.add(0, CERTIFICATES.get(0), tiny);
    net.add(1, 0);
    net.add(2, 1);
    net.add(3, 1);
    net.link(2, 1);
    net.link(3, 1);

    net.link(1, 0);

    assertThat(net.node(0).view()).hasSize(3);
    assertThat(net.node(0).counters().dropped(Drop.STATE_LIMIT)).isEqualTo(1);
  }

  @Test
  void lookup_climbsUntilKnown_andTheAnswerComesBackVerified() {
    Net net = chain(); // node 2 is named node-2
    net.apply(address(3), net.node(3).lookup(7, RoutingFixtures.NETWORK.address(), "node-2", net.now));
    net.run();

    assertThat(net.events).anySatisfy(e -> {
      assertThat(e).isInstanceOf(RoutingEvent.LookupResolved.class);
      assertThat(((RoutingEvent.LookupResolved) e).state().address()).isEqualTo(address(2));
    });
  }

  @Test
  void lookupOfUnknownName_failsAtTheRoot() {
    Net net = chain();
    net.apply(address(2), net.node(2).lookup(8, RoutingFixtures.NETWORK.address(), "nobody", net.now));
    net.run();

    assertThat(net.events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
        RoutingEvent.LookupFailed.class, f -> assertThat(f.reason()).contains("not found")));
  }

  @Test
  void pendingLookup_endsOnAnswer_onMiss_andAtItsDeadline_whenNoAnswerComes() {
    Net net = chain();
    RoutingNode asker = net.node(3);
    net.apply(address(3), asker.lookup(20, RoutingFixtures.NETWORK.address(), "node-2", net.now));
    net.apply(address(3), asker.lookup(21, RoutingFixtures.NETWORK.address(), "nobody", net.now));
    assertThat(asker.pendingLookups()).isEqualTo(2);
    net.run();
    assertThat(asker.pendingLookups()).isZero(); // answer and miss both removed theirs

    net.inFlight.clear();
    net.apply(address(3), asker.lookup(22, RoutingFixtures.NETWORK.address(), "lost", net.now));
    net.inFlight.clear(); // the request is lost: no answer, no miss will ever come
    assertThat(asker.pendingLookups()).isEqualTo(1);
    assertThat(asker.nextTimer()).isBeforeOrEqualTo(net.now.plus(RoutingNode.LOOKUP_LIFETIME));
    net.events.clear();
    net.apply(address(3), asker.tick(net.now.plus(RoutingNode.LOOKUP_LIFETIME)));
    assertThat(asker.pendingLookups()).isZero();
    assertThat(net.events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
        RoutingEvent.LookupFailed.class, f -> {
          assertThat(f.id()).isEqualTo(22);
          assertThat(f.reason()).contains("no answer within 60s");
        }));
  }

  @Test
  void pendingLookups_areBounded_andNamesThatCantExistNeverWait() {
    Net net = chain();
    RoutingNode asker = net.node(3);
    for (int i = 0; i < RoutingNode.MAX_PENDING_LOOKUPS; i++) {
      asker.lookup(100 + i, RoutingFixtures.NETWORK.address(), "n" + i, net.now);
    }
    assertThat(asker.pendingLookups()).isEqualTo(RoutingNode.MAX_PENDING_LOOKUPS);
    net.events.clear();
    net.apply(address(3), asker.lookup(99, RoutingFixtures.NETWORK.address(), "one-more", net.now));
    assertThat(asker.pendingLookups()).isEqualTo(RoutingNode.MAX_PENDING_LOOKUPS);
    assertThat(net.events).singleElement().isInstanceOfSatisfying(RoutingEvent.LookupFailed.class,
        f -> assertThat(f.reason()).contains("too many lookups in flight"));

    net.events.clear();
    Effects bad = asker.lookup(98, RoutingFixtures.NETWORK.address(), "a".repeat(64), net.now);
    assertThat(bad.messages()).isEmpty();
    net.apply(address(3), bad);
    assertThat(net.events).singleElement().isInstanceOfSatisfying(RoutingEvent.LookupFailed.class,
        f -> assertThat(f.reason()).contains("is not a name"));
  }

  @Test
  void lookupAnswerAlteredByARelay_fails() {
    Net net = chain();
    // Relay 1 swaps the answer for its own (validly signed) state: a different name.
    net.tamper = m -> m instanceof RoutingMessage.LookupReply r
        ? new RoutingMessage.LookupReply(r.id(), r.route(), net.node(1).ownState()) : m;
    net.apply(address(3), net.node(3).lookup(9, RoutingFixtures.NETWORK.address(), "node-2", net.now));
    net.run();

    assertThat(net.events).noneMatch(e -> e instanceof RoutingEvent.LookupResolved);
    assertThat(net.events).anySatisfy(e -> assertThat(e).isInstanceOf(RoutingEvent.LookupFailed.class));
  }

  // --- route explain (issue 16)

  /** The answers node {@code asker} got for the explain {@code id}, in order. */
  private static List<RoutingMessage.ExplainAnswer> answers(Net net, long id) {
    return net.events.stream()
        .filter(e -> e instanceof RoutingEvent.ExplainAnswered a && a.id() == id)
        .map(e -> ((RoutingEvent.ExplainAnswered) e).answer()).toList();
  }

  /** Starts an explain of {@code target} at {@code asker} and delivers everything. */
  private static List<RoutingMessage.ExplainAnswer> explain(
      Net net, Address asker, long id, Address target) {
    net.apply(asker, net.nodes.get(asker).explain(id, target, net.now));
    net.run();
    return answers(net, id);
  }

  @Test
  void explain_climbsFromTheAskersParent_eachNodeAnswers_untilOneKnowsThePath() {
    Net net = chain(); // 0 ← 1 ← {2, 3}
    net.add(4, 0);
    net.link(4, 0);
    assertThat(net.node(2).route(address(4))).isEqualTo(new Route.Up(address(1)));

    List<RoutingMessage.ExplainAnswer> got = explain(net, address(2), 1, address(4));

    assertThat(got).extracting(RoutingMessage.ExplainAnswer::answerer)
        .containsExactly(address(1), address(0));
    assertThat(got.get(0).decision()).isEqualTo(RoutingMessage.ExplainAnswer.Decision.UP);
    assertThat(got.get(0).hops()).extracting(RoutingMessage.ExplainHop::node)
        .containsExactly(address(0));
    assertThat(got.get(1).decision()).isEqualTo(RoutingMessage.ExplainAnswer.Decision.FORWARD);
    assertThat(got.get(1).hops()).containsExactly(
        new RoutingMessage.ExplainHop(address(4), 1, Optional.of("node-4")));
    assertThat(net.node(2).pendingExplains()).isZero(); // the FORWARD ended it

    // The parent itself, and a node nobody has: LOCAL at once; NO_ROUTE at the root.
    assertThat(explain(net, address(2), 2, address(1))).singleElement()
        .extracting(RoutingMessage.ExplainAnswer::decision)
        .isEqualTo(RoutingMessage.ExplainAnswer.Decision.LOCAL);
    assertThat(explain(net, address(2), 3, address(9)))
        .extracting(RoutingMessage.ExplainAnswer::decision).containsExactly(
            RoutingMessage.ExplainAnswer.Decision.UP, RoutingMessage.ExplainAnswer.Decision.NO_ROUTE);
    // A node that decides itself asks no one.
    assertThat(net.node(1).explain(4, address(3), net.now).messages()).isEmpty();
  }

  /** Root 0 trusting networks A (NETWORK) and B (OTHER_NETWORK): 1 and 2 of A, 5 of B below it. */
  private static Net sharedRoot(boolean bTrusted) {
    Net net = new Net();
    io.staex.crypto.TrustPolicy both = bTrusted
        ? io.staex.crypto.TrustPolicy.builder(RoutingFixtures.NETWORK.address())
            .trustNetwork(RoutingFixtures.OTHER_NETWORK.address()).build()
        : RoutingFixtures.policy();
    net.nodes.put(address(0), new RoutingNode(NODES.get(0), CERTIFICATES.get(0), List.of(),
        List.of(), both, SETTINGS, net.now));
    net.add(1, 0);
    net.add(2, 0);
    net.link(1, 0);
    net.link(2, 0);
    net.member(5, RoutingFixtures.OTHER_NETWORK, "member-b",
        io.staex.testing.fixtures.TestNetwork.of(RoutingFixtures.OTHER_NETWORK).policy(), 0);
    return net;
  }

  @Test
  void explain_aMemberOfAnotherNetwork_learnsNothingOfThisOnesNodes_theSameAnswerAsForNoNode() {
    Net net = sharedRoot(true);
    assertThat(net.node(0).knows(address(1))).isTrue();
    assertThat(net.node(0).knows(address(5))).isTrue();

    // The oracle attack: B's member asks the shared root where A's node 1 is, and where a node
    // that exists nowhere is. The two answers must be the same but for the id.
    RoutingMessage.ExplainAnswer ofA = explain(net, address(5), 10, address(1)).get(0);
    RoutingMessage.ExplainAnswer ofNobody = explain(net, address(5), 11, address(9)).get(0);

    assertThat(ofA.decision()).isEqualTo(RoutingMessage.ExplainAnswer.Decision.NO_ROUTE);
    assertThat(ofA.hops()).isEmpty();
    assertThat(RoutingCodec.encode(new RoutingMessage.ExplainAnswer(11, ofA.route(),
        ofA.answerer(), ofA.decision(), ofA.hops())))
        .isEqualTo(RoutingCodec.encode(ofNobody));
    // A's own member gets the path.
    assertThat(explain(net, address(2), 12, address(1))).singleElement().satisfies(a -> {
      assertThat(a.decision()).isEqualTo(RoutingMessage.ExplainAnswer.Decision.FORWARD);
      assertThat(a.hops()).containsExactly(new RoutingMessage.ExplainHop(address(1), 1,
          Optional.empty()));
    });
    // And A's member learns nothing of B's member, which is in the root's view too.
    assertThat(explain(net, address(2), 13, address(5))).singleElement()
        .extracting(RoutingMessage.ExplainAnswer::decision)
        .isEqualTo(RoutingMessage.ExplainAnswer.Decision.NO_ROUTE);
  }

  /** A policy of {@code own} network that also trusts {@code other}. */
  private static io.staex.crypto.TrustPolicy trusting(Identity own, Identity other) {
    return io.staex.crypto.TrustPolicy.builder(own.address()).trustNetwork(other.address())
        .build();
  }

  /** The lookup answers delivered to {@code to} while {@code run} runs. */
  private static List<RoutingMessage> deliveredTo(Net net, Address to, Runnable run) {
    int from = net.delivered.size();
    run.run();
    return net.delivered.subList(from, net.delivered.size()).stream()
        .filter(e -> e.getKey().equals(to)).map(Map.Entry::getValue)
        .filter(m -> m instanceof RoutingMessage.LookupReply
            || m instanceof RoutingMessage.LookupMiss)
        .toList();
  }

  @Test
  void lookup_byAMemberOfAnotherNetwork_atASharedRoot_isAnsweredAsForANameThatExistsNowhere() {
    Net net = sharedRoot(true); // root 0 trusts A and B; 1, 2 (named node-2) of A; 5 of B
    assertThat(net.node(0).knows(address(2))).isTrue();

    // The oracle attack: B's member asks the shared root for A's node by its name, and for a
    // name that exists nowhere, with requests it writes itself (its own node would refuse the
    // answer; a hostile member reads it off the wire).
    List<RoutingMessage> answers = deliveredTo(net, address(5), () -> {
      net.apply(address(5), new Effects(List.of(
          new Outbound(address(0), new RoutingMessage.LookupRequest(10, address(5),
              RoutingFixtures.NETWORK.address(), "node-2", 32)),
          new Outbound(address(0), new RoutingMessage.LookupRequest(11, address(5),
              RoutingFixtures.NETWORK.address(), "nobody", 32))), List.of()));
      net.run();
    });

    assertThat(answers).hasSize(2).allSatisfy(
        m -> assertThat(m).isInstanceOf(RoutingMessage.LookupMiss.class));
    RoutingMessage.LookupMiss ofA = (RoutingMessage.LookupMiss) answers.get(0);
    RoutingMessage.LookupMiss ofNobody = (RoutingMessage.LookupMiss) answers.get(1);
    assertThat(RoutingCodec.encode(new RoutingMessage.LookupMiss(11, ofA.route(), ofA.network(),
        "nobody"))).isEqualTo(RoutingCodec.encode(ofNobody));
    // A's own member finds it.
    net.apply(address(1), net.node(1).lookup(12, RoutingFixtures.NETWORK.address(), "node-2",
        net.now));
    net.run();
    assertThat(net.events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
        RoutingEvent.LookupResolved.class, r -> assertThat(r.state().address())
            .isEqualTo(address(2))));
    // And the shared root itself, a member of A, does not resolve B's names either.
    net.events.clear();
    net.member(6, RoutingFixtures.OTHER_NETWORK, "camera-b",
        io.staex.testing.fixtures.TestNetwork.of(RoutingFixtures.OTHER_NETWORK).policy(), 0);
    assertThat(net.node(0).knows(address(6))).isTrue();
    net.events.clear();
    net.apply(address(0), net.node(0).lookup(13, RoutingFixtures.OTHER_NETWORK.address(),
        "camera-b", net.now));
    assertThat(net.events).singleElement().isInstanceOfSatisfying(
        RoutingEvent.LookupFailed.class, f -> assertThat(f.reason()).contains("not found"));
  }

  @Test
  void lookup_ofANodeThatAcceptsTheAskersNetwork_isAnswered_itsStateNamesItsGuests() {
    Net net = sharedRoot(true);
    // camera-a of A accepts B's members (trusts B): its state names B as a guest
    RoutingNode camera = net.member(6, RoutingFixtures.NETWORK, "camera-a",
        trusting(RoutingFixtures.NETWORK, RoutingFixtures.OTHER_NETWORK), 0);
    assertThat(camera.ownState().guests())
        .containsExactly(RoutingFixtures.OTHER_NETWORK.address());
    // a member of B that trusts A asks by name through the shared root
    net.member(7, RoutingFixtures.OTHER_NETWORK, "viewer-b",
        trusting(RoutingFixtures.OTHER_NETWORK, RoutingFixtures.NETWORK), 0);
    net.events.clear();

    net.apply(address(7), net.node(7).lookup(20, RoutingFixtures.NETWORK.address(), "camera-a",
        net.now));
    net.apply(address(7), net.node(7).lookup(21, RoutingFixtures.NETWORK.address(), "node-2",
        net.now));
    net.run();

    assertThat(net.events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
        RoutingEvent.LookupResolved.class, r -> assertThat(r.state().address())
            .isEqualTo(address(6))));
    // node-2 accepts only A: B's member, though it trusts A, is told nothing of it
    assertThat(net.events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
        RoutingEvent.LookupFailed.class, f -> assertThat(f.reason()).contains("'node-2' not found")));
  }

  @Test
  void explain_ofANodeThatAcceptsTheAskersNetwork_isAnswered_onTheLookupsRule() {
    Net net = sharedRoot(true); // root 0 trusts A and B; 1, 2 (node-2) of A; 5 of B
    // camera-a of A accepts B's members: a member of B may learn where it is, as its name
    net.member(6, RoutingFixtures.NETWORK, "camera-a",
        trusting(RoutingFixtures.NETWORK, RoutingFixtures.OTHER_NETWORK), 0);
    net.member(7, RoutingFixtures.OTHER_NETWORK, "viewer-b",
        trusting(RoutingFixtures.OTHER_NETWORK, RoutingFixtures.NETWORK), 0);

    assertThat(explain(net, address(7), 40, address(6))).singleElement().satisfies(a -> {
      assertThat(a.decision()).isEqualTo(RoutingMessage.ExplainAnswer.Decision.FORWARD);
      assertThat(a.hops()).containsExactly(
          new RoutingMessage.ExplainHop(address(6), 1, Optional.of("camera-a")));
    });
    // node-2 accepts only A: B's member, though it trusts A, gets the answer for nobody
    RoutingMessage.ExplainAnswer ofNode2 = explain(net, address(7), 41, address(2)).get(0);
    RoutingMessage.ExplainAnswer ofNobody = explain(net, address(7), 42, address(9)).get(0);
    assertThat(RoutingCodec.encode(new RoutingMessage.ExplainAnswer(42, ofNode2.route(),
        ofNode2.answerer(), ofNode2.decision(), ofNode2.hops())))
        .isEqualTo(RoutingCodec.encode(ofNobody));
  }

  @Test
  void lookup_askedInAnotherNodesName_orFromAbove_isDroppedUnansweredAndCounted() {
    Net net = chain(); // 0 ← 1 ← {2, 3}; node-2 is named
    // 3 asks relay 1 in its sibling 2's name (the answer would go to 2, or be read off the wire
    // on the way); root 0 asks its child 1 in its own name; nobody's asks too.
    List<RoutingMessage> answers = deliveredTo(net, address(2), () -> {
      net.apply(address(3), new Effects(List.of(new Outbound(address(1),
          new RoutingMessage.LookupRequest(30, address(2), RoutingFixtures.NETWORK.address(),
              "node-0", 32))), List.of()));
      net.apply(address(0), new Effects(List.of(new Outbound(address(1),
          new RoutingMessage.LookupRequest(31, address(0), RoutingFixtures.NETWORK.address(),
              "node-2", 32))), List.of()));
      net.apply(address(3), new Effects(List.of(new Outbound(address(1),
          new RoutingMessage.LookupRequest(32, address(9), RoutingFixtures.NETWORK.address(),
              "node-2", 32))), List.of()));
      net.run();
    });

    assertThat(net.node(1).counters().dropped(Drop.LOOKUP_FORGED)).isEqualTo(3);
    assertThat(answers).isEmpty();
    assertThat(net.node(0).counters().dropped(Drop.LOOKUP_FORGED)).isZero(); // not sent on
  }

  @Test
  void explain_askedInAnotherNodesName_orFromAbove_isDroppedUnansweredAndCounted() {
    Net net = chain(); // 0 ← 1 ← {2, 3}
    net.add(4, 0);
    net.link(4, 0);
    // 3 asks relay 1 in its sibling 2's name (to learn what 2 may know): 2's state did not come
    // through 3. Root 0 asks its child 1 in its own name: 0 is not below 1. Nobody's asks too.
    net.apply(address(3), new Effects(List.of(new Outbound(address(1),
        new RoutingMessage.ExplainRequest(30, address(2), address(4), 32))), List.of()));
    net.apply(address(0), new Effects(List.of(new Outbound(address(1),
        new RoutingMessage.ExplainRequest(31, address(0), address(3), 32))), List.of()));
    net.apply(address(3), new Effects(List.of(new Outbound(address(1),
        new RoutingMessage.ExplainRequest(32, address(9), address(4), 32))), List.of()));
    net.run();

    assertThat(net.node(1).counters().dropped(Drop.EXPLAIN_FORGED)).isEqualTo(3);
    assertThat(net.events).noneMatch(e -> e instanceof RoutingEvent.ExplainAnswered);
    assertThat(net.node(0).counters().dropped(Drop.EXPLAIN_FORGED)).isZero(); // not sent on
  }

  @Test
  void explain_answersOnlyTheExplainThatWaits_fromTheNodeItWaitsFor() {
    Net net = chain();
    net.add(4, 0);
    net.link(4, 0);
    RoutingMessage.ExplainAnswer forged = new RoutingMessage.ExplainAnswer(40, List.of(),
        address(3), RoutingMessage.ExplainAnswer.Decision.NO_ROUTE, List.of());
    // Nothing waits for 40 at node 2: counted, no event.
    net.apply(address(1), new Effects(List.of(new Outbound(address(2), forged)), List.of()));
    net.run();
    assertThat(net.node(2).counters().dropped(Drop.EXPLAIN_UNEXPECTED)).isEqualTo(1);

    // 2 waits for 41 from its parent 1; an answer that claims to be 3's is not taken.
    net.apply(address(2), net.node(2).explain(41, address(4), net.now));
    net.inFlight.clear(); // the request is lost
    net.apply(address(1), new Effects(List.of(new Outbound(address(2),
        new RoutingMessage.ExplainAnswer(41, List.of(), address(3),
            RoutingMessage.ExplainAnswer.Decision.NO_ROUTE, List.of()))), List.of()));
    net.run();
    assertThat(net.node(2).counters().dropped(Drop.EXPLAIN_UNEXPECTED)).isEqualTo(2);
    assertThat(answers(net, 41)).isEmpty();
    assertThat(net.node(2).pendingExplains()).isEqualTo(1);
    net.node(2).forgetExplain(41);
    assertThat(net.node(2).pendingExplains()).isZero();
  }

  @Test
  void explain_overTheNeighboursRate_notAnsweredNorSentOn_countedOnce_andAgainASecondLater() {
    RoutingSettings slow = SETTINGS.withBudget(SETTINGS.budget().withExplainsPerSecond(3));
    Net net = new Net();
    net.add(0, CERTIFICATES.get(0), slow);
    net.add(1, CERTIFICATES.get(1), slow, 0);
    net.add(2, CERTIFICATES.get(2), slow, 1);
    net.add(4, CERTIFICATES.get(4), slow, 0);
    net.link(1, 0);
    net.link(2, 1);
    net.link(4, 0);

    // Five explains at the same instant: relay 1 answers three (and sends three on), drops two.
    for (int i = 0; i < 5; i++) {
      net.apply(address(2), net.node(2).explain(50 + i, address(4), net.now));
    }
    net.run();
    assertThat(net.node(1).counters().dropped(Drop.EXPLAIN_LIMITED)).isEqualTo(2);
    assertThat(net.events.stream().filter(e -> e instanceof RoutingEvent.ExplainAnswered))
        .hasSize(6); // 3 × (1's UP + 0's FORWARD)
    assertThat(net.events).filteredOn(e -> e instanceof RoutingEvent.OverBudget o
        && o.budget() == RoutingEvent.OverBudget.Budget.EXPLAINS).hasSize(2);

    net.now = net.now.plusSeconds(1);
    assertThat(explain(net, address(2), 60, address(4))).hasSize(2);
    assertThat(net.node(1).counters().dropped(Drop.EXPLAIN_LIMITED)).isEqualTo(2);
  }

  @Test
  void explain_ttlSpent_theNodeStillAnswers_butSendsItNoFurther() {
    Net net = chain();
    net.add(4, 0);
    net.link(4, 0);
    net.apply(address(2), net.node(2).explain(70, address(4), net.now));
    net.inFlight.clear();
    net.apply(address(2), new Effects(List.of(new Outbound(address(1),
        new RoutingMessage.ExplainRequest(70, address(2), address(4), 0))), List.of()));
    net.run();

    assertThat(answers(net, 70)).extracting(RoutingMessage.ExplainAnswer::answerer)
        .containsExactly(address(1));
    assertThat(net.node(1).counters().dropped(Drop.TTL_EXPIRED)).isEqualTo(1);
  }

  /** The same state with one byte of its sequence number changed: the signature breaks. */
  private static NodeState flipSequence(NodeState s) {
    byte[] bytes = s.encode();
    int certLength = ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
    bytes[4 + certLength + 7] ^= 1;
    try {
      return NodeState.decode(bytes);
    } catch (RoutingDecodeException e) {
      throw new AssertionError(e);
    }
  }

  // ---- revocations

  /**
   * A 50-node tree (node i under (i - 1) / 3); a revocation handed to a node in the middle
   * reaches all 50, up to the root and down every branch, and each node sends it on once.
   */
  @Test
  void revocation_reachesEveryNodeOfA50NodeTree_upAndDown() {
    Net net = new Net();
    List<Identity> ids = new ArrayList<>();
    List<Certificate> certs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Identity id = Identities.identity(5000 + i);
      ids.add(id);
      certs.add(TestNetwork.of(RoutingFixtures.NETWORK).certify(id.address())
          .validity(Validity.fixed()).issue());
      net.add(id, certs.get(i), i == 0 ? List.of() : List.of(ids.get((i - 1) / 3).address()));
    }
    for (int i = 1; i < 50; i++) {
      net.link(ids.get(i).address(), ids.get((i - 1) / 3).address());
    }
    long before = net.nodes.values().stream().mapToLong(n -> n.counters().messagesOut()).sum();
    SignedRevocation r = SignedRevocation.ofNode(RoutingFixtures.NETWORK, ids.get(49).address(), T0);

    assertThat(net.revoke(ids.get(17).address(), r)).isEqualTo(Revocations.Outcome.APPLIED);

    for (int i = 0; i < 50; i++) {
      RoutingNode n = net.nodes.get(ids.get(i).address());
      assertThat(n.policy().revocations().covering(certs.get(49))).as("node %d", i).contains(r);
      assertThat(n.policy().revocations().known()).as("node %d heard it once", i).isZero();
      assertThat(n.knows(ids.get(49).address())).as("node %d forgot the revoked state", i)
          .isEqualTo(i == 49);
    }
    long sent = net.nodes.values().stream().mapToLong(n -> n.counters().messagesOut()).sum()
        - before;
    assertThat(sent).as("one message per tree edge").isEqualTo(49);
    assertThat(net.events).filteredOn(e -> e instanceof RoutingEvent.Revoked).hasSize(50);
  }

  @Test
  void revocation_forgedOrForeign_droppedCountedAndNotSpread() {
    Net net = chain();
    byte[] forged = SignedRevocation.ofNode(RoutingFixtures.NETWORK, address(3), T0)
        .encoded().toByteArray();
    forged[forged.length - 1] ^= 1;
    SignedRevocation foreign =
        SignedRevocation.ofNode(RoutingFixtures.OTHER_NETWORK, address(3), T0);

    net.apply(address(2), new Effects(List.of(
        new Outbound(address(1), new RoutingMessage.Revoke(List.of(decode(forged), foreign)))),
        List.of()));
    long out = net.node(1).counters().messagesOut();
    net.run();

    assertThat(net.node(1).counters().dropped(Drop.REVOCATION_INVALID)).isEqualTo(2);
    assertThat(net.node(1).counters().messagesOut()).isEqualTo(out);
    assertThat(net.node(1).policy().revocations().size()).isZero();
    assertThat(net.node(0).policy().revocations().size()).isZero();
    assertThat(net.node(1).knows(address(3))).isTrue();
  }

  @Test
  void linkUp_handsOverHeldRevocations_toANodeThatWasAway() {
    Net net = chain();
    net.cut(3, 1);
    SignedRevocation r = SignedRevocation.ofSerial(
        RoutingFixtures.NETWORK, CERTIFICATES.get(2).serial(), T0);
    net.revoke(address(0), r);
    assertThat(net.node(2).policy().revocations().all()).containsExactly(r);
    assertThat(net.node(3).policy().revocations().all()).isEmpty();

    net.link(3, 1);

    assertThat(net.node(3).policy().revocations().all()).containsExactly(r);
    assertThat(net.node(3).policy().revocations().known()).isZero();
    assertThat(net.node(1).policy().revocations().known()).as("3 had nothing to hand back")
        .isZero();
  }

  private static SignedRevocation decode(byte[] bytes) {
    try {
      return SignedRevocation.decode(bytes);
    } catch (io.staex.crypto.BadRevocationException e) {
      throw new AssertionError(e);
    }
  }

  // --- ranks: no islands (issue 14)

  /**
   * 0 (root) ← 1 ← 2 (the subtree's top) ← 3 ← 4, and 6 under 2; 4's second parent is 5, under
   * the root. 2 loses its only parent.
   */
  private static Net island() {
    Net net = new Net();
    net.add(0);
    net.add(1, 0);
    net.add(5, 0);
    net.add(2, 1);
    net.add(3, 2);
    net.add(6, 2);
    net.add(4, 3, 5);
    net.link(1, 0);
    net.link(5, 0);
    net.link(2, 1);
    net.link(3, 2);
    net.link(6, 2);
    net.link(4, 3);
    net.link(4, 5);
    return net;
  }

  @Test
  void ranks_areHopsFromTheRoot_announcedToEveryNeighbour() {
    Net net = island();

    assertThat(List.of(0, 1, 5, 2, 3, 6, 4).stream().map(i -> net.node(i).rank()))
        .containsExactly(0, 1, 1, 2, 3, 3, 4);
    assertThat(net.node(4).activeParent()).contains(address(3));
    // a parent hears its children's ranks too (a detached node may climb through a child)
    assertThat(net.node(5).rankOf(address(4))).contains(4);
    assertThat(net.node(3).rankOf(address(2))).contains(2);
  }

  @Test
  void island_topLosesEveryParent_aMemberWithABackupTakesIt_andTheRestClimbsThroughIt() {
    Net net = island();

    net.cut(2, 1);

    // 2's rank went DETACHED, and so did 3's: 4 took its backup 5, which has a way up; 3 (whose
    // only parent 2 has none) climbs through its former child 4, 2 through 3, 6 through 2.
    assertThat(net.node(4).activeParent()).contains(address(5));
    assertThat(net.node(3).activeParent()).contains(address(4));
    assertThat(net.node(2).activeParent()).contains(address(3));
    assertThat(net.node(6).activeParent()).contains(address(2));
    assertThat(List.of(4, 3, 2, 6).stream().map(i -> net.node(i).rank()))
        .containsExactly(2, 3, 4, 5);
    RoutingNode root = net.node(0);
    assertThat(root.route(address(6))).isEqualTo(new Route.Forward(
        List.of(address(5), address(4), address(3), address(2), address(6))));
    assertThat(root.route(address(2))).isInstanceOf(Route.Forward.class);
    assertThat(net.node(6).route(address(1))).isEqualTo(new Route.Up(address(2)));
    // the state of a node climbing through a former child names it: a parent while it is one
    assertThat(root.view().stream().filter(st -> st.address().equals(address(3))).findFirst()
        .orElseThrow().activeParent()).contains(address(4));
  }

  @Test
  void island_healed_everyoneBackUnderItsPreferredParent_afterTheHoldDown() {
    Net net = island();
    net.cut(2, 1);
    assertThat(net.node(2).activeParent()).contains(address(3));

    net.link(2, 1);
    // 2's own parent is back (a way up again, after its hold-down, as any parent that came back)
    net.advance(SETTINGS.parentHoldDown().plusSeconds(1));
    assertThat(net.node(2).activeParent()).contains(address(1));
    assertThat(net.node(3).activeParent()).contains(address(2));
    net.advance(SETTINGS.parentHoldDown().plusSeconds(1));

    assertThat(net.node(4).activeParent()).contains(address(3));
    assertThat(List.of(0, 1, 5, 2, 3, 6, 4).stream().map(i -> net.node(i).rank()))
        .containsExactly(0, 1, 1, 2, 3, 3, 4);
    assertThat(net.node(0).route(address(4))).isEqualTo(new Route.Forward(
        List.of(address(5), address(4))));
    assertThat(net.node(1).knows(address(4))).isTrue();
    assertThat(net.node(5).knows(address(3))).isFalse();
  }

  @Test
  void subtreeWithNoWayUpAtAll_staysTogetherUnderItsTop_detached() {
    Net net = island();
    net.cut(4, 5);

    net.cut(2, 1);

    assertThat(List.of(2, 3, 6, 4).stream().map(i -> net.node(i).rank()))
        .containsOnly(RoutingMessage.Rank.DETACHED);
    assertThat(net.node(3).activeParent()).contains(address(2));
    assertThat(net.node(4).activeParent()).contains(address(3));
    assertThat(net.node(2).activeParent()).isEmpty();
    // inside the island, routes still work; out of it, the top says unreachable at once
    assertThat(net.node(2).route(address(4))).isEqualTo(new Route.Forward(List.of(address(3), address(4))));
    assertThat(net.node(2).route(address(0))).isInstanceOf(Route.Unreachable.class);
  }

  @Test
  void rankLies_attractOnlyTheLiarsOwnNeighbours_thatHaveNoOtherWayUp() {
    Net net = island();
    // 3 lies: "I am a root" to its parent 2 and its child 4, who both have a way up.
    RoutingMessage lie = new RoutingMessage.Rank(0);
    net.apply(address(3), new Effects(List.of(new Outbound(address(2), lie),
        new Outbound(address(4), lie)), List.of()));
    net.run();

    // nobody with a parent that has a way up changes it for a better rank
    assertThat(net.node(2).activeParent()).contains(address(1));
    assertThat(net.node(4).activeParent()).contains(address(3));
    assertThat(net.node(4).rank()).isEqualTo(1);
    assertThat(net.node(5).rank()).isEqualTo(1);
    assertThat(net.node(0).route(address(6))).isEqualTo(new Route.Forward(
        List.of(address(1), address(2), address(6))));

    // 3 lies "detached": only its own children leave it (4 takes its backup); nothing else moves
    net.apply(address(3), new Effects(List.of(new Outbound(address(4),
        new RoutingMessage.Rank(RoutingMessage.Rank.DETACHED))), List.of()));
    net.run();
    assertThat(net.node(4).activeParent()).contains(address(5));
    assertThat(net.node(2).activeParent()).contains(address(1));
    assertThat(net.node(6).activeParent()).contains(address(2));
    assertThat(net.node(0).route(address(6))).isEqualTo(new Route.Forward(
        List.of(address(1), address(2), address(6))));
  }

  @Test
  void rankBeyondMaxHops_isNoWayUp_soALoopOfStaleRanksCountsToDetached() {
    Net net = island();
    int tooFar = SETTINGS.maxHops();
    // 1 says it is maxHops away: 2 would be beyond the longest path, so 1 is no way up for it
    // (a loop of stale ranks grows by its length each round until it gets there).
    net.apply(address(1), new Effects(List.of(new Outbound(address(2),
        new RoutingMessage.Rank(tooFar))), List.of()));
    net.run();

    // as if 2 had lost its parent: 4 takes its backup, 3 and 2 climb through it
    assertThat(net.node(4).activeParent()).contains(address(5));
    assertThat(net.node(2).activeParent()).contains(address(3));
    assertThat(net.node(2).rank()).isEqualTo(4);

    // one less is a way up again (after the hold-down of a parent that lost its way)
    net.apply(address(1), new Effects(List.of(new Outbound(address(2),
        new RoutingMessage.Rank(tooFar - 1))), List.of()));
    net.run();
    net.advance(SETTINGS.parentHoldDown().plusSeconds(1));
    assertThat(net.node(2).activeParent()).contains(address(1));
    assertThat(net.node(2).rank()).isEqualTo(tooFar);
  }

  @Test
  void fallbackWhoseRankFlaps_notTakenAgainBeforeTheHoldDown() {
    Net net = island();
    net.cut(2, 1);
    assertThat(net.node(3).activeParent()).contains(address(4));

    // 4 (3's fallback) says detached, then attached again at once: 3 does not come back to it
    // before parentHoldDown (it would send its whole view each time, at the flapper's rate)
    net.apply(address(4), new Effects(List.of(new Outbound(address(3),
        new RoutingMessage.Rank(RoutingMessage.Rank.DETACHED))), List.of()));
    net.run();
    assertThat(net.node(3).rank()).isEqualTo(RoutingMessage.Rank.DETACHED);
    net.apply(address(4), new Effects(List.of(new Outbound(address(3),
        new RoutingMessage.Rank(2))), List.of()));
    net.run();
    assertThat(net.node(3).activeParent()).isNotEqualTo(Optional.of(address(4)));

    net.advance(SETTINGS.parentHoldDown().plusSeconds(1));
    assertThat(net.node(3).activeParent()).contains(address(4));
    assertThat(net.node(0).route(address(6))).isInstanceOf(Route.Forward.class);
  }
}
