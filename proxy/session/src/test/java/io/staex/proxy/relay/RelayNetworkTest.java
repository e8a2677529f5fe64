package io.staex.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Identity;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.SessionFrame;
import io.staex.proxy.frame.SessionFrameCodec;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.relay.RelayCounters.Drop;
import io.staex.proxy.session.Session;
import io.staex.proxy.session.SessionTestSettings;
import io.staex.proxy.testkit.MemoryNetwork;
import io.staex.proxy.testkit.MemoryNetwork.Delivery;
import io.staex.proxy.testkit.MemoryNetwork.Node;
import io.staex.proxy.testkit.MemoryNetwork.Notice;
import io.staex.proxy.testkit.PlainFrames;
import io.staex.routing.NodeState;
import io.staex.routing.RoutingSettings;
import io.staex.testing.Seeded;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Five relays in one thread on a {@link MemoryNetwork}: {@code leaf → relay → root ← relay2 ←
 * leaf2}, the leaf with the root as its second parent (a cross link). Time moves only when a test
 * says so, so what the routing timer, withdrawal grace, hold-down and lookup timeouts do is
 * checked at the instant they are due: nothing just before, done just after.
 */
class RelayNetworkTest {
  static final RoutingSettings ROUTING = RoutingSettings.defaults();
  static final Duration NANO = Duration.ofNanos(1);
  static final NodeKey STRANGER = NodeKey.of(Identity.generate(Seeded.random(99)).address());

  final MemoryNetwork net = new MemoryNetwork();
  Node root;
  Node relay;
  Node relay2;
  Node leaf;
  Node leaf2;

  @BeforeEach
  void startNetwork() {
    root = net.node(20);
    relay = net.node(21, root);
    relay2 = net.node(23, root);
    leaf = net.node(22, relay, root);
    leaf2 = net.node(24, Optional.of("camera1"), relay2);
    net.link(relay, root);
    net.link(relay2, root);
    net.link(leaf, relay);
    net.link(leaf, root);
    net.link(leaf2, relay2);
    net.settle();
  }

  @AfterEach
  void stopNetwork() {
    net.close();
  }

