package io.staex.routing.internal;

import io.staex.crypto.Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the active parent among a node's parents, given in priority order, from their links
 * going up and down (see {@code docs/routing.md}, "Parent selection"):
 *
 * <ul>
 *   <li>with no active parent, the most preferred parent that is up becomes active at once (at
 *       first: the first parent to come up);
 *   <li>when the active parent goes down, the most preferred parent still up becomes active at
 *       once, even one still in its hold-down;
 *   <li>a parent more preferred than the active one whose link comes up for the first time (it
 *       has never gone down since this selector was created) becomes active at once: it never
 *       failed, it was only slower to connect, as at a cold start;
 *   <li>a parent more preferred than the active one that comes back (its link has gone down at
 *       least once) becomes active only once it has been up continuously for {@code holdDown};
 *       going down before then cancels that, so a flapping parent is never taken back;
 *   <li>a less preferred parent coming up changes nothing.
 * </ul>
 *
 * Every input applies these rules at its {@code now} and returns whether the active parent
 * changed, so the caller can send its full view to the new one at once. Call {@link #tick} no
 * later than {@link #nextTimer}. Links to addresses that are not parents are ignored. Not safe
 * for concurrent use.
 */
public final class ParentSelector {
  private static final int NONE = -1;

  private final List<Address> parents;
  private final Duration holdDown;
  /** When each parent's link last came up, by priority; null while it is down. */
  private final Instant[] upSince;
  /** Whether each parent's link has gone down at least once, by priority: it is on probation. */
  private final boolean[] wentDown;
  /** Priority of the active parent, or NONE. */
  private int active = NONE;

  /**
   * @param parents in priority order, most preferred first; no duplicates; empty for a root
   * @param holdDown how long a more preferred parent that comes back (its link went down before)
   *     must stay up before it is taken back
   */
  public ParentSelector(List<Address> parents, Duration holdDown) {
    this.parents = List.copyOf(parents);
    if (this.parents.stream().distinct().count() != this.parents.size()) {
      throw new IllegalArgumentException("parents: " + parents + " (expected: no duplicates)");
    }
    Objects.requireNonNull(holdDown, "holdDown");
    if (holdDown.isNegative() || holdDown.isZero()) {
      throw new IllegalArgumentException("holdDown: " + holdDown + " (expected: > 0)");
    }
    this.holdDown = holdDown;
    this.upSince = new Instant[this.parents.size()];
    this.wentDown = new boolean[this.parents.size()];
  }

  /** The parents in priority order. */
  public List<Address> parents() {
    return parents;
  }

  public Optional<Address> active() {
    return active == NONE ? Optional.empty() : Optional.of(parents.get(active));
  }

  /** Whether the link to {@code parent} is up. */
  public boolean isUp(Address parent) {
    int p = parents.indexOf(parent);
    return p >= 0 && upSince[p] != null;
  }

  /**
   * The link to {@code neighbour} is up; a parent already up keeps its hold-down running. A more
   * preferred parent whose link never went down is taken at once; one that comes back starts its
   * hold-down.
   *
   * @return whether the active parent changed
   */
  public boolean linkUp(Address neighbour, Instant now) {
    int p = parents.indexOf(neighbour);
    if (p >= 0 && upSince[p] == null) {
      upSince[p] = now;
    }
    return update(now);
  }

  /**
   * The link to {@code neighbour} is down; from now on that parent waits out the hold-down
   * whenever it comes back. (A report for a link that is not up does not count as going down.)
   *
   * @return whether the active parent changed
   */
  public boolean linkDown(Address neighbour, Instant now) {
    int p = parents.indexOf(neighbour);
    if (p >= 0 && upSince[p] != null) {
      upSince[p] = null;
      wentDown[p] = true;
    }
    return update(now);
  }

  /**
   * Takes back a more preferred parent whose hold-down has passed.
   *
   * @return whether the active parent changed
   */
  public boolean tick(Instant now) {
    return update(now);
  }

  /**
   * When the next hold-down ends ({@link Instant#MAX} if none is running): only parents that came
   * back run one.
   */
  public Instant nextTimer() {
    Instant next = Instant.MAX;
    for (int p = 0; p < active; p++) {
      if (upSince[p] != null && wentDown[p] && upSince[p].plus(holdDown).isBefore(next)) {
        next = upSince[p].plus(holdDown);
      }
    }
    return next;
  }

  private boolean update(Instant now) {
    int previous = active;
    if (active == NONE || upSince[active] == null) {
      active = mostPreferredUp();
    }
    for (int p = 0; p < active; p++) {
      if (upSince[p] != null && (!wentDown[p] || !now.isBefore(upSince[p].plus(holdDown)))) {
        active = p;
        break;
      }
    }
    return active != previous;
  }

  private int mostPreferredUp() {
    for (int p = 0; p < parents.size(); p++) {
      if (upSince[p] != null) {
        return p;
      }
    }
    return NONE;
  }
}
