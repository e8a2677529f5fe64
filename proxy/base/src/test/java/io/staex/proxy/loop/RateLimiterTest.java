package io.staex.proxy.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.testing.ManualClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));

  static InetAddress ip(int last) throws UnknownHostException {
    return InetAddress.getByAddress(new byte[] {10, 0, (byte) (last >>> 8), (byte) last});
  }

  @Test
  void burstOfTheRate_thenRefused_thenOneBackPerFraction() throws Exception {
    RateLimiter<InetAddress> limiter = new RateLimiter<InetAddress>(4, 16, clock);
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire(ip(1))).as("token %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire(ip(1))).isFalse();
    assertThat(limiter.tryAcquire(ip(2))).as("another source has its own bucket").isTrue();
    clock.advance(Duration.ofMillis(249));
    assertThat(limiter.tryAcquire(ip(1))).as("not a whole token yet").isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire(ip(1))).isTrue();
    assertThat(limiter.tryAcquire(ip(1))).isFalse();
  }

  @Test
  void longSilence_refillsToTheRateOnly() throws Exception {
    RateLimiter<InetAddress> limiter = new RateLimiter<InetAddress>(3, 16, clock);
    assertThat(limiter.tryAcquire(ip(1))).isTrue();
    clock.advance(Duration.ofDays(365));
    int granted = 0;
    while (limiter.tryAcquire(ip(1))) {
      granted++;
    }
    assertThat(granted).isEqualTo(3);
  }

  @Test
  void manySources_mapStaysBounded_leastRecentlySeenForgotten() throws Exception {
    RateLimiter<InetAddress> limiter = new RateLimiter<InetAddress>(1, 100, clock);
    assertThat(limiter.tryAcquire(ip(0))).isTrue();
    assertThat(limiter.tryAcquire(ip(0))).isFalse();
    for (int i = 1; i <= 10_000; i++) {
      limiter.tryAcquire(ip(i));
    }
    assertThat(limiter.size()).isEqualTo(100);
    assertThat(limiter.tryAcquire(ip(0))).as("forgotten: a full bucket again").isTrue();
    assertThat(limiter.tryAcquire(ip(10_000))).as("remembered: still empty").isFalse();
  }

  @Test
  void badArguments_refused() {
    assertThatThrownBy(() -> new RateLimiter<InetAddress>(0, 16, clock))
        .hasMessage("perSecond: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new RateLimiter<InetAddress>(1, 0, clock))
        .hasMessage("maxSources: 0 (expected: >= 1)");
  }
}
