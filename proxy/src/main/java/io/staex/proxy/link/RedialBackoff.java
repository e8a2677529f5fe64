package io.staex.proxy.link;

import java.time.Duration;
import java.util.Objects;

/**
 * Delays between dials of a parent: {@code initial}, doubling up to {@code max}, each drawn
 * between half and all of its nominal value (jitter, so children of a restarted parent do not
 * all come back at once). Within {@code recentWindow} of the link's last going down (or of the
 * connector's start) the delay grows only to {@code recentMax}: a parent that was up a moment
 * ago (a restarting relay, a blackholed link that heals) or one a node just started next to (a
 * cold start) is expected back soon, and redialling it every second costs little. Only after the
 * window does the delay go on doubling from there to {@code max}. No defaults here: a node's are
 * {@code routing.redial-initial}, {@code redial-max}, {@code redial-recent-max} and {@code
 * redial-recent-window} in {@code reference.conf}.
 */
public record RedialBackoff(Duration initial, Duration max, Duration recentMax,
    Duration recentWindow) {
  public RedialBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(recentMax, "recentMax");
    Objects.requireNonNull(recentWindow, "recentWindow");
    if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff: " + initial + " to " + max
          + " (expected: initial >= 1 ms, max >= initial)");
    }
    if (recentMax.compareTo(initial) < 0 || recentMax.compareTo(max) > 0) {
      throw new IllegalArgumentException("recentMax: " + recentMax
          + " (expected: between initial " + initial + " and max " + max + ")");
    }
    if (recentWindow.isNegative()) {
      throw new IllegalArgumentException("recentWindow: " + recentWindow + " (expected: >= 0)");
    }
  }

  /** Doubling from {@code initial} to {@code max}, without a recent window (tests, tools). */
  public RedialBackoff(Duration initial, Duration max) {
    this(initial, max, max, Duration.ZERO);
  }

  /** The nominal delay after {@code failures} failed dials in a row (1 or more), no window. */
  long nominalMillis(int failures) {
    long d = initial.toMillis();
    for (int i = 1; i < failures && d < max.toMillis(); i++) {
      d *= 2;
    }
    return Math.min(d, max.toMillis());
  }

  /**
   * The nominal delay after a failed dial.
   *
   * @param previous the nominal delay before this one, 0 if this is the first failure since the
   *     link was last up (or since the start)
   * @param recent whether the link went down (or the connector started) within {@code
   *     recentWindow}
   */
  long nextNominalMillis(long previous, boolean recent) {
    long cap = recent ? recentMax.toMillis() : max.toMillis();
    long next = previous <= 0 ? initial.toMillis() : Math.max(initial.toMillis(), previous * 2);
    return Math.min(next, cap);
  }
}
