package io.staex.routing.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How one simulated link behaves: one-way latency (a fixed part plus a uniform jitter in
 * {@code [0, jitter]}), the probability that a message is lost on the wire, and the link
 * metric both ends are given in {@code linkUp}.
 *
 * <p>Loss is modelled the way TCP experiences it: a lost segment is retransmitted after a
 * retransmission timeout (at least {@link #MIN_RTO}, and twice the round trip), doubling on
 * every further loss, and because the link delivers in order every later message on the same
 * direction waits behind it (head-of-line blocking). When the retransmissions of one message
 * would take longer than the dead-link timeout, the link is considered failed, as the real
 * keepalives (stuck behind the same segment) would declare it.
 */
public record LinkProfile(Duration latency, Duration jitter, double loss, int cost) {
  /** Linux's minimum retransmission timeout. */
  public static final Duration MIN_RTO = Duration.ofMillis(200);

  public LinkProfile {
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(jitter, "jitter");
    if (latency.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException(
          "latency " + latency + ", jitter " + jitter + " (expected: >= 0)");
    }
    if (!(loss >= 0 && loss < 1)) {
      throw new IllegalArgumentException("loss: " + loss + " (expected: 0 <= loss < 1)");
    }
    if (cost < 1 || cost > 65535) {
      throw new IllegalArgumentException("cost: " + cost + " (expected: 1~65535)");
    }
  }

  /** 10 ms ± 5 ms, no loss, cost 1: a LAN-to-cloud hop. */
  public static LinkProfile defaults() {
    return new LinkProfile(Duration.ofMillis(10), Duration.ofMillis(5), 0, 1);
  }

  public LinkProfile withLoss(double p) {
    return new LinkProfile(latency, jitter, p, cost);
  }

  public LinkProfile withCost(int c) {
    return new LinkProfile(latency, jitter, loss, c);
  }

  public LinkProfile withLatency(Duration fixed, Duration jit) {
    return new LinkProfile(fixed, jit, loss, cost);
  }

  /** One one-way delay sample, in nanoseconds, without loss. */
  long sampleDelayNanos(Random random) {
    long fixed = latency.toNanos();
    long jit = jitter.toNanos();
    return jit == 0 ? fixed : fixed + (long) (random.nextDouble() * jit);
  }

  /** The retransmission timeout of the first retransmission, in nanoseconds. */
  long firstRtoNanos() {
    return Math.max(MIN_RTO.toNanos(), 4 * (latency.toNanos() + jitter.toNanos()));
  }

  /**
   * Connection set-up: TCP's handshake (one round trip) and the Noise IK handshake (one more),
   * so four one-way delays.
   */
  long handshakeNanos(Random random) {
    long sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += sampleDelayNanos(random);
    }
    return sum;
  }
}
