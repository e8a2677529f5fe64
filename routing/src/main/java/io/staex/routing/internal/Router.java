package io.staex.routing.internal;

import io.staex.crypto.Address;
import io.staex.routing.Route;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The forwarding decision of {@code docs/routing.md}, in order:
 *
 * <ol>
 *   <li>the destination is this node: {@link Route.Local};
 *   <li>it is in this node's view and reachable in the graph: {@link Route.Forward} along the
 *       shortest path, which the frame carries as its source route;
 *   <li>otherwise, with an active parent: {@link Route.Up} to it. This includes a destination in
 *       the view that the graph cannot reach yet, which happens for a moment while views change;
 *   <li>otherwise (a root, or no parent up): {@link Route.Unreachable}.
 * </ol>
 *
 * Only destinations in the view are forwarded: the graph also holds vertices outside the view
 * (parents named by states in it), whose own subtrees this node does not know. Not safe for
 * concurrent use (it queries the cached {@link ShortestPaths}).
 */
public final class Router {
  private final ShortestPaths paths;

  public Router(ShortestPaths paths) {
    this.paths = Objects.requireNonNull(paths, "paths");
  }

  /**
   * Where a frame for {@code destination} goes from {@code self}.
   *
   * @param self this node, the owner of the graph
   * @param activeParent this node's active parent, empty at a root or with no parent up
   * @param destinationInView whether the view holds {@code destination}'s state
   */
  public Route route(
      Address destination, Address self, Optional<Address> activeParent,
      boolean destinationInView) {
    Objects.requireNonNull(destination, "destination");
    if (!self.equals(paths.owner())) {
      throw new IllegalArgumentException(
          "self: " + self.shortText() + " (expected: the graph's owner "
              + paths.owner().shortText() + ")");
    }
    if (destination.equals(self)) {
      return new Route.Local();
    }
    if (destinationInView) {
      Optional<List<Address>> path = paths.pathTo(destination);
      if (path.isPresent()) {
        return new Route.Forward(path.get());
      }
    }
    return activeParent.<Route>map(Route.Up::new).orElseGet(() -> new Route.Unreachable(destination));
  }
}
