package io.staex.routing;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * One node's routing brain (see {@code docs/routing.md}): holds its view (own state plus its
 * subtree's), chooses the active parent, propagates states upwards, answers lookups, and
 * decides where frames go. A pure state machine: every input takes {@code now} and returns the
 * {@link Effects} (messages for neighbours, events); it never blocks, sleeps or does I/O. The
 * driver (the node's links, or the simulator) delivers messages, reports links going up and
 * down (including missed keepalives), and calls {@link #tick} no later than {@link #nextTimer}.
 *
 * <p>Not safe for concurrent use: confine it to one thread (the node's routing event loop).
 */
public final class RoutingNode {

  /**
   * @param parents this node's parents in priority order (empty for a root)
   * @param services ports this node advertises
   */
  public RoutingNode(
      Identity identity, Certificate certificate, List<Address> parents, List<Integer> services,
      TrustPolicy policy, RoutingSettings settings, Instant now) {
    throw new UnsupportedOperationException("RoutingNode is being written");
  }

  public Address address() {
    throw new UnsupportedOperationException();
  }

  /** A link to {@code neighbour} is up (authenticated by the link layer); {@code cost} >= 1. */
  public Effects linkUp(Address neighbour, int cost, Instant now) {
    throw new UnsupportedOperationException();
  }

  /** The link to {@code neighbour} is gone (closed, failed, or keepalives missed). */
  public Effects linkDown(Address neighbour, Instant now) {
    throw new UnsupportedOperationException();
  }

  /** A message from the neighbour {@code from}; malformed or unverifiable content is dropped and counted. */
  public Effects receive(Address from, RoutingMessage message, Instant now) {
    throw new UnsupportedOperationException();
  }

  /** Runs due timers: refresh, expiry, withdrawal after grace, parent hold-down. */
  public Effects tick(Instant now) {
    throw new UnsupportedOperationException();
  }

  /** When {@link #tick} must be called next at the latest. */
  public Instant nextTimer() {
    throw new UnsupportedOperationException();
  }

  /** Where a frame for {@code destination} goes from here. Cached; recomputed on view change. */
  public Route route(Address destination) {
    throw new UnsupportedOperationException();
  }

  /** Starts looking up {@code name} in {@code network}; the answer comes as an event. */
  public Effects lookup(long id, Address network, String name, Instant now) {
    throw new UnsupportedOperationException();
  }

  public Optional<Address> activeParent() {
    throw new UnsupportedOperationException();
  }

  /** This node's signed state as it last published it. */
  public NodeState ownState() {
    throw new UnsupportedOperationException();
  }

  /** The states in this node's view, its own included. */
  public Collection<NodeState> view() {
    throw new UnsupportedOperationException();
  }

  /** Counters of what was dropped and why, for status and tests. */
  public RoutingCounters counters() {
    throw new UnsupportedOperationException();
  }
}
