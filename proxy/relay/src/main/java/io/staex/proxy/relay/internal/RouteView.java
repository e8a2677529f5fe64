package io.staex.proxy.relay.internal;

import io.staex.proxy.frame.NodeKey;
import io.staex.routing.Route;
import java.util.Optional;

/**
 * What {@link Forwarding} needs to know about this node's routing and links: the whole input
 * besides the frame. Read on the relay's loop, between two changes.
 */
interface RouteView {
  /**
   * Where a frame for {@code node} goes next; empty if {@code node} is not a valid public key
   * (a header key is raw bytes, see {@link NodeKey}).
   */
  Optional<Route> route(NodeKey node);

  /** Whether the link to {@code neighbour} is up now. */
  boolean isLinkUp(NodeKey neighbour);

  /**
   * Whether a link to {@code neighbour} was ever up: a source route through one that is not up
   * now is {@code LINK_DOWN}, through a node that never was a neighbour {@code BAD_ROUTE}.
   */
  boolean wasNeighbour(NodeKey neighbour);

  /**
   * Whether a packet that {@code neighbour} sent up here (no source route, not for this node)
   * may claim {@code source}: the reverse-path rule, {@code RoutingNode.mayComeFrom}. False for
   * a key that is not a valid public key.
   */
  boolean mayComeFrom(NodeKey source, NodeKey neighbour);
}
