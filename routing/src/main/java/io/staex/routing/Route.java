package io.staex.routing;

import io.staex.crypto.Address;
import java.util.List;
import java.util.Objects;

/** Where a frame for a destination goes next; see {@code docs/routing.md}. */
public sealed interface Route permits Route.Local, Route.Forward, Route.Up, Route.Unreachable {

  /** The destination is this node. */
  record Local() implements Route {}

  /**
   * A shortest path within this node's view: {@code path.get(0)} is the neighbour to send to,
   * the last element the destination. The frame carries the rest of the path as its source
   * route, so relays follow it without deciding again.
   */
  record Forward(List<Address> path) implements Route {
    public Forward {
      path = List.copyOf(path);
      if (path.isEmpty()) {
        throw new IllegalArgumentException("path: empty (expected: next hop .. destination)");
      }
    }

    public Address nextHop() {
      return path.get(0);
    }

    public Address destination() {
      return path.get(path.size() - 1);
    }
  }

  /** The destination is unknown here: climb to the active parent. */
  record Up(Address parent) implements Route {
    public Up {
      Objects.requireNonNull(parent, "parent");
    }
  }

  /** This node is the root (or has no parent up) and does not know the destination. */
  record Unreachable(Address destination) implements Route {
    public Unreachable {
      Objects.requireNonNull(destination, "destination");
    }
  }
}
