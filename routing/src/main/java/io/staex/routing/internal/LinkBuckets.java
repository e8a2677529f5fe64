package io.staex.routing.internal;

import io.staex.crypto.Address;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A token bucket per neighbour: {@code burst} tokens at most, {@code perSecond} added per second.
 * A bucket outlives its neighbour's link (a member that reconnects does not get a full bucket
 * back); {@link #prune} forgets the buckets of neighbours without a link once they would be full
 * again anyway, so the map holds the linked neighbours and the recently gone ones. Time comes
 * from the caller. Not thread-safe.
 */
public final class LinkBuckets {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Tokens in 1/10^9 of a token, and when last refilled. */
  private static final class Bucket {
    long tokens;
    Instant at;

    Bucket(long tokens, Instant at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  private final long perSecond;
  private final long max;
  /** How long an empty bucket takes to fill. */
  private final Duration fill;
  private final Map<Address, Bucket> buckets = new HashMap<>();

  public LinkBuckets(int perSecond, int burst) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "perSecond " + perSecond + ", burst " + burst + " (expected: both >= 1)");
    }
    this.perSecond = perSecond;
    this.max = burst * NANOS_PER_SECOND;
    this.fill = Duration.ofNanos(Math.multiplyExact((long) burst, NANOS_PER_SECOND) / perSecond + 1);
  }

  /** Takes one token from {@code neighbour}'s bucket; false (nothing taken) if it has none. */
  public boolean take(Address neighbour, Instant now) {
    Bucket b = buckets.computeIfAbsent(neighbour, k -> new Bucket(max, now));
    refill(b, now);
    if (b.tokens < NANOS_PER_SECOND) {
      return false;
    }
    b.tokens -= NANOS_PER_SECOND;
    return true;
  }

  /** Whole tokens in {@code neighbour}'s bucket now (a neighbour not seen yet has a full one). */
  public long tokens(Address neighbour, Instant now) {
    Bucket b = buckets.computeIfAbsent(neighbour, k -> new Bucket(max, now));
    refill(b, now);
    return b.tokens / NANOS_PER_SECOND;
  }

  /** Takes {@code n} tokens from {@code neighbour}'s bucket, which holds them ({@link #tokens}). */
  public void take(Address neighbour, long n, Instant now) {
    if (n > tokens(neighbour, now)) {
      throw new IllegalStateException(n + " tokens (holds " + tokens(neighbour, now) + ")");
    }
    buckets.get(neighbour).tokens -= n * NANOS_PER_SECOND;
  }

  /**
   * When {@code neighbour}'s bucket holds {@code n} tokens (at most the burst) again, by what it
   * held when last used: an instant already past if it holds them ({@link Instant#MIN} for a
   * neighbour not seen yet, whose bucket is full).
   */
  public Instant readyAt(Address neighbour, long n) {
    Bucket b = buckets.get(neighbour);
    if (b == null) {
      return Instant.MIN;
    }
    long missing = Math.min(n * NANOS_PER_SECOND, max) - b.tokens;
    if (missing <= 0) {
      return b.at;
    }
    return b.at.plusNanos((missing + perSecond - 1) / perSecond);
  }

  private void refill(Bucket b, Instant now) {
    if (now.isAfter(b.at)) {
      Duration elapsed = Duration.between(b.at, now);
      long nanos = elapsed.compareTo(fill) >= 0 ? Long.MAX_VALUE : elapsed.toNanos();
      b.tokens = nanos == Long.MAX_VALUE || nanos > (max - b.tokens) / perSecond
          ? max : b.tokens + nanos * perSecond;
      b.at = now;
    }
  }

  /** Forgets the buckets of neighbours not in {@code linked} that are full again by {@code now}. */
  public void prune(Set<Address> linked, Instant now) {
    buckets.entrySet().removeIf(e -> !linked.contains(e.getKey())
        && !now.isBefore(e.getValue().at.plus(fill)));
  }

  /** Buckets held (linked neighbours and recently gone ones). */
  public int size() {
    return buckets.size();
  }
}
