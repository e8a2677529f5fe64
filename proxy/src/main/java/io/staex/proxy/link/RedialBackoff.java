package io.staex.proxy.link;

import java.time.Duration;
import java.util.Objects;

/**
 * Delays between dials of a parent: {@code initial}, doubling up to {@code max}, each drawn
 * between half and all of its nominal value (jitter, so children of a restarted parent do not
 * all come back at once).
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

  /** 100 ms doubling to 30 s. */
  public static RedialBackoff defaults() {
    return new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(30));
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
