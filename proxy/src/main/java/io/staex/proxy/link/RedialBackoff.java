package io.staex.proxy.link;

import java.time.Duration;
import java.util.Objects;

/**
 * Delays between dials of a parent: {@code initial}, doubling up to {@code max}, each drawn
 * between half and all of its nominal value (jitter, so children of a restarted parent do not
 * all come back at once). No defaults here: a node's are {@code routing.redial-initial} and
 * {@code redial-max} in {@code reference.conf}.
 */
public record RedialBackoff(Duration initial, Duration max) {
  public RedialBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff: " + initial + " to " + max
          + " (expected: initial >= 1 ms, max >= initial)");
    }
  }

  /** The nominal delay after {@code failures} failed dials in a row (1 or more). */
  long nominalMillis(int failures) {
    long d = initial.toMillis();
    for (int i = 1; i < failures && d < max.toMillis(); i++) {
      d *= 2;
    }
    return Math.min(d, max.toMillis());
  }
}
