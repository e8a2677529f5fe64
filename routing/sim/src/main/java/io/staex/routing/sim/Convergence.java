package io.staex.routing.sim;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of {@link SimNetwork#runUntilConverged}: when the run started, when the last
 * routing change (anything but a periodic refresh) happened, and whether the network then stayed
 * quiet for the quiet period with nothing significant in flight before the limit.
 */
public record Convergence(Instant start, Instant lastChange, Instant end, boolean converged) {

  /** Virtual time from the start of the run to its last change (zero if nothing changed). */
  public Duration took() {
    return lastChange.isAfter(start) ? Duration.between(start, lastChange) : Duration.ZERO;
  }

  /** Virtual time from {@code t} (e.g. a failure injected earlier) to the last change. */
  public Duration since(Instant t) {
    return lastChange.isAfter(t) ? Duration.between(t, lastChange) : Duration.ZERO;
  }

  @Override
  public String toString() {
    return (converged ? "converged" : "NOT converged") + " after " + took().toMillis() / 1000.0
        + " s virtual (last change " + lastChange + ", stopped " + end + ")";
  }
}
