package io.staex.proxy.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.PacketHeader;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.relay.internal.RelayAction.Answer;
import io.staex.proxy.relay.internal.RelayAction.Dropped;
import io.staex.proxy.relay.internal.RelayAction.Forward;
import io.staex.proxy.relay.internal.RelayAction.NotifyLocal;
import io.staex.proxy.relay.RelayCounters.Drop;
import io.staex.routing.Route;
import io.staex.testing.Seeded;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forwarding decision over one hand-made table, every branch a row: {@code S} is this
 * node, {@code A}, {@code B} its children and {@code P} its parent (links up), {@code C} and
 * {@code Q} were neighbours (links down now), {@code F} a node behind {@code A} that sends
 * through {@code S}. One test goes through a real {@code RoutingNode}: {@link
 * NodeRouteViewTest}.
 */
class ForwardingTest {
  static final Address S = address(0);
  static final Address A = address(1);
  static final Address B = address(2);
  static final Address P = address(3);
  static final Address C = address(4);
  static final Address Q = address(5);
  /** Behind A: the usual source of a transit packet here. */
  static final Address F = address(6);
  /** Behind A, routed by this node. */
  static final Address X = address(7);
  /** Behind C (down). */
  static final Address W = address(8);
  /** Unknown here: up to the parent P. */
  static final Address Y = address(9);
  /** Unknown here: up to the parent Q (down). */
  static final Address V = address(10);
  /** Unknown to the root. */
  static final Address Z = address(11);
  /** Behind C (down) once, now behind B: this node routes it by B. */
  static final Address R = address(13);
  /** A key the view routes as Local (only this node's own, in a real view). */
  static final Address L = address(12);
  /** Not an Ed25519 point: no address, no route. */
  static final NodeKey BAD = notAKey();

  static final Dropped UNDELIVERABLE = new Dropped(Drop.UNREACHABLE_UNDELIVERABLE);

  static final TableView VIEW = new TableView()
      .up(A, B, P)
      .below(A, A, F, X)
      .below(B, B)
      .down(C, Q)
      .route(S, new Route.Local())
      .route(L, new Route.Local())
      .route(A, forward(A))
      .route(B, forward(B))
      .route(P, forward(P))
      .route(C, forward(C))
      .route(F, forward(A, F))
      .route(X, forward(A, X))
      .route(W, forward(C, W))
      .route(R, forward(B, R))
      .route(Y, new Route.Up(P))
      .route(V, new Route.Up(Q))
      .route(Z, new Route.Unreachable(Z));

  final Forwarding forwarding = new Forwarding(k(S));

  // ---- the table

