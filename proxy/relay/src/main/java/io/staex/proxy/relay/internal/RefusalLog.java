package io.staex.proxy.relay.internal;

import io.netty.util.concurrent.Ticker;
import io.staex.proxy.loop.LogEvery;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * One kind of refusal, logged at most once per {@link #INTERVAL}: the first one at once, the
 * rest counted and reported with the next line (the counters have every one). A flood costs
 * one log line a minute, not one per packet. Confined to the relay's loop.
 */
final class RefusalLog {
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Logger log;
  private final Ticker ticker;
  private final String what;
  private final LogEvery every = new LogEvery(INTERVAL);

  /** @param what the refusal, e.g. "packet with a spoofed source refused" */
  RefusalLog(Logger log, Ticker ticker, String what) {
    this.log = log;
    this.ticker = ticker;
    this.what = what;
  }

  /** One refusal; {@code detail} says which (the neighbour, the claimed source). */
  void refused(String detail) {
    if (every.due(ticker.nanoTime())) {
      log.warn("{}: {}{}", what, detail, every.takeSkipped());
    }
  }
}
