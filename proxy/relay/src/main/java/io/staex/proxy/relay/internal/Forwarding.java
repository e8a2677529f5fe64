package io.staex.proxy.relay.internal;

import io.staex.crypto.Address;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.PacketHeader;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.relay.internal.RelayAction.Answer;
import io.staex.proxy.relay.internal.RelayAction.Dropped;
import io.staex.proxy.relay.internal.RelayAction.Forward;
import io.staex.proxy.relay.internal.RelayAction.NotifyLocal;
import io.staex.proxy.relay.RelayCounters.Drop;
import io.staex.routing.ReversePath;
import io.staex.routing.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The forwarding decision: what one node does with one packet or UNREACHABLE notice, as a list
 * of {@link RelayAction}s to carry out in order. A function of the {@link RouteView}, the
 * frame's header and the neighbour it arrived from: no I/O, no clock, no state of its own, so
 * the same input always gives the same actions (the table in {@code docs/relay.md}, Decisions).
 *
 * <p>Error contract: a frame that cannot go on is never an exception; it is a {@link Dropped}
 * with its reason, followed for a packet by what tells its source: a {@link NotifyLocal} if that
 * is this node, else an {@link Answer} towards it, else a second drop ({@code
 * UNREACHABLE_UNDELIVERABLE}). A notice is never answered, so notices cannot loop.
 *
 * <p>The neighbour a frame arrived from ({@code from}, null for this node's own packets) tells
 * own packets from transit ones, and is what a climbing packet's source is checked against
 * first, before any other work ({@link ReversePath}: a packet without a source route that is not
 * for this node was sent up by {@code from}, so its source must be {@code from} or below it in
 * this node's view). A packet that fails is one {@code SPOOFED_SOURCE} drop, never answered (a
 * notice would go to the node it claims to be).
 */
final class Forwarding {
  private static final Dropped UNDELIVERABLE = new Dropped(Drop.UNREACHABLE_UNDELIVERABLE);
  private static final List<RelayAction> SPOOFED = List.of(new Dropped(Drop.SPOOFED_SOURCE));

  private final NodeKey self;

  /** @param self this node's key */
  Forwarding(NodeKey self) {
    this.self = self;
  }

  /**
   * What to do with a packet.
   *
   * @param from the neighbour whose link it came on; null for this node's own packet (source
   *     this node, {@code DEFAULT_TTL}, no route), which keeps its TTL on the first hop and whose
   *     failures go to this node's sessions
   */
  List<RelayAction> packet(RouteView view, PacketHeader p, NodeKey from) {
    boolean own = from == null;
    if (!own && ReversePath.applies(!p.route().isEmpty(), p.destination().equals(self))
        && !view.mayComeFrom(p.source(), from)) {
      return SPOOFED;
    }
    if (!p.route().isEmpty()) {
      NodeKey next = p.route().get(0);
      if (p.ttl() == 0) {
        return fail(view, p, UnreachableReason.TTL_EXPIRED);
      }
      if (!view.isLinkUp(next)) {
        Forward around = view.wasNeighbour(next) ? around(view, p.destination(), own) : null;
        if (around != null) {
          return List.of(around);
        }
        return fail(view, p, view.wasNeighbour(next)
            ? UnreachableReason.LINK_DOWN : UnreachableReason.BAD_ROUTE);
      }
      return List.of(new Forward(next, own ? Rewrite.AS_IS : Rewrite.FORWARDED));
    }
    if (p.destination().equals(self)) {
      return List.of(RelayAction.DELIVER);
    }
    Optional<Route> decided = view.route(p.destination());
    if (decided.isEmpty()) {
      return List.of(new Dropped(Drop.BAD_KEY));
    }
    Route route = decided.get();
    if (route instanceof Route.Local) {
      return List.of(RelayAction.DELIVER);
    }
    if (route instanceof Route.Unreachable) {
      return fail(view, p, UnreachableReason.NO_ROUTE);
    }
    if (!own && p.ttl() == 0) {
      return fail(view, p, UnreachableReason.TTL_EXPIRED);
    }
    NodeKey next = nextHop(route);
    if (!view.isLinkUp(next)) {
      return fail(view, p, UnreachableReason.LINK_DOWN);
    }
    if (route instanceof Route.Forward f) {
      List<NodeKey> rest = rest(f);
      return List.of(new Forward(
          next, own ? new Rewrite.SourceRouted(rest) : new Rewrite.Rerouted(rest)));
    }
    return List.of(new Forward(next, own ? Rewrite.AS_IS : Rewrite.FORWARDED));
  }

  /**
   * A source-routed packet whose next hop's link is down, a neighbour's (the node that routed it did not know
   * yet: a blackholed link is noticed only after missed keepalives, and the news takes a while
   * up the tree): this node's own path to the destination, if it has one whose first link is up,
   * replaces the rest of the route, instead of failing the packet (local repair). Never an
   * {@code Up}: a packet sent up must climb from below, and this one came from above. Null
   * when there is no such path.
   */
  private Forward around(RouteView view, NodeKey destination, boolean own) {
    if (destination.equals(self)) {
      return null;
    }
    Optional<Route> decided = view.route(destination);
    if (decided.isEmpty() || !(decided.get() instanceof Route.Forward f)) {
      return null;
    }
    NodeKey next = NodeKey.of(f.nextHop());
    if (!view.isLinkUp(next)) {
      return null;
    }
    List<NodeKey> rest = rest(f);
    return new Forward(next, own ? new Rewrite.SourceRouted(rest) : new Rewrite.Rerouted(rest),
        true);
  }

  /**
   * What to do with an UNREACHABLE notice: on towards its target (the failed packet's source) by
   * its route or this node's decision; to this node's sessions if that is this node; else dropped
   * as {@code UNREACHABLE_UNDELIVERABLE}, never answered.
   *
   * @param from the neighbour whose link it came on (notices are made here only as {@link
   *     Answer}s, so today never null). Not checked against the notice's fields: a notice is
   *     made by a relay, and none of its fields names that relay (its {@code source} is the
   *     failed packet's source, the node it goes to), so there is nothing to check a sender
   *     by; notices are made harmless by other means (docs/relay.md, Source check).
   */
  List<RelayAction> notice(RouteView view, LinkFrame.Unreachable u, NodeKey from) {
    if (!u.route().isEmpty()) {
      NodeKey next = u.route().get(0);
      if (u.ttl() == 0 || !view.isLinkUp(next)) {
        return List.of(UNDELIVERABLE);
      }
      return List.of(new Forward(next, Rewrite.FORWARDED));
    }
    if (u.source().equals(self)) {
      return List.of(new NotifyLocal(u.destination(), u.reason()));
    }
    Optional<Route> decided = view.route(u.source());
    if (decided.isEmpty()) {
      return List.of(UNDELIVERABLE);
    }
    Route route = decided.get();
    if (route instanceof Route.Local) {
      return List.of(new NotifyLocal(u.destination(), u.reason()));
    }
    if (u.ttl() == 0 || route instanceof Route.Unreachable) {
      return List.of(UNDELIVERABLE);
    }
    NodeKey next = nextHop(route);
    if (!view.isLinkUp(next)) {
      return List.of(UNDELIVERABLE);
    }
    return List.of(new Forward(next, route instanceof Route.Forward f
        ? new Rewrite.Rerouted(rest(f)) : Rewrite.FORWARDED));
  }

  /**
   * The packet {@code failed} cannot go on: a drop by {@code reason}, then word to its source —
   * locally if it is this node, else a notice routed by this node's decision for the source,
   * else (source unknown here, or its next hop down) a second drop. A {@link PacketHeader},
   * never a notice: notices are not answered.
   */
  List<RelayAction> fail(RouteView view, PacketHeader failed, UnreachableReason reason) {
    Dropped drop = new Dropped(switch (reason) {
      case NO_ROUTE -> Drop.NO_ROUTE;
      case TTL_EXPIRED -> Drop.TTL_EXPIRED;
      case LINK_DOWN, BAD_ROUTE -> Drop.LINK_DOWN;
      case CONGESTED -> Drop.QUEUE_FULL;
    });
    if (failed.source().equals(self)) {
      return List.of(drop, new NotifyLocal(failed.destination(), reason));
    }
    Route route = view.route(failed.source()).orElse(null);
    if (!(route instanceof Route.Forward || route instanceof Route.Up)) {
      return List.of(drop, UNDELIVERABLE);
    }
    NodeKey next = nextHop(route);
    if (!view.isLinkUp(next)) {
      return List.of(drop, UNDELIVERABLE);
    }
    List<NodeKey> path = route instanceof Route.Forward f ? rest(f) : List.of();
    return List.of(drop, new Answer(next, LinkFrame.Unreachable.about(failed, reason, path)));
  }

  /** The neighbour a {@code Forward} or {@code Up} route goes to. */
  private static NodeKey nextHop(Route route) {
    Address next = route instanceof Route.Forward f ? f.nextHop() : ((Route.Up) route).parent();
    return NodeKey.of(next);
  }

  /** The path after its first hop: the source route the next hop gets. */
  private static List<NodeKey> rest(Route.Forward f) {
    List<Address> path = f.path();
    List<NodeKey> rest = new ArrayList<>(path.size() - 1);
    for (int i = 1; i < path.size(); i++) {
      rest.add(NodeKey.of(path.get(i)));
    }
    return rest;
  }
}