  /** Transit packets, all from F through A unless the row says otherwise. */
  static Stream<Arguments> transitPackets() {
    return Stream.of(
        row("source route, next hop up: forwarded, hop popped",
            packet(5, F, B, B), new Forward(k(B), Rewrite.FORWARDED)),
        row("source route through B to a node behind it: forwarded",
            packet(5, F, X, B, X), new Forward(k(B), Rewrite.FORWARDED)),
        row("source route with TTL 0: TTL_EXPIRED, answered towards F",
            packet(0, F, B, B), failed(UnreachableReason.TTL_EXPIRED, Drop.TTL_EXPIRED)),
        row("source route through a node that never was a neighbour: BAD_ROUTE",
            packet(5, F, X, X), failed(UnreachableReason.BAD_ROUTE, Drop.LINK_DOWN)),
        row("source route through a lost neighbour: LINK_DOWN",
            packet(5, F, C, C), failed(UnreachableReason.LINK_DOWN, Drop.LINK_DOWN)),
        row("source route through a lost neighbour, this node has a way: rerouted around it",
            packet(5, F, R, C, R), new Forward(k(B), new Rewrite.Rerouted(List.of(k(R))), true)),
        row("source route through a lost neighbour, this node's way is that link too: LINK_DOWN",
            packet(5, F, W, C, W), failed(UnreachableReason.LINK_DOWN, Drop.LINK_DOWN)),
        row("for this node: delivered", packet(5, F, S), RelayAction.DELIVER),
        row("for this node with TTL 0: delivered (TTL counts relays only)",
            packet(0, F, S), RelayAction.DELIVER),
        row("route Local: delivered", packet(5, F, L), RelayAction.DELIVER),
        row("route Local with TTL 0: delivered", packet(0, F, L), RelayAction.DELIVER),
        row("destination not a key: BAD_KEY, not answered",
            header(5, k(F), BAD), new Dropped(Drop.BAD_KEY)),
        row("route Unreachable: NO_ROUTE, answered",
            packet(5, F, Z), failed(UnreachableReason.NO_ROUTE, Drop.NO_ROUTE)),
        row("route Unreachable with TTL 0: NO_ROUTE (the route is asked first)",
            packet(0, F, Z), failed(UnreachableReason.NO_ROUTE, Drop.NO_ROUTE)),
        row("route Forward: rerouted with the rest of the path",
            packet(5, F, X), new Forward(k(A), new Rewrite.Rerouted(List.of(k(X))))),
        row("route Forward to a neighbour: rerouted with an empty route",
            packet(5, F, B), new Forward(k(B), new Rewrite.Rerouted(List.of()))),
        row("route Forward with TTL 0: TTL_EXPIRED",
            packet(0, F, X), failed(UnreachableReason.TTL_EXPIRED, Drop.TTL_EXPIRED)),
        row("route Forward through a lost neighbour: LINK_DOWN",
            packet(5, F, W), failed(UnreachableReason.LINK_DOWN, Drop.LINK_DOWN)),
        row("route Up: forwarded to the parent",
            packet(5, F, Y), new Forward(k(P), Rewrite.FORWARDED)),
        row("route Up with TTL 0: TTL_EXPIRED",
            packet(0, F, Y), failed(UnreachableReason.TTL_EXPIRED, Drop.TTL_EXPIRED)),
        row("route Up, the parent's link down: LINK_DOWN",
            packet(5, F, V), failed(UnreachableReason.LINK_DOWN, Drop.LINK_DOWN)),
        row("failed, source the neighbour itself: answered with an empty route",
            packet(5, A, Z), new Dropped(Drop.NO_ROUTE), new Answer(k(A), notice(
                UnreachableReason.NO_ROUTE, A, Z))),
        // the reverse-path check: climbing from A (no route, not for S), the source must be
        // A or below it; else one drop, first, never answered (a notice would go to the
        // node it claims to be)
        row("climbing, source B (another child): SPOOFED_SOURCE", packet(5, B, Y), SPOOFED),
        row("climbing, source unknown here: SPOOFED_SOURCE", packet(5, Y, Z), SPOOFED),
        row("climbing, source this node: SPOOFED_SOURCE", packet(5, S, Z), SPOOFED),
        row("climbing, source not a key: SPOOFED_SOURCE", header(5, BAD, k(Z)), SPOOFED),
        row("climbing, source behind a lost neighbour: SPOOFED_SOURCE", packet(5, W, Z), SPOOFED),
        row("climbing with TTL 0, source not below A: SPOOFED_SOURCE (checked first)",
            packet(0, Y, X), SPOOFED),
        row("climbing to a destination that is not a key, source not below A: SPOOFED_SOURCE",
            header(5, k(Y), BAD), SPOOFED),
        row("source-routed, any source: not checked (a bigger view chose the path)",
            packet(5, Y, B, B), new Forward(k(B), Rewrite.FORWARDED)),
        row("for this node, any source: not checked (it may have come down any way)",
            packet(5, Y, S), RelayAction.DELIVER));
  }

  static final Dropped SPOOFED = new Dropped(Drop.SPOOFED_SOURCE);

