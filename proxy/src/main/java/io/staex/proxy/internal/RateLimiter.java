package io.staex.proxy.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per key (a peer, an IP address): {@code perSecond} tokens a second, a burst of
 * as many. The map keeps at most {@code maxKeys} buckets, dropping the least recently used, so
 * a flood of distinct keys costs bounded memory (a forgotten key starts again with a full
 * bucket, which only ever errs towards letting a first attempt through).
 *
 * <p>Not thread-safe: confine to one thread.
 *
 * @param <K> the key
 */
public final class RateLimiter<K> {
  private final double perSecond;
  private final Map<K, Bucket> buckets;

  /**
   * @param perSecond tokens per second and the burst size, 1 or more
   * @param maxKeys buckets kept, 1 or more
   */
  public RateLimiter(int perSecond, int maxKeys) {
    if (perSecond < 1 || maxKeys < 1) {
      throw new IllegalArgumentException(
          "perSecond: " + perSecond + ", maxKeys: " + maxKeys + " (expected: >= 1)");
    }
    this.perSecond = perSecond;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
        return size() > maxKeys;
      }
    };
  }

  /** Takes a token for {@code key} at {@code nowNanos}; false if its bucket is empty. */
  public boolean tryAcquire(K key, long nowNanos) {
    Bucket b = buckets.get(key);
    if (b == null) {
      b = new Bucket(perSecond, nowNanos);
      buckets.put(key, b);
    } else {
      double refill = (nowNanos - b.lastNanos) / 1e9 * perSecond;
      b.tokens = Math.min(perSecond, b.tokens + Math.max(0, refill));
      b.lastNanos = nowNanos;
    }
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }

  /** Buckets held now. */
  public int size() {
    return buckets.size();
  }
}
