package io.staex.proxy.session;

import java.time.Duration;
import java.util.Objects;

/**
 * The session layer's limits and timers. No defaults here: a node's come from its config
 * ({@code sessions} and {@code limits} in {@code reference.conf}).
 *
 * @param maxSessions most sessions at once, handshaking ones included; a HELLO beyond it is
 *     answered with CLOSE LIMIT, a local open fails with {@link SessionEnd#LIMIT}
 * @param handshakesPerSecondPerPeer HELLOs without a cookie answered per second claiming one
 *     source (burst of as many); more are answered with a COOKIE, before any Diffie-Hellman. As
 *     many HELLOs with a valid cookie are answered per second from one source; more are dropped
 * @param handshakeTimeout a handshake not finished in this time ends with {@link
 *     SessionEnd#TIMEOUT}
 * @param helloRetry first HELLO retransmission interval (doubled each time) while no WELCOME came
 * @param idleTimeout an established session with no open streams and no records either way for
 *     this long is closed
 * @param rekeyAfter a session this old takes no new streams; a fresh handshake replaces it, and
 *     it closes once its last stream ended
 * @param maxQueuedBytes stream frames a handshaking session may hold before it fails with
 *     {@link SessionEnd#LIMIT}
 * @param keepaliveInterval a session with open streams that sent nothing for this long sends an
 *     empty record; one that heard nothing for three of these ends with {@link
 *     SessionEnd#TIMEOUT} (the peer is gone, or forgot the session and its answer was lost)
 * @param handshakesPerSecond HELLOs without a cookie answered per second from all sources
 *     together (burst of as many): over it the node is under load, and every HELLO must carry a
 *     cookie, so that a flood from many claimed sources costs no Diffie-Hellman
 * @param maxSessionsPerPeer most sessions with one node at once (either way, handshaking ones
 *     included); a HELLO beyond it is answered with CLOSE LIMIT before any Diffie-Hellman, a
 *     local open fails
 * @param probeTimeout a probe (sent when an unauthenticated CLOSE or an UNREACHABLE notice that
 *     cannot be checked says the session is broken) not answered within this ends the session
 * @param probeAnswersPerSecondPerPeer probes (a peer's session checks and its {@code staex
 *     ping}s) answered per second for one peer, burst of as many; more go unanswered and are
 *     counted, so that ping cannot make this node send more than a peer sends it
 * @param pathGrace a session whose records waited this long for an acknowledgement (or, with
 *     open streams, that heard nothing from the peer this long and three keepalive intervals)
 *     ends {@link SessionEnd#UNREACHABLE}: no path came back
 * @param retransmitBytes bytes of sent records a session keeps until the peer acknowledges
 *     them; at the cap its streams stop reading their sockets (small frames may go over)
 * @param retransmitBytesTotal bytes of sent records all sessions together keep until
 *     acknowledged: at this cap every session says it has no room (as at its own cap) until
 *     ACKs free some, so that many busy sessions cannot each keep {@code retransmitBytes} of a
 *     node's heap
 */
public record SessionSettings(
    int maxSessions,
    int handshakesPerSecondPerPeer,
    Duration handshakeTimeout,
    Duration helloRetry,
    Duration idleTimeout,
    Duration rekeyAfter,
    int maxQueuedBytes,
    Duration keepaliveInterval,
    int handshakesPerSecond,
    int maxSessionsPerPeer,
    Duration probeTimeout,
    int probeAnswersPerSecondPerPeer,
    Duration pathGrace,
    int retransmitBytes,
    long retransmitBytesTotal) {

  public SessionSettings {
    positive("maxSessions", maxSessions);
    positive("handshakesPerSecondPerPeer", handshakesPerSecondPerPeer);
    positive("handshakeTimeout", handshakeTimeout);
    positive("helloRetry", helloRetry);
    positive("idleTimeout", idleTimeout);
    positive("rekeyAfter", rekeyAfter);
    positive("maxQueuedBytes", maxQueuedBytes);
    positive("keepaliveInterval", keepaliveInterval);
    positive("handshakesPerSecond", handshakesPerSecond);
    positive("maxSessionsPerPeer", maxSessionsPerPeer);
    positive("probeTimeout", probeTimeout);
    positive("probeAnswersPerSecondPerPeer", probeAnswersPerSecondPerPeer);
    positive("pathGrace", pathGrace);
    positive("retransmitBytes", retransmitBytes);
    if (retransmitBytesTotal < retransmitBytes) {
      throw new IllegalArgumentException("retransmitBytesTotal: " + retransmitBytesTotal
          + " (expected: >= retransmitBytes " + retransmitBytes + ")");
    }
  }

  /**
   * Without a node-wide cap beyond the per-session ones ({@code maxSessions × retransmitBytes}),
   * as before {@code limits.retransmit-bytes-total}: for tests that do not care.
   */
  public SessionSettings(int maxSessions, int handshakesPerSecondPerPeer,
      Duration handshakeTimeout, Duration helloRetry, Duration idleTimeout, Duration rekeyAfter,
      int maxQueuedBytes, Duration keepaliveInterval, int handshakesPerSecond,
      int maxSessionsPerPeer, Duration probeTimeout, int probeAnswersPerSecondPerPeer,
      Duration pathGrace, int retransmitBytes) {
    this(maxSessions, handshakesPerSecondPerPeer, handshakeTimeout, helloRetry, idleTimeout,
        rekeyAfter, maxQueuedBytes, keepaliveInterval, handshakesPerSecond, maxSessionsPerPeer,
        probeTimeout, probeAnswersPerSecondPerPeer, pathGrace, retransmitBytes,
        (long) maxSessions * retransmitBytes);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
