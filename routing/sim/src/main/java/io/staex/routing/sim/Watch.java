package io.staex.routing.sim;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A condition the simulator re-evaluates after every virtual instant at which something
 * happened, remembering when it last became true: used to measure e.g. when a subtree became
 * reachable again after a failure. Created by {@link SimNetwork#watch}.
 */
public final class Watch {
  private final BooleanSupplier condition;
  private boolean holds;
  private Instant since;
  private int becameTrue;
  private int becameFalse;

  Watch(BooleanSupplier condition, Instant now) {
    this.condition = condition;
    this.holds = condition.getAsBoolean();
    this.since = now;
  }

  void evaluate(Instant now) {
    boolean h = condition.getAsBoolean();
    if (h != holds) {
      holds = h;
      since = now;
      if (h) {
        becameTrue++;
      } else {
        becameFalse++;
      }
    }
  }

  /** Whether the condition held at the last evaluation. */
  public boolean holds() {
    return holds;
  }

  /** Since when the condition has held without interruption; empty if it does not hold. */
  public Optional<Instant> holdsSince() {
    return holds ? Optional.of(since) : Optional.empty();
  }

  /** How often it went from false to true. */
  public int timesBecameTrue() {
    return becameTrue;
  }

  /** How often it went from true to false. */
  public int timesBecameFalse() {
    return becameFalse;
  }
}
