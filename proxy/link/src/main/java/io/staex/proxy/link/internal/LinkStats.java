package io.staex.proxy.link.internal;

import io.staex.proxy.link.LinkCounters;
import io.staex.proxy.loop.LogEvery;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by the links of one server or connector; updated from any event loop. */
public final class LinkStats {
  final LongAdder linksUp = new LongAdder();
  final LongAdder handshakesRefused = new LongAdder();
  final LongAdder handshakeTimeouts = new LongAdder();
  final LongAdder badRecords = new LongAdder();
  final LongAdder keepaliveTimeouts = new LongAdder();
  /** Read-idle events ignored because reading was paused. */
  final LongAdder pausedReadIdles = new LongAdder();
  public final LongAdder connectionsRefused = new LongAdder();
  public final LongAdder connectionsRateLimited = new LongAdder();
  public final LongAdder dials = new LongAdder();
  public final LongAdder startupsFull = new LongAdder();
  public final LongAdder startupsPrefixFull = new LongAdder();
  public final LongAdder startupsEarlyDropped = new LongAdder();
  final LongAdder firstMessageTimeouts = new LongAdder();
  /** Handshakes refused because the peer speaks another protocol version (also refused). */
  final LongAdder versionRefused = new LongAdder();
  /** Refused handshakes are logged at WARN at most once per this, per server or connector. */
  static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);
  private final LogEvery refusalLog = new LogEvery(REFUSAL_LOG_INTERVAL);

  /**
   * Whether a refused handshake may be logged at WARN now; if so, the suffix counting those held
   * back since the last line, else null. Any loop (the server's links spread over the group).
   */
  synchronized String refusalLogDue(long nowNanos) {
    return refusalLog.due(nowNanos) ? refusalLog.takeSkipped() : null;
  }

  public LinkCounters snapshot() {
    return new LinkCounters(linksUp.sum(), handshakesRefused.sum(), handshakeTimeouts.sum(),
        badRecords.sum(), keepaliveTimeouts.sum(), connectionsRefused.sum(),
        connectionsRateLimited.sum(), dials.sum(), startupsFull.sum(), startupsPrefixFull.sum(),
        startupsEarlyDropped.sum(), firstMessageTimeouts.sum(), pausedReadIdles.sum(),
        versionRefused.sum());
  }
}
