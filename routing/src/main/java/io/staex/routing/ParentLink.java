package io.staex.routing;

import io.staex.crypto.Address;
import java.util.Objects;

/**
 * One of a node's parents as its state advertises it, with the cost of the link (the child's
 * metric; 1 per hop by default).
 */
public record ParentLink(Address parent, int cost) {
  /** Largest link cost; keeps path sums far from overflow. */
  public static final int MAX_COST = 65535;

  public ParentLink {
    Objects.requireNonNull(parent, "parent");
    if (cost < 1 || cost > MAX_COST) {
      throw new IllegalArgumentException("cost: " + cost + " (expected: 1~" + MAX_COST + ")");
    }
  }
}
