package io.staex.proxy.relay.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * One kind of refusal, logged at most once per {@link #INTERVAL}: the first one at once, the
 * rest counted and reported with the next line (the counters have every one). A flood costs
 * one log line a minute, not one per packet. Confined to the relay's loop.
 */
final class RefusalLog {
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Logger log;
  private final Clock clock;
  private final String what;
  private Instant next = Instant.MIN;
  private long unlogged;

  /** @param what the refusal, e.g. "packet with a spoofed source refused" */
  RefusalLog(Logger log, Clock clock, String what) {
    this.log = log;
    this.clock = clock;
    this.what = what;
  }

  /** One refusal; {@code detail} says which (the neighbour, the claimed source). */
  void refused(String detail) {
    Instant now = clock.instant();
    if (now.isBefore(next)) {
      unlogged++;
      return;
    }
    next = now.plus(INTERVAL);
    log.warn("{}: {} ({} more since the last such line, at most one a minute)", what, detail,
        unlogged);
    unlogged = 0;
  }
}
