package io.staex.proxy.loop;

import java.time.Duration;

/**
 * Lets one kind of log line through at most once per interval, counting the rest: for refusals
 * a flood can cause one of per packet (junk HELLOs, forged notices, spoofed sources), which are
 * counted anyway, so a flood costs a line per interval, not one per packet. Measured on the
 * caller's nanosecond clock (its loop's ticker). Not thread-safe: confine it to a loop.
 */
public final class LogEvery {

  private final long intervalNanos;
  private boolean logged;
  private long lastNanos;
  private long skipped;

  public LogEvery(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** True if a line may be logged now (then append {@link #takeSkipped}); else counts one skipped. */
  public boolean due(long nowNanos) {
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
  public String takeSkipped() {
    long s = skipped;
    skipped = 0;
    return s == 0 ? ""
        : " (" + s + " more like it in the last " + intervalNanos / 1_000_000_000L + "s)";
  }
}
