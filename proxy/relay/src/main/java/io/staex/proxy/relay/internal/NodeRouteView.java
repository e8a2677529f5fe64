package io.staex.proxy.relay.internal;

import io.staex.crypto.Address;
import io.staex.proxy.frame.NodeKey;
import io.staex.routing.Route;
import io.staex.routing.RoutingNode;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link RouteView} of a running relay: routes from its {@link RoutingNode}, links from the
 * relay's link table. Confined to the relay's loop, as the node and the table are.
 */
final class NodeRouteView implements RouteView {
  private static final int ADDRESS_CACHE_SIZE = 4096;

  private final RoutingNode node;
  private final Clock clock;
  /** The peers whose links are up: a live view of the relay's link table. */
  private final Set<NodeKey> linksUp;
  /** Every neighbour that was ever up. */
  private final Set<NodeKey> neighbours = new HashSet<>();
  /** Validated addresses of header keys ({@link NodeKey#toAddress} costs about 65 µs). */
  private final Map<NodeKey, Address> addresses = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeKey, Address> eldest) {
      return size() > ADDRESS_CACHE_SIZE;
    }
  };

  /**
   * @param linksUp the keys of the relay's link table, read at each question (not copied)
   * @param clock the relay's clock: a moved subtree's former way in is accepted for a while
   */
  NodeRouteView(RoutingNode node, Set<NodeKey> linksUp, Clock clock) {
    this.node = node;
    this.clock = clock;
    this.linksUp = linksUp;
    addresses.put(NodeKey.of(node.address()), node.address());
  }

  /** A link to {@code peer} came up: a neighbour from now on, its address known valid. */
  void linkUp(Address peer) {
    NodeKey key = NodeKey.of(peer);
    neighbours.add(key);
    addresses.put(key, peer);
  }

  @Override
  public Optional<Route> route(NodeKey key) {
    Address address = address(key);
    if (address == null) {
      return Optional.empty();
    }
    addresses.put(key, address);
    return Optional.of(node.route(address));
  }

  @Override
  public boolean mayComeFrom(NodeKey source, NodeKey neighbour) {
    Address from = address(neighbour);
    Address claimed = address(source);
    if (from == null || claimed == null) {
      return false;
    }
    if (!node.mayComeFrom(claimed, from, clock.instant())) {
      return false; // not cached: random spoofed sources must not push real ones out
    }
    addresses.put(source, claimed);
    return true;
  }

  /** The validated address of {@code key}, from the cache or checked now; null if invalid. */
  private Address address(NodeKey key) {
    Address address = addresses.get(key);
    if (address != null) {
      return address;
    }
    try {
      return key.toAddress();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public boolean isLinkUp(NodeKey neighbour) {
    return linksUp.contains(neighbour);
  }

  @Override
  public boolean wasNeighbour(NodeKey neighbour) {
    return neighbours.contains(neighbour);
  }
}