  /**
   * Answers to transit packets that failed, by where their source is: what {@link
   * Forwarding#fail} sends (sources that cannot climb from A, so asked directly).
   */
  static Stream<Arguments> failures() {
    return Stream.of(
        row("source routed by Up: answered to the parent with an empty route",
            packet(5, Y, Z), new Dropped(Drop.NO_ROUTE), new Answer(k(P), notice(
                UnreachableReason.NO_ROUTE, Y, Z))),
        row("source unknown to the root: a second drop",
            packet(5, Z, Z), new Dropped(Drop.NO_ROUTE), UNDELIVERABLE),
        row("source not a key: a second drop",
            header(5, BAD, k(Z)), new Dropped(Drop.NO_ROUTE), UNDELIVERABLE),
        row("source behind a lost neighbour: a second drop",
            packet(5, W, Z), new Dropped(Drop.NO_ROUTE), UNDELIVERABLE),
        row("source up to a parent that is down: a second drop",
            packet(5, V, Z), new Dropped(Drop.NO_ROUTE), UNDELIVERABLE),
        row("transit packet claiming this node as source: reported here",
            packet(5, S, Z), new Dropped(Drop.NO_ROUTE),
            new NotifyLocal(k(Z), UnreachableReason.NO_ROUTE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failure(String name, PacketHeader p, List<RelayAction> expected) {
    assertThat(forwarding.fail(VIEW, p, UnreachableReason.NO_ROUTE))
        .containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transitPackets")
  void transitPacket(String name, PacketHeader p, List<RelayAction> expected) {
    assertThat(forwarding.packet(VIEW, p, k(A))).containsExactlyElementsOf(expected);
  }

  /** This node's own packets: source S, DEFAULT_TTL, no route, no neighbour they came from. */
  static Stream<Arguments> ownPackets() {
    return Stream.of(
        row("route Forward: source-routed, TTL kept",
            own(X), new Forward(k(A), new Rewrite.SourceRouted(List.of(k(X))))),
        row("route Forward to a neighbour: empty source route",
            own(B), new Forward(k(B), new Rewrite.SourceRouted(List.of()))),
        row("route Up: as is", own(Y), new Forward(k(P), Rewrite.AS_IS)),
        row("to this node: delivered", own(S), RelayAction.DELIVER),
        row("route Local: delivered", own(L), RelayAction.DELIVER),
        row("destination not a key: BAD_KEY", header(FrameLimits.DEFAULT_TTL, k(S), BAD),
            new Dropped(Drop.BAD_KEY)),
        row("route Unreachable: NO_ROUTE, reported here",
            own(Z), new Dropped(Drop.NO_ROUTE), new NotifyLocal(k(Z), UnreachableReason.NO_ROUTE)),
        row("route Forward through a lost neighbour: LINK_DOWN, reported here",
            own(W), new Dropped(Drop.LINK_DOWN),
            new NotifyLocal(k(W), UnreachableReason.LINK_DOWN)),
        row("route Up, the parent's link down: LINK_DOWN, reported here",
            own(V), new Dropped(Drop.LINK_DOWN),
            new NotifyLocal(k(V), UnreachableReason.LINK_DOWN)),
        row("TTL 0: not spent by its own node, source-routed",
            header(0, k(S), k(X)), new Forward(k(A), new Rewrite.SourceRouted(List.of(k(X))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ownPackets")
  void ownPacket(String name, PacketHeader p, List<RelayAction> expected) {
    assertThat(forwarding.packet(VIEW, p, null)).containsExactlyElementsOf(expected);
  }

  /** UNREACHABLE notices from A: about a packet of {@code source} to Z. */
  static Stream<Arguments> notices() {
    NotifyLocal local = new NotifyLocal(k(Z), UnreachableReason.LINK_DOWN);
    return Stream.of(
        row("source-routed, next hop up: forwarded, hop popped",
            notice(5, B, B), new Forward(k(B), Rewrite.FORWARDED)),
        row("source-routed to a node behind the next hop: forwarded",
            notice(5, X, B, X), new Forward(k(B), Rewrite.FORWARDED)),
        row("source-routed with TTL 0: undeliverable", notice(0, B, B), UNDELIVERABLE),
        row("source-routed through a lost neighbour: undeliverable",
            notice(5, C, C), UNDELIVERABLE),
        row("source-routed through a node that never was a neighbour: undeliverable",
            notice(5, X, X), UNDELIVERABLE),
        row("for this node: to its sessions", notice(5, S), local),
        row("for this node with TTL 0: to its sessions", notice(0, S), local),
        row("route Local: to its sessions", notice(5, L), local),
        row("route Forward: rerouted",
            notice(5, X), new Forward(k(A), new Rewrite.Rerouted(List.of(k(X))))),
        row("route Forward with TTL 0: undeliverable", notice(0, X), UNDELIVERABLE),
        row("route Forward through a lost neighbour: undeliverable", notice(5, W), UNDELIVERABLE),
        row("route Up: forwarded to the parent",
            notice(5, Y), new Forward(k(P), Rewrite.FORWARDED)),
        row("route Up with TTL 0: undeliverable", notice(0, Y), UNDELIVERABLE),
        row("route Up, the parent's link down: undeliverable", notice(5, V), UNDELIVERABLE),
        row("route Unreachable: undeliverable, never answered", notice(5, Z), UNDELIVERABLE),
        row("source not a key: undeliverable", new LinkFrame.Unreachable(
            5, UnreachableReason.LINK_DOWN, BAD, k(Z), List.of()), UNDELIVERABLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notices")
  void notice(String name, LinkFrame.Unreachable u, List<RelayAction> expected) {
    assertThat(forwarding.notice(VIEW, u, k(A))).containsExactlyElementsOf(expected);
  }

  // ---- rules across the table

  @ParameterizedTest
  @EnumSource(UnreachableReason.class)
  void failureOfOwnPacket_isReportedLocally_withoutANotice(UnreachableReason reason) {
    PacketHeader p = header(FrameLimits.DEFAULT_TTL, k(S), k(X));

    assertThat(forwarding.fail(VIEW, p, reason)).containsExactly(
        new Dropped(drop(reason)), new NotifyLocal(k(X), reason));
  }

  @ParameterizedTest
  @EnumSource(UnreachableReason.class)
  void failureOfTransitPacket_isAnsweredTowardsItsSource(UnreachableReason reason) {
    PacketHeader p = packet(5, F, X);

    assertThat(forwarding.fail(VIEW, p, reason)).containsExactly(new Dropped(drop(reason)),
        new Answer(k(A), LinkFrame.Unreachable.about(p, reason, List.of(k(F)))));
  }

  @Test
  void answer_carriesOnlyTheFailedHeadersKeys_withAFreshTtl() {
    PacketHeader p = packet(1, F, Z);

    Answer a = (Answer) forwarding.packet(VIEW, p, k(A)).get(1);

    assertThat(a.notice()).isEqualTo(new LinkFrame.Unreachable(FrameLimits.DEFAULT_TTL,
        UnreachableReason.NO_ROUTE, k(F), k(Z), List.of(k(F))));
  }

  /**
   * Any notice over the table's keys, with any TTL and any route of them: one action, never an
   * answer — a notice about a notice could loop.
   */
  @Property
  void notices_areNeverAnswered(@ForAll("anyNotice") LinkFrame.Unreachable u) {
    List<RelayAction> actions = forwarding.notice(VIEW, u, k(A));

    assertThat(actions).hasSize(1);
    assertThat(actions.get(0)).isNotInstanceOf(Answer.class);
    assertThat(actions).doesNotContain(RelayAction.DELIVER);
  }

  /**
   * Any transit packet from A that climbs (no route, not for this node) with a source that is
   * not A or below it: exactly one SPOOFED_SOURCE drop, nothing sent, nothing answered.
   */
  @Property
  void climbingPackets_fromOutsideTheSubtree_areOneSpoofedDrop(
      @ForAll("climbingFromOutside") PacketHeader p) {
    assertThat(forwarding.packet(VIEW, p, k(A))).containsExactly(SPOOFED);
  }

  @Provide
  Arbitrary<PacketHeader> climbingFromOutside() {
    Set<NodeKey> below = Set.of(k(A), k(F), k(X));
    Arbitrary<NodeKey> keys = anyKey();
    return Arbitraries.integers().between(0, 255).flatMap(ttl ->
        keys.filter(source -> !below.contains(source)).flatMap(source ->
            keys.filter(destination -> !destination.equals(k(S)))
                .map(destination -> header(ttl, source, destination, List.of()))));
  }

  /** Any transit packet: forwarded or delivered alone, else a drop first and then one more. */
  @Property
  void packets_forwardedDeliveredOrDroppedFirst(@ForAll("anyPacket") PacketHeader p) {
    List<RelayAction> actions = forwarding.packet(VIEW, p, k(A));

    if (actions.size() == 1) {
      assertThat(actions.get(0))
          .isInstanceOfAny(Forward.class, Dropped.class, RelayAction.Deliver.class);
    } else {
      assertThat(actions).hasSize(2);
      assertThat(actions.get(0)).isInstanceOf(Dropped.class);
      assertThat(actions.get(1)).isInstanceOfAny(Answer.class, NotifyLocal.class, Dropped.class);
    }
    actions.stream().filter(a -> a instanceof Forward).map(a -> ((Forward) a).next())
        .forEach(next -> assertThat(VIEW.isLinkUp(next)).as("forward on a link up").isTrue());
  }

  @Provide
  Arbitrary<LinkFrame.Unreachable> anyNotice() {
    Arbitrary<NodeKey> keys = anyKey();
    return Arbitraries.integers().between(0, 255).flatMap(ttl -> keys.flatMap(source ->
        keys.flatMap(destination -> keys.list().ofMaxSize(3).map(route -> new LinkFrame.Unreachable(
            ttl, UnreachableReason.LINK_DOWN, source, destination,
            route.isEmpty() ? route : append(route, source))))));
  }

  @Provide
  Arbitrary<PacketHeader> anyPacket() {
    Arbitrary<NodeKey> keys = anyKey();
    return Arbitraries.integers().between(0, 255).flatMap(ttl -> keys.flatMap(source ->
        keys.flatMap(destination -> keys.list().ofMaxSize(3).map(route -> header(
            ttl, source, destination, route.isEmpty() ? route : append(route, destination))))));
  }

  private static Arbitrary<NodeKey> anyKey() {
    return Arbitraries.of(Stream.concat(
        Stream.of(S, A, B, P, C, Q, F, X, W, Y, V, Z, L).map(ForwardingTest::k),
        Stream.of(BAD, k(address(13)))).toList());
  }

  private static List<NodeKey> append(List<NodeKey> route, NodeKey last) {
    return Stream.concat(route.stream(), Stream.of(last)).toList();
  }

  // ---- fixtures

  /** A {@link RouteView} from a table: routes by key, links up, neighbours that were up. */
  static final class TableView implements RouteView {
    private final Map<NodeKey, Route> routes = new HashMap<>();
    private final Set<NodeKey> up = new HashSet<>();
    private final Set<NodeKey> neighbours = new HashSet<>();
    private final Map<NodeKey, NodeKey> via = new HashMap<>();

    /** {@code sources} are {@code neighbour} or below it: their states came through it. */
    TableView below(Address neighbour, Address... sources) {
      Arrays.stream(sources).forEach(s -> via.put(k(s), k(neighbour)));
      return this;
    }

    TableView route(Address to, Route route) {
      routes.put(k(to), route);
      return this;
    }

    TableView up(Address... neighbours) {
      Arrays.stream(neighbours).map(ForwardingTest::k).forEach(n -> {
        up.add(n);
        this.neighbours.add(n);
      });
      return this;
    }

    TableView down(Address... neighbours) {
      Arrays.stream(neighbours).map(ForwardingTest::k).forEach(this.neighbours::add);
      return this;
    }

    /** A key missing from the table counts as not a key; a real view would route it somewhere. */
    @Override
    public Optional<Route> route(NodeKey node) {
      return Optional.ofNullable(routes.get(node));
    }

    @Override
    public boolean isLinkUp(NodeKey neighbour) {
      return up.contains(neighbour);
    }

    @Override
    public boolean wasNeighbour(NodeKey neighbour) {
      return neighbours.contains(neighbour);
    }

    @Override
    public boolean mayComeFrom(NodeKey source, NodeKey neighbour) {
      return neighbour.equals(via.get(source));
    }
  }

  static Arguments row(String name, PacketHeader p, RelayAction... expected) {
    return Arguments.of(name, p, List.of(expected));
  }

  static Arguments row(String name, LinkFrame.Unreachable u, RelayAction... expected) {
    return Arguments.of(name, u, List.of(expected));
  }

  /**
   * A transit row failing with {@code reason}: its drop, then a notice to A, routed to F (rows
   * with another source say so).
   */
  static Arguments row(String name, PacketHeader p, Failure failure) {
    return row(name, p, new Dropped(failure.drop()), new Answer(
        k(A), LinkFrame.Unreachable.about(p, failure.reason(), List.of(k(F)))));
  }

  record Failure(UnreachableReason reason, Drop drop) {}

  static Failure failed(UnreachableReason reason, Drop drop) {
    return new Failure(reason, drop);
  }

  /** The drop a failure by {@code reason} counts. */
  static Drop drop(UnreachableReason reason) {
    return switch (reason) {
      case NO_ROUTE -> Drop.NO_ROUTE;
      case TTL_EXPIRED -> Drop.TTL_EXPIRED;
      case LINK_DOWN, BAD_ROUTE -> Drop.LINK_DOWN;
      case CONGESTED -> Drop.QUEUE_FULL;
    };
  }

  /** A packet header from {@code source} to {@code destination} with {@code route}. */
  static PacketHeader packet(int ttl, Address source, Address destination, Address... route) {
    return header(
        ttl, k(source), k(destination), Arrays.stream(route).map(ForwardingTest::k).toList());
  }

  static PacketHeader header(int ttl, NodeKey source, NodeKey destination) {
    return header(ttl, source, destination, List.of());
  }

  static PacketHeader header(int ttl, NodeKey source, NodeKey destination, List<NodeKey> route) {
    return new PacketHeader(ttl, 0, destination, source, route, 100);
  }

  /** This node's own packet to {@code destination}, as {@code RelayEngine.send} makes it. */
  static PacketHeader own(Address destination) {
    return header(FrameLimits.DEFAULT_TTL, k(S), k(destination));
  }

  /** A LINK_DOWN notice towards {@code source} about its packet to Z. */
  static LinkFrame.Unreachable notice(int ttl, Address source, Address... route) {
    return new LinkFrame.Unreachable(ttl, UnreachableReason.LINK_DOWN, k(source), k(Z),
        Arrays.stream(route).map(ForwardingTest::k).toList());
  }

  /** The notice this node makes about a packet of {@code source} to {@code destination}. */
  static LinkFrame.Unreachable notice(
      UnreachableReason reason, Address source, Address destination) {
    return new LinkFrame.Unreachable(
        FrameLimits.DEFAULT_TTL, reason, k(source), k(destination), List.of());
  }

  static Route.Forward forward(Address... path) {
    return new Route.Forward(List.of(path));
  }

  static NodeKey k(Address address) {
    return NodeKey.of(address);
  }

  static Address address(long seed) {
    return Identity.generate(Seeded.random(1000 + seed)).address();
  }

  private static NodeKey notAKey() {
    byte[] key = new byte[NodeKey.SIZE];
    Arrays.fill(key, (byte) 0xFF);
    return NodeKey.copyOf(key);
  }
}
