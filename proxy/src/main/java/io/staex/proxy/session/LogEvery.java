package io.staex.proxy.session;

import java.time.Duration;

/**
 * Lets one kind of log line through at most once per interval, counting the rest: for refusals
 * a flood can cause one of per packet (junk HELLOs, forged COOKIEs), which are counted anyway.
 * Measured on the caller's nanosecond clock (the sessions' loop ticker). Not thread-safe.
 */
final class LogEvery {
  /** The interval the session layer uses. */
  static final Duration INTERVAL = Duration.ofSeconds(10);

  private final long intervalNanos;
  private boolean logged;
  private long lastNanos;
  private long skipped;

  LogEvery(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** True if a line may be logged now (then append {@link #takeSkipped}); else counts one skipped. */
  boolean due(long nowNanos) {
    if (logged && nowNanos - lastNanos < intervalNanos) {
      skipped++;
      return false;
    }
    logged = true;
    lastNanos = nowNanos;
    return true;
  }

  /**
   * For the line that went through: how many were held back since the last one ({@code ""}
   * if none, else {@code " (12 more like it in the last 10s)"}); resets the count.
   */
  String takeSkipped() {
    long s = skipped;
    skipped = 0;
    return s == 0 ? ""
        : " (" + s + " more like it in the last " + intervalNanos / 1_000_000_000L + "s)";
  }
}
