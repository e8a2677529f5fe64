package io.staex.routing.sim;

import java.util.Objects;

/**
 * A link between a child and one of its parents, carrying messages both ways in order (TCP).
 *
 * <pre>
 *            connect (both ends alive, not cut, neither end still believes the old link up)
 *   DOWN ------------------------------------------> CONNECTING
 *    ^                                                   |  reconnect delay + handshake
 *    |  both ends told (or dead)                         v
 *  FAILED <--------- crash / cut / close ------------  UP   (both ends got linkUp)
 * </pre>
 *
 * In FAILED the wire is gone (messages are lost) but an end may not know yet: it learns after
 * the dead-link timeout (crash, cut) or one latency (clean close). Owned by its {@link
 * SimNetwork}, which alone changes it.
 */
public final class SimLink {
  /** Where the link is in the diagram above. */
  public enum State {
    DOWN,
    CONNECTING,
    UP,
    FAILED
  }

  private final SimNode child;
  private final SimNode parent;
  LinkProfile profile;
  State state = State.DOWN;
  boolean cut;
  boolean everUp;
  /** Bumped when the link comes up or fails; messages of an older epoch are lost. */
  long epoch;
  /** Bumped per connection attempt, so a stale attempt does nothing. */
  long connectToken;
  boolean childBelievesUp;
  boolean parentBelievesUp;
  /** Latest arrival time (ns) per direction: 0 child → parent, 1 parent → child. */
  final long[] lastArrival = new long[2];

  SimLink(SimNode child, SimNode parent, LinkProfile profile) {
    this.child = Objects.requireNonNull(child, "child");
    this.parent = Objects.requireNonNull(parent, "parent");
    this.profile = Objects.requireNonNull(profile, "profile");
  }

  public SimNode child() {
    return child;
  }

  public SimNode parent() {
    return parent;
  }

  public State state() {
    return state;
  }

  /** The wire works: messages sent now arrive. */
  public boolean isUp() {
    return state == State.UP;
  }

  public boolean isCut() {
    return cut;
  }

  public LinkProfile profile() {
    return profile;
  }

  public SimNode other(SimNode end) {
    if (end == child) {
      return parent;
    }
    if (end == parent) {
      return child;
    }
    throw new IllegalArgumentException(end + " is not an end of " + this);
  }

  int direction(SimNode from) {
    return from == child ? 0 : 1;
  }

  boolean believesUp(SimNode end) {
    return end == child ? childBelievesUp : parentBelievesUp;
  }

  void setBelievesUp(SimNode end, boolean up) {
    if (end == child) {
      childBelievesUp = up;
    } else {
      parentBelievesUp = up;
    }
  }

  @Override
  public String toString() {
    return child.label() + "->" + parent.label() + "[" + state + (cut ? ", cut" : "") + "]";
  }
}
