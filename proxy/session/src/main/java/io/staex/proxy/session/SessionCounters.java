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
  final LongAdder handshakes = new LongAdder();
  final LongAdder overloaded = new LongAdder();
  final LongAdder cookiesSent = new LongAdder();
  final LongAdder badCookies = new LongAdder();
  final LongAdder cookiesDropped = new LongAdder();
  final LongAdder limitedPerPeer = new LongAdder();
  final LongAdder unreachableVerified = new LongAdder();
  final LongAdder unreachableForged = new LongAdder();
  final LongAdder unreachableUnverified = new LongAdder();
  final LongAdder unreachableIgnored = new LongAdder();
  final LongAdder closesUnverified = new LongAdder();
  final LongAdder probes = new LongAdder();
  final LongAdder probesAnswered = new LongAdder();
  final LongAdder probesUnanswered = new LongAdder();
  final LongAdder probeAnswers = new LongAdder();
  final LongAdder probeAnswersLimited = new LongAdder();
  final LongAdder pings = new LongAdder();
  final LongAdder pingsAnswered = new LongAdder();
  final LongAdder revoked = new LongAdder();
  final LongAdder expired = new LongAdder();
  final LongAdder untrusted = new LongAdder();
  final LongAdder recordsResent = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder nacksSent = new LongAdder();
  final LongAdder acksAlone = new LongAdder();
  final LongAdder acksRiding = new LongAdder();
  final LongAdder nacksReceived = new LongAdder();
  final LongAdder nacksIgnored = new LongAdder();
  final LongAdder acksStale = new LongAdder();
  final LongAdder acksBeyond = new LongAdder();
  final LongAdder pathDown = new LongAdder();
  final LongAdder pathLost = new LongAdder();
  final LongAdder retransmitFull = new LongAdder();

  /** Records sent again (a timeout, or a NACK: records were lost on the path). */
  public long recordsResent() {
    return recordsResent.sum();
  }

  /** Records that came again (sent again before our ACK arrived): dropped, ACKed again. */
  public long duplicates() {
    return duplicates.sum();
  }

  /** ACKs sent in a record of their own (no record of ours went within the ACK delay). */
  public long acksAlone() {
    return acksAlone.sum();
  }

  /** ACKs sent in front of the layer above's messages, in a record that went anyway. */
  public long acksRiding() {
    return acksRiding.sum();
  }

  /** NACKs sent: a record came after a gap (records lost on the path). */
  public long nacksSent() {
    return nacksSent.sum();
  }

  /** NACKs from peers (acted on or not): records of this node's were lost on the path. */
  public long nacksReceived() {
    return nacksReceived.sum();
  }

  /** NACKs from a peer within half a retransmission timeout of the last resend: not acted on. */
  public long nacksIgnored() {
    return nacksIgnored.sum();
  }

  /** ACKs behind an earlier one: dropped. */
  public long acksStale() {
    return acksStale.sum();
  }

  /** ACKs of records never sent: the session ended PROTOCOL_ERROR. */
  public long acksBeyond() {
    return acksBeyond.sum();
  }

  /** Times this node's relay had no path for an established session's record (it waited). */
  public long pathDown() {
    return pathDown.sum();
  }

  /** Sessions ended because no path came back within {@code sessions.path-grace}. */
  public long pathLost() {
    return pathLost.sum();
  }

  /**
   * Times the sessions together reached {@code limits.retransmit-bytes-total} of sent records
   * kept for their peers' ACKs (their streams waited).
   */
  public long retransmitFull() {
    return retransmitFull.sum();
  }

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

  /**
   * HELLOs over the per-source budget ({@code handshakesPerSecondPerPeer}): one without a valid
   * cookie is answered with a COOKIE, one with a valid cookie is dropped; neither costs a
   * Diffie-Hellman.
   */
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

  /** Records dropped because records before them went missing on the path (NACKed). */
  public long lost() {
    return lost.sum();
  }

  /** Frames for a session id this node does not have (answered with CLOSE UNKNOWN_SESSION). */
  public long unknownSessions() {
    return unknownSessions.sum();
  }

  /** Packets that were not a session frame, and malformed session control messages. */
  public long malformed() {
    return malformed.sum();
  }

  /** HELLOs this node did the handshake's public-key work for, as responder (any outcome). */
  public long handshakes() {
    return handshakes.sum();
  }

  /**
   * HELLOs without a valid cookie over the node-wide budget ({@code handshakesPerSecond}):
   * answered with a COOKIE, no Diffie-Hellman.
   */
  public long overloaded() {
    return overloaded.sum();
  }

  /** COOKIEs sent: HELLOs refused for want of a (valid) cookie while under load. */
  public long cookiesSent() {
    return cookiesSent.sum();
  }

  /** HELLOs whose cookie MAC did not check (forged, or the cookie's secret expired). */
  public long badCookies() {
    return badCookies.sum();
  }

  /** COOKIEs received that matched no handshake of this node's own, or one too many: dropped. */
  public long cookiesDropped() {
    return cookiesDropped.sum();
  }

  /** Sessions refused by {@code maxSessionsPerPeer} (HELLOs answered CLOSE LIMIT, local opens). */
  public long limitedPerPeer() {
    return limitedPerPeer.sum();
  }

  /**
   * UNREACHABLE notices whose quote matched a packet a session sent: a handshaking session
   * ended; an established one waits for its path ({@link #pathDown}).
   */
  public long unreachableVerified() {
    return unreachableVerified.sum();
  }

  /**
   * UNREACHABLE notices ignored: their quote names no live session of this node or contradicts
   * what the session sent (forged off the path, or about a session that ended already).
   */
  public long unreachableForged() {
    return unreachableForged.sum();
  }

  /**
   * UNREACHABLE notices about a packet too old to check: counted, nothing else (the session's
   * records, unacknowledged for {@code sessions.path-grace}, end it if the path is gone).
   */
  public long unreachableUnverified() {
    return unreachableUnverified.sum();
  }

  /** UNREACHABLE notices about a CLOSE this node sent: its session is gone, nothing to do. */
  public long unreachableIgnored() {
    return unreachableIgnored.sum();
  }

  /** CLOSE frames (unauthenticated) for an established session: they started a probe. */
  public long closesUnverified() {
    return closesUnverified.sum();
  }

  /** Probes sent: authenticated records the peer must answer within the probe timeout. */
  public long probes() {
    return probes.sum();
  }

  /** Probes the peer answered: the session went on. */
  public long probesAnswered() {
    return probesAnswered.sum();
  }

  /** Probes not answered in time: the session ended. */
  public long probesUnanswered() {
    return probesUnanswered.sum();
  }

  /** Probes of peers (their session checks and pings) this node answered. */
  public long probeAnswers() {
    return probeAnswers.sum();
  }

  /**
   * Probes of peers left unanswered: over {@code limits.probe-answers-per-second-per-peer} for
   * that peer (a ping flood, say).
   */
  public long probeAnswersLimited() {
    return probeAnswersLimited.sum();
  }

  /** Pings this node sent ({@code staex ping}: a probe each, timed). */
  public long pings() {
    return pings.sum();
  }

  /** Pings answered in time. */
  public long pingsAnswered() {
    return pingsAnswered.sum();
  }

  /** Established sessions ended because a revocation covering the peer arrived. */
  public long revoked() {
    return revoked.sum();
  }

  /** Established sessions ended when the peer's certificate expired. */
  public long expired() {
    return expired.sum();
  }

  /**
   * Established sessions ended because a reloaded trust configuration no longer trusts the
   * peer's network (nor pins its key).
   */
  public long untrusted() {
    return untrusted.sum();
  }
}
