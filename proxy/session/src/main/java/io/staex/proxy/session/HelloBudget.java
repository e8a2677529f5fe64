package io.staex.proxy.session;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HELLOs without a cookie that a source (or the whole node) may have answered with a handshake:
 * a token bucket of {@code perSecond}, refilled at {@code perSecond} a second, that a refused
 * HELLO still charges, down to one second's worth of debt. So a source that goes over its rate
 * stays "under load" for as long as it keeps going over, and a while after: a flood faster than
 * the rate gets a COOKIE for every HELLO instead of a handshake for every refill. (A plain bucket
 * would hand the flood each token as it comes back.) At most {@code maxSources} sources are
 * kept, the one seen least recently forgotten first. Not thread-safe: the sessions' loop only.
 *
 * @param <K> the source
 */
final class HelloBudget<K> {
  /** Tokens are counted in thousandths, so that a refill of one millisecond counts. */
  private static final long MILLI = 1000;

  private final long perSecond;
  private final Clock clock;
  private final Map<K, long[]> buckets;

  HelloBudget(int perSecond, int maxSources, Clock clock) {
    this.perSecond = perSecond;
    this.clock = clock;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, long[]> eldest) {
        return size() > maxSources;
      }
    };
  }

  /** Takes a token for {@code source}: false if it had none (then it owes one more). */
  boolean tryAcquire(K source) {
    long now = clock.millis();
    long full = perSecond * MILLI;
    long[] b = buckets.get(source); // {thousandths of tokens, at (clock millis)}
    if (b == null) {
      b = new long[] {full, now};
      buckets.put(source, b);
    } else if (now > b[1]) {
      // elapsed ms × perSecond tokens/s = thousandths of tokens; capped so it cannot overflow
      b[0] = Math.min(full, b[0] + Math.min(now - b[1], 2 * MILLI) * perSecond);
      b[1] = now;
    }
    boolean ok = b[0] >= MILLI;
    b[0] = Math.max(-full, b[0] - MILLI);
    return ok;
  }
}
