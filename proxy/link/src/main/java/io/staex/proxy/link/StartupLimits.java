package io.staex.proxy.link;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on a {@link LinkServer}'s startups: connections accepted whose handshake has not
 * finished (the responder's link is up only when the child's first record opened). They are
 * capped apart from established links, in the manner of OpenSSH's {@code MaxStartups
 * start:rate:full}. No defaults here: a node's come from {@code limits} in {@code
 * reference.conf}.
 *
 * <p>A new connection is refused when {@code full} startups are open; when {@code start} or more
 * are open and its source prefix (IPv4 /24, IPv6 /64) already has one, it is dropped with a
 * probability that rises from {@code rate}% at {@code start} to 100% at {@code full} (random
 * early drop); when its prefix has {@code perPrefix} open, it is refused.
 *
 * @param start startups from which new connections of busy prefixes are dropped at random;
 *     0~{@code full}
 * @param rate percent dropped at {@code start}, rising linearly to 100 at {@code full}; 0~100
 * @param full startups at which every new connection is refused; 1 or more
 * @param perPrefix startups one source prefix may hold; 1~{@code full}
 * @param firstMessageTimeout a startup whose first handshake message has not fully arrived by
 *     then is closed (the whole handshake has the link's {@code handshakeTimeout}); 1 ms or more
 */
public record StartupLimits(
    int start, int rate, int full, int perPrefix, Duration firstMessageTimeout) {
  public StartupLimits {
    Objects.requireNonNull(firstMessageTimeout, "firstMessageTimeout");
    if (full < 1) {
      throw new IllegalArgumentException("full: " + full + " (expected: >= 1)");
    }
    if (start < 0 || start > full) {
      throw new IllegalArgumentException(
          "start: " + start + " (expected: 0~full, full is " + full + ")");
    }
    if (rate < 0 || rate > 100) {
      throw new IllegalArgumentException("rate: " + rate + " (expected: 0~100 percent)");
    }
    if (perPrefix < 1 || perPrefix > full) {
      throw new IllegalArgumentException(
          "perPrefix: " + perPrefix + " (expected: 1~full, full is " + full + ")");
    }
    if (firstMessageTimeout.isNegative() || firstMessageTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "firstMessageTimeout: " + firstMessageTimeout + " (expected: 1 ms or more)");
    }
  }

  /**
   * The chance, in millionths, that a new connection of a prefix that already has a startup is
   * dropped when {@code open} startups are open: 0 below {@code start}, {@code rate}% at {@code
   * start}, rising linearly to all at {@code full}.
   */
  public int dropPerMillion(int open) {
    if (open >= full) {
      return 1_000_000;
    }
    if (open < start) {
      return 0;
    }
    long base = rate * 10_000L;
    return (int) (base + (1_000_000L - base) * (open - start) / (full - start));
  }
}
