package io.staex.proxy.relay.internal;

import static io.staex.proxy.relay.internal.RelayEngineTest.NETWORK;
import static io.staex.proxy.relay.internal.RelayEngineTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.TrustPolicy;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.PacketHeader;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.relay.internal.RelayAction.Answer;
import io.staex.proxy.relay.internal.RelayAction.Dropped;
import io.staex.proxy.relay.internal.RelayAction.Forward;
import io.staex.proxy.relay.internal.RelayEngineTest.Node;
import io.staex.proxy.relay.RelayCounters.Drop;
import io.staex.routing.Outbound;
import io.staex.routing.Route;
import io.staex.routing.RoutingNode;
import io.staex.routing.RoutingSettings;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The view of a real {@link RoutingNode}: a root with two children whose states it learned from
 * their own routing nodes, and the forwarding decision made over it.
 */
class NodeRouteViewTest {
  final Node root = RelayEngineTest.node(30);
  final Node child1 = RelayEngineTest.node(31);
  final Node child2 = RelayEngineTest.node(32);
  final Node stranger = RelayEngineTest.node(40);
  final Set<NodeKey> linksUp = new HashSet<>();
  RoutingNode node;
  NodeRouteView view;

  @BeforeEach
  void start() {
    node = new RoutingNode(root.identity(), root.certificate(), List.of(), List.of(),
        TrustPolicy.ofNetwork(NETWORK.address()), RoutingSettings.defaults(), NOW);
    view = new NodeRouteView(node, linksUp, java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
    attach(child1);
    attach(child2);
  }

  /** Links {@code child} up on both sides and gives the root the child's state. */
  void attach(Node child) {
    node.linkUp(child.address(), 1, NOW);
    linksUp.add(child.key());
    view.linkUp(child.address());
    RoutingNode c = new RoutingNode(child.identity(), child.certificate(),
        List.of(root.address()), List.of(), TrustPolicy.ofNetwork(NETWORK.address()),
        RoutingSettings.defaults(), NOW);
    for (Outbound out : c.linkUp(root.address(), 1, NOW).messages()) {
      node.receive(child.address(), out.message(), NOW);
    }
    assertThat(node.knows(child.address())).isTrue();
  }

  @Test
  void routes_areTheNodesDecisions_byKey() {
    assertThat(view.route(root.key())).hasValue(new Route.Local());
    assertThat(view.route(child1.key())).hasValue(new Route.Forward(List.of(child1.address())));
    assertThat(view.route(stranger.key()))
        .as("the root does not know it").hasValue(new Route.Unreachable(stranger.address()));
  }

  @Test
  void keyThatIsNoPoint_hasNoRoute() {
    byte[] notAPoint = new byte[NodeKey.SIZE];
    Arrays.fill(notAPoint, (byte) 0xFF);

    assertThat(view.route(NodeKey.copyOf(notAPoint))).isEmpty();
  }

  @Test
  void linkDown_isNotUp_butWasANeighbour() {
    linksUp.remove(child2.key());

    assertThat(view.isLinkUp(child1.key())).isTrue();
    assertThat(view.isLinkUp(child2.key())).isFalse();
    assertThat(view.wasNeighbour(child2.key())).isTrue();
    assertThat(view.wasNeighbour(stranger.key())).isFalse();
  }

  @Test
  void mayComeFrom_theNodesReversePathRule_byKey() {
    byte[] notAPoint = new byte[NodeKey.SIZE];
    Arrays.fill(notAPoint, (byte) 0xFF);

    assertThat(view.mayComeFrom(child1.key(), child1.key())).isTrue();
    assertThat(view.mayComeFrom(child1.key(), child2.key())).isFalse();
    assertThat(view.mayComeFrom(root.key(), child1.key())).isFalse();
    assertThat(view.mayComeFrom(stranger.key(), child1.key())).isFalse();
    assertThat(view.mayComeFrom(NodeKey.copyOf(notAPoint), child1.key())).isFalse();
  }

  @Test
  void forwarding_refusesAChildSpeakingAsAnother() {
    Forwarding forwarding = new Forwarding(root.key());
    PacketHeader asChild2 = new PacketHeader(
        FrameLimits.DEFAULT_TTL, 0, stranger.key(), child2.key(), List.of(), 10);

    assertThat(forwarding.packet(view, asChild2, child1.key()))
        .containsExactly(new Dropped(Drop.SPOOFED_SOURCE));
    assertThat(forwarding.packet(view, asChild2, child2.key())).containsExactly(
        new Dropped(Drop.NO_ROUTE), new Answer(child2.key(),
            LinkFrame.Unreachable.about(asChild2, UnreachableReason.NO_ROUTE, List.of())));
  }

  @Test
  void forwarding_overTheNodesView() {
    Forwarding forwarding = new Forwarding(root.key());
    PacketHeader toChild2 = new PacketHeader(
        FrameLimits.DEFAULT_TTL, 0, child2.key(), child1.key(), List.of(), 10);
    PacketHeader toStranger = new PacketHeader(
        FrameLimits.DEFAULT_TTL, 0, stranger.key(), child1.key(), List.of(), 10);

    assertThat(forwarding.packet(view, toChild2, child1.key()))
        .containsExactly(new Forward(child2.key(), new Rewrite.Rerouted(List.of())));
    assertThat(forwarding.packet(view, toStranger, child1.key())).containsExactly(
        new Dropped(Drop.NO_ROUTE), new Answer(child1.key(),
            LinkFrame.Unreachable.about(toStranger, UnreachableReason.NO_ROUTE, List.of())));
  }
}
