package io.staex.routing;

/**
 * When a frame's source is checked against the view ({@code docs/routing.md}, Source check):
 * the one rule that the relay and the simulator both apply, with {@link
 * RoutingNode#mayComeFrom}.
 *
 * <p>A frame that arrives from a neighbour without a source route and is not for this node was
 * sent up by that neighbour (a node sends a frame without a route only to its active parent, and
 * the last hop of a source route is its destination), so its source must be in the neighbour's
 * subtree. A source-routed frame was routed by a node with a bigger view (its path may go down
 * and up again over several parents and link costs), and a frame for this node may have come
 * down any way: neither can be checked against this node's view.
 */
public final class ReversePath {
  private ReversePath() {}

  /**
   * Whether a frame that arrived from a neighbour must pass {@link RoutingNode#mayComeFrom}.
   *
   * @param sourceRouted whether it carries a (non-empty) source route
   * @param forThisNode whether its destination is this node
   */
  public static boolean applies(boolean sourceRouted, boolean forThisNode) {
    return !sourceRouted && !forThisNode;
  }
}
