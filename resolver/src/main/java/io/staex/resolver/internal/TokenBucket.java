package io.staex.resolver.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code perSecond} tokens a second, at most {@code capacity} saved up. Time is
 * monotonic nanoseconds from the supplier (the node passes {@code System::nanoTime}, tests a
 * manual ticker). Thread-safe.
 */
public final class TokenBucket {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long perSecond;
  private final long capacity;
  private final LongSupplier nanoTime;
  /** Guarded by {@code this}: tokens, in units of 1/{@code NANOS_PER_SECOND} of a token. */
  private long credit;
  /** Guarded by {@code this}. */
  private long last;

  public TokenBucket(long perSecond, long capacity, LongSupplier nanoTime) {
    if (perSecond < 1 || capacity < 1) {
      throw new IllegalArgumentException(
          "perSecond: " + perSecond + ", capacity: " + capacity + " (expected: >= 1)");
    }
    this.perSecond = perSecond;
    this.capacity = capacity;
    this.nanoTime = nanoTime;
    this.last = nanoTime.getAsLong();
    this.credit = capacity * NANOS_PER_SECOND;
  }

  /** Takes one token if there is one. */
  public synchronized boolean tryTake() {
    long now = nanoTime.getAsLong();
    long elapsed = Math.max(0, now - last);
    last = now;
    long max = capacity * NANOS_PER_SECOND;
    // elapsed * perSecond overflows only after ~292 years / perSecond: cap elapsed first.
    credit = Math.min(max, credit + Math.min(elapsed, max) * perSecond);
    if (credit < NANOS_PER_SECOND) {
      return false;
    }
    credit -= NANOS_PER_SECOND;
    return true;
  }
}
