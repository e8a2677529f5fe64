package io.staex.proxy.session;

import java.util.concurrent.atomic.LongAdder;

/** What the session layer did, for status and tests; readable from any thread. */
public final class SessionCounters {
  final LongAdder opened = new LongAdder();
  final LongAdder accepted = new LongAdder();
  final LongAdder established = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder rateLimited = new LongAdder();
  final LongAdder limited = new LongAdder();
  final LongAdder replayedHellos = new LongAdder();
  final LongAdder badRecords = new LongAdder();
  final LongAdder lost = new LongAdder();
  final LongAdder unknownSessions = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final LongAdder revoked = new LongAdder();
  final LongAdder expired = new LongAdder();

  /** Handshakes this node started. */
  public long opened() {
    return opened.sum();
  }

  /** HELLOs this node answered with a WELCOME. */
  public long accepted() {
    return accepted.sum();
  }

  /** Sessions established either way. */
  public long established() {
    return established.sum();
  }

  /** Handshakes refused by this node's trust policy (either role). */
  public long refused() {
    return refused.sum();
  }

  /** HELLOs dropped by the per-peer handshake rate limit. */
  public long rateLimited() {
    return rateLimited.sum();
  }

  /** Sessions refused or ended by {@code maxSessions} or {@code maxQueuedBytes}. */
  public long limited() {
    return limited.sum();
  }

  /** HELLOs whose handshake time was not after the peer's previous one (replays). */
  public long replayedHellos() {
    return replayedHellos.sum();
  }

  /** Records that did not authenticate or were seen before: dropped. */
  public long badRecords() {
    return badRecords.sum();
  }

  /** Sessions ended because records went missing on the path. */
  public long lost() {
    return lost.sum();
  }

  /** Frames for a session id this node does not have (answered with CLOSE UNKNOWN_SESSION). */
  public long unknownSessions() {
    return unknownSessions.sum();
  }

  /** Packets that were not a session frame, or records whose plaintext was not stream frames. */
  public long malformed() {
    return malformed.sum();
  }

  /** Established sessions ended because a revocation covering the peer arrived. */
  public long revoked() {
    return revoked.sum();
  }

  /** Established sessions ended when the peer's certificate expired. */
  public long expired() {
    return expired.sum();
  }
}
