package io.staex.proxy.loop;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source (an IP address for link handshakes, a node key for session
 * handshakes): {@code perSecond} tokens, refilled at {@code perSecond} a second, one taken per
 * attempt. At most {@code maxSources} buckets are kept; the one seen least recently is forgotten
 * first, so a flood from many (spoofed) sources cannot grow memory, it can only make a forgotten
 * source start again from a full bucket. Thread-safe.
 *
 * @param <K> the source
 */
public final class RateLimiter<K> {
  /** Default bound on the number of sources remembered. */
  public static final int DEFAULT_MAX_SOURCES = 4096;
  /** Tokens are counted in thousandths, so that a refill of one millisecond counts. */
  private static final long MILLI = 1000;

  private final long perSecond;
  private final Clock clock;
  /** Guarded by {@code this}; in access order, so the eldest entry is the one seen last. */
  private final Map<K, Bucket> buckets;

  /** Thousandths of tokens left at {@code at} (clock millis). Guarded by the limiter. */
  private static final class Bucket {
    long tokens;
    long at;
  }

  public RateLimiter(int perSecond, int maxSources, Clock clock) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 1)");
    }
    if (maxSources < 1) {
      throw new IllegalArgumentException("maxSources: " + maxSources + " (expected: >= 1)");
    }
    this.perSecond = perSecond;
    this.clock = clock;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
        return size() > maxSources;
      }
    };
  }

  /** Takes a token for {@code source}; false if its bucket is empty (refuse the connection). */
  public synchronized boolean tryAcquire(K source) {
    long now = clock.millis();
    long full = perSecond * MILLI;
    Bucket b = buckets.get(source);
    if (b == null) {
      b = new Bucket();
      b.tokens = full;
      b.at = now;
      buckets.put(source, b);
    } else if (now > b.at) {
      // elapsed ms × perSecond tokens/s = thousandths of tokens; capped so it cannot overflow
      b.tokens = Math.min(full, b.tokens + Math.min(now - b.at, MILLI) * perSecond);
      b.at = now;
    }
    if (b.tokens < MILLI) {
      return false;
    }
    b.tokens -= MILLI;
    return true;
  }

  /** Sources remembered now. */
  public synchronized int size() {
    return buckets.size();
  }
}