  static FrameBytes bytes(int... b) {
    byte[] a = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      a[i] = (byte) b[i];
    }
    return FrameBytes.copyOf(a);
  }

  @Test
  void routingConverges_withoutTimePassing() {
    assertThat(root.routing().view()).extracting(NodeState::address).containsExactlyInAnyOrder(
        root.address(), relay.address(), relay2.address(), leaf.address(), leaf2.address());
    assertThat(relay.routing().knows(leaf.address())).isTrue();
    assertThat(relay.routing().knows(leaf2.address())).isFalse();
    assertThat(leaf.routing().activeParent()).hasValue(relay.address());
    assertThat(root.engine().linkPeers())
        .containsExactlyInAnyOrder(relay.address(), relay2.address(), leaf.address());
  }

  @Test
  void packetClimbsToTheRootAndIsSourceRoutedDown() {
    leaf.send(leaf2, bytes(1, 2, 3));
    net.settle();

    assertThat(leaf2.packets()).containsExactly(new Delivery(leaf.key(), bytes(1, 2, 3)));
    assertThat(relay.counters().forwarded()).isEqualTo(1);
    assertThat(root.counters().forwarded()).isEqualTo(1);
    assertThat(relay2.counters().forwarded()).isEqualTo(1);
  }

  @Test
  void statesStayWhileRefreshed_andASilentSubtreeExpiresAtItsLifetime() {
    net.advance(Duration.ofHours(1)); // 12 refreshes, each re-arming the routing timer
    assertThat(root.routing().view()).hasSize(5);

    // relay2 and leaf2 go silent (root stops reading them); the link stays up.
    root.end(relay2).setReading(false);
    // Their states were last refreshed at most one refresh interval ago: they expire at the
    // latest a lifetime after that, and not before a lifetime minus an interval from now.
    net.advance(ROUTING.stateLifetime().minus(ROUTING.refreshInterval()).minus(NANO));
    assertThat(root.routing().knows(leaf2.address())).isTrue();
    net.advance(ROUTING.refreshInterval().plus(NANO));
    assertThat(root.routing().knows(leaf2.address())).isFalse();
    assertThat(root.routing().knows(relay2.address())).isFalse();
    assertThat(root.routing().view()).hasSize(3);
  }

  @Test
  void parentLost_leafFailsOverAtOnce_andTakesItBackOnlyAfterTheHoldDown() {
    net.link(leaf, relay).fail("keepalive timeout");
    net.settle();
    assertThat(leaf.routing().activeParent()).hasValue(root.address());
    leaf.send(leaf2, bytes(7));
    net.settle();
    assertThat(leaf2.packets()).containsExactly(new Delivery(leaf.key(), bytes(7)));
    assertThat(relay.counters().forwarded()).as("not through the lost parent").isZero();

    net.link(leaf, relay); // back, but it went down once: on probation for the hold-down
    net.settle();
    net.advance(ROUTING.parentHoldDown().minus(NANO));
    assertThat(leaf.routing().activeParent()).hasValue(root.address());
    net.advance(NANO);
    assertThat(leaf.routing().activeParent()).hasValue(relay.address());
  }

  @Test
  void lostChild_isWithdrawnUpwardsAtOnce_keptBelowForTheGrace() {
    net.link(leaf2, relay2).fail("keepalive timeout");
    net.settle();

    // relay2 withdrew leaf2 upwards when its link went down: the root answers NO_ROUTE at once
    // instead of routing into the dead link for the grace (issue 14).
    assertThat(root.routing().knows(leaf2.address())).isFalse();
    assertThat(relay2.routing().knows(leaf2.address())).isTrue();
    leaf.send(leaf2, bytes(1));
    net.settle();
    assertThat(leaf.notices()).containsExactly(new Notice(leaf2.key(), UnreachableReason.NO_ROUTE));

    net.advance(ROUTING.withdrawGrace());
    assertThat(relay2.routing().knows(leaf2.address())).isFalse();
  }

  @Test
  void blackholedParent_answersFlowByTheBackupParentAtOnce_notAfterTheGrace() {
    // The testbed's blackhole-parent: leaf (parents relay, root) loses relay without a reset;
    // a gateway below relay answers it. Before, relay kept routing to leaf through the dead
    // link until withdrawGrace (30 s) passed: LINK_DOWN for every answer.
    Node gateway = net.node(25, relay);
    net.link(gateway, relay);
    net.settle();

    net.link(leaf, relay).fail("keepalive timeout");
    net.settle();
    assertThat(leaf.routing().activeParent()).hasValue(root.address());

    gateway.send(leaf, bytes(9));
    leaf.send(gateway, bytes(8));
    net.settle();
    assertThat(leaf.packets()).containsExactly(new Delivery(gateway.key(), bytes(9)));
    assertThat(gateway.packets()).containsExactly(new Delivery(leaf.key(), bytes(8)));
    assertThat(gateway.notices()).isEmpty();
  }

  @Test
  void packetToAnUnknownNode_comesBackNoRouteOverTwoHops() {
    leaf2.engine().send(STRANGER, bytes(9)); // leaf2 → relay2 → root, and the notice back down
    net.settle();

    assertThat(leaf2.notices()).containsExactly(new Notice(STRANGER, UnreachableReason.NO_ROUTE));
    assertThat(root.counters().dropped(Drop.NO_ROUTE)).isEqualTo(1);
    assertThat(root.counters().unreachableSent()).isEqualTo(1);
    assertThat(relay2.counters().forwarded()).as("the packet up, the notice down").isEqualTo(2);
    assertThat(leaf2.counters().unreachableReceived()).isEqualTo(1);
  }

  @Test
  void lookup_resolvesWithoutTimePassing() {
    CompletableFuture<Optional<NodeState>> found =
        leaf.engine().lookup(net.network().address(), "camera1", Duration.ofSeconds(2));
    net.settle();

    assertThat(found).isCompleted();
    assertThat(found.join()).map(NodeState::address).hasValue(leaf2.address());
  }

  @Test
  void lookupUnanswered_completesEmptyExactlyAtItsTimeout_andTheLateAnswerIsIgnored() {
    root.end(relay).setReading(false); // the request waits at the root's door
    Duration timeout = Duration.ofSeconds(2);
    CompletableFuture<Optional<NodeState>> found =
        leaf.engine().lookup(net.network().address(), "camera1", timeout);

    net.advance(timeout.minus(NANO));
    assertThat(found).isNotDone();
    net.advance(NANO);
    assertThat(found).isCompletedWithValue(Optional.empty());

    long heard = leaf.routing().counters().messagesIn();
    root.end(relay).setReading(true); // the root answers now: too late
    net.settle();
    assertThat(leaf.routing().counters().messagesIn()).as("the reply came").isGreaterThan(heard);
    assertThat(found).isCompletedWithValue(Optional.empty());
  }

  @Test
  void sessionBetweenTwoLeaves_overThreeRelays_underTheManualClock() {
    leaf.withSessions(SessionTestSettings.sessions());
    leaf2.withSessions(SessionTestSettings.sessions());
    net.settle();

    Session s = leaf.sessions().connect(leaf2.address()).orElseThrow();
    PlainFrames.send(s, new StreamFrame.Data(1, bytes(4, 2)));
    net.settle();

    assertThat(leaf.established()).hasSize(1);
    assertThat(leaf2.established()).extracting(Session::peer).containsExactly(leaf.address());
    assertThat(leaf2.frames()).containsExactly(List.of(new StreamFrame.Data(1, bytes(4, 2))));
    assertThat(leaf.notices()).isEmpty();

    // idle: both ends close at the idle timeout, not before
    net.advance(SessionTestSettings.sessions().idleTimeout().minus(Duration.ofSeconds(2)));
    assertThat(leaf.closed()).isEmpty();
    net.advance(Duration.ofSeconds(4));
    assertThat(leaf.closed()).hasSize(1);
    assertThat(leaf2.closed()).hasSize(1);
  }

  /** A well-formed session HELLO with a junk Noise message: what the session limiter counts. */
  static FrameBytes junkHello(long id) {
    SessionFrame hello = new SessionFrame.SessionHello(id, bytes(7, 7, 7, 7));
    io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
    try {
      SessionFrameCodec.encode(hello, buf);
      return FrameBytes.copyOf(buf);
    } finally {
      buf.release();
    }
  }

  /**
   * Issue 13's attack, carried out: a member (leaf, below relay) sends 2 600 junk HELLOs to the
   * root claiming to be leaf2, one per 5 ms, straight on its link, as a modified node would.
   * Without the reverse-path check they reach the root and keep its HELLO limiter's bucket for
   * leaf2 empty, so leaf2's real session to the root, opened during the flood, is refused; with
   * it, its first hop (relay) drops every one, counted, and leaf2's session opens at once.
   */
  @Test
  void memberSpeakingAsAnother_isDroppedAtItsFirstHop_andTheVictimsSessionOpens() {
    root.withSessions(SessionTestSettings.sessions());
    leaf2.withSessions(SessionTestSettings.sessions());
    net.settle();

    for (int i = 0; i < 2600; i++) {
      if (i == 1000) { // 5 s into the flood, leaf2 opens its session to the root
        assertThat(leaf2.sessions().connect(root.address())).isPresent();
      }
      leaf.end(relay).send(LinkFrame.Packet.of(root.key(), leaf2.key(), List.of(), junkHello(i)));
      net.advance(Duration.ofMillis(5));
      if (i == 1100) { // half a second later (a refused HELLO is resent after 1 s)
        assertThat(leaf2.established()).as("leaf2's session, during the flood")
            .extracting(Session::peer).containsExactly(root.address());
      }
    }
    net.settle();

    assertThat(root.established()).extracting(Session::peer).containsExactly(leaf2.address());
    assertThat(relay.counters().dropped(Drop.SPOOFED_SOURCE)).isEqualTo(2600);
    assertThat(relay.counters().unreachableSent()).as("never answered").isZero();
    assertThat(root.packets()).extracting(Delivery::source).containsOnly(leaf2.key());
    assertThat(root.packets()).hasSizeLessThan(10); // leaf2's own session frames only
    // the member's own packets still go through
    leaf.send(root, bytes(3, 1));
    net.settle();
    assertThat(root.packets()).contains(new Delivery(leaf.key(), bytes(3, 1)));
  }

  @Test
  void memberSpeakingAsItsParentOrAnotherChild_isDropped_itsOwnSubtreeIsNot() {
    Node below = net.node(25, leaf);
    net.link(below, leaf);
    net.settle();

    // leaf speaks for the node below it (its subtree): fine, all the way to leaf2
    leaf.end(relay).send(LinkFrame.Packet.of(leaf2.key(), below.key(), List.of(), bytes(3, 1)));
    // leaf speaks as its parent, as the root, as a stranger: dropped at relay
    leaf.end(relay).send(LinkFrame.Packet.of(leaf2.key(), relay.key(), List.of(), bytes(3, 2)));
    leaf.end(relay).send(LinkFrame.Packet.of(leaf2.key(), root.key(), List.of(), bytes(3, 3)));
    leaf.end(relay).send(LinkFrame.Packet.of(leaf2.key(), STRANGER, List.of(), bytes(3, 4)));
    net.settle();

    assertThat(leaf2.packets()).containsExactly(new Delivery(below.key(), bytes(3, 1)));
    assertThat(relay.counters().dropped(Drop.SPOOFED_SOURCE)).isEqualTo(3);
    assertThat(root.counters().dropped()).isZero();
  }

  @Test
  void hellosFromAChildsLink_areLimitedPerLink_otherPacketsAndPacketsFromParentsAreNot() {
    int limit = SessionTestSettings.relay().hellosPerSecondPerLink();

    for (int i = 0; i < limit + 50; i++) {
      leaf.send(root, junkHello(i));
    }
    for (int i = 0; i < 50; i++) {
      leaf.send(root, bytes(3, i));
    }
    net.settle();

    assertThat(relay.counters().dropped(Drop.HELLO_LIMITED)).isEqualTo(50);
    assertThat(root.packets()).hasSize(limit + 50);

    net.advance(Duration.ofMillis(500)); // half a second: half the limit again
    for (int i = 0; i < limit; i++) {
      leaf.send(root, junkHello(i));
    }
    net.settle();
    assertThat(relay.counters().dropped(Drop.HELLO_LIMITED)).isEqualTo(50 + limit / 2);
    assertThat(root.counters().dropped(Drop.HELLO_LIMITED)).isZero();

    // down from a parent: not limited (relay2's and leaf2's packets come from their parents)
    for (int i = 0; i < 2 * limit; i++) {
      root.send(leaf2, junkHello(i));
    }
    net.settle();
    assertThat(leaf2.packets()).hasSize(2 * limit);
    assertThat(relay2.counters().dropped(Drop.HELLO_LIMITED)).isZero();
  }

  @Test
  void loopOfParents_brokenByTheView_anUnknownNodeIsAnsweredNoRoute_notCircledUntilTheTtl() {
    try (MemoryNetwork ring = new MemoryNetwork()) {
      // a's parent is b, b's c, c's d, d's a: no root. Before ranks (issue 14) a packet for an
      // unknown node went up and round until its TTL ran out (FrameLimits.DEFAULT_TTL + 1 hops);
      // now a node whose only parent is below it (its state came back round the loop) lets go
      // of it (and does not take it back for parentHoldDown): no loop of active parents is
      // left, and the top a's packet reaches answers NO_ROUTE at once.
      // (TTL expiry itself: ForwardingTest.)
      Node d = ring.node(30, Optional.empty(), List.of(MemoryNetwork.address(32)));
      Node c = ring.node(33, d);
      Node b = ring.node(31, c);
      Node a = ring.node(32, b);
      ring.link(a, b);
      ring.link(b, c);
      ring.link(c, d);
      ring.link(d, a);
      ring.settle();
      List<Node> all = List.of(a, b, c, d);
      assertThat(all.stream().filter(n -> n.routing().activeParent().isEmpty()))
          .as("at least one top: no loop of active parents").isNotEmpty();

      a.engine().send(STRANGER, bytes(1));
      ring.settle();

      assertThat(a.notices()).containsExactly(new Notice(STRANGER, UnreachableReason.NO_ROUTE));
      long forwarded = all.stream().mapToLong(n -> n.counters().forwarded()).sum();
      assertThat(forwarded).as("up to the top and the notice back, at most 3 hops each way")
          .isLessThanOrEqualTo(6);
      assertThat(all.stream().mapToLong(n -> n.counters().dropped(Drop.TTL_EXPIRED)).sum()).isZero();
    }
  }

  /** testbed/tb.py generate(50, 14): node i's parents in priority order (0 root, 1 standby). */
  static final int[][] TESTBED_50 = {
    {}, {0}, {0, 1}, {2, 0}, {0, 1}, {4}, {5}, {6, 3}, {3}, {4}, {4}, {4}, {11}, {1, 0}, {10, 13},
    {7}, {2}, {11}, {2}, {9}, {15, 0}, {14}, {14}, {12}, {1, 0}, {3}, {5}, {10}, {9}, {15},
    {0, 1}, {12}, {13}, {13}, {10}, {13}, {13}, {8}, {8}, {4}, {6}, {7}, {5}, {9}, {9}, {10},
    {7}, {2}, {8}, {4},
  };

  /**
   * Issue 14's {@code root-kill} on the testbed's own shape, with real relays: the standby (1)
   * is a relay whose only parent is the root; every child of the root has the standby as backup
   * parent and every child of the standby the root. The root dies (its links fail at once, as
   * a kill -9 resets its connections): the tree re-forms under the standby, and every node
   * reaches every other again with no packet refused by the source check.
   */
  @Test
  void rootKilled_treeReformsUnderTheStandby_everyPairReachable_noPacketRefusedAsSpoofed() {
    try (MemoryNetwork tb = new MemoryNetwork()) {
      List<Node> nodes = new java.util.ArrayList<>();
      for (int i = 0; i < TESTBED_50.length; i++) {
        Node[] parents = new Node[TESTBED_50[i].length];
        for (int k = 0; k < parents.length; k++) {
          parents[k] = nodes.get(TESTBED_50[i][k]);
        }
        nodes.add(tb.node(100 + i, parents));
      }
      for (int i = 0; i < TESTBED_50.length; i++) {
        for (int p : TESTBED_50[i]) {
          tb.link(nodes.get(i), nodes.get(p));
        }
      }
      tb.settle();
      assertThat(nodes.get(0).routing().view()).hasSize(nodes.size());

      Node root = nodes.get(0);
      for (int i = 0; i < TESTBED_50.length; i++) {
        for (int p : TESTBED_50[i]) {
          if (p == 0) {
            tb.link(nodes.get(i), root).fail("killed");
          }
        }
      }
      tb.settle();
      List<Node> alive = nodes.subList(1, nodes.size());
      assertThat(nodes.get(1).routing().view()).as("the standby's view").hasSize(alive.size());
      for (Duration wait : List.of(Duration.ZERO, ROUTING.parentHoldDown())) {
        tb.advance(wait);
        int sent = 0;
        for (Node a : alive) {
          for (Node b : alive) {
            if (a != b) {
              a.send(b, bytes(sent & 0xff));
              sent++;
            }
          }
          tb.settle();
        }
        long delivered = alive.stream().mapToLong(n -> n.packets().size()).sum();
        long spoofed = alive.stream().mapToLong(n -> n.counters().dropped(Drop.SPOOFED_SOURCE)).sum();
        List<Notice> notices = alive.stream().flatMap(n -> n.notices().stream()).toList();
        assertThat(spoofed).as("refused as spoofed after %s", wait).isZero();
        assertThat(notices).as("after %s", wait).isEmpty();
        assertThat(delivered).as("after %s", wait).isEqualTo(sent);
        alive.forEach(n -> n.packets().clear());
      }
    }
  }
}
