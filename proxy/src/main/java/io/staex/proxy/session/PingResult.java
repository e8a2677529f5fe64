package io.staex.proxy.session;

import java.util.Objects;

/** What one ping ({@link Sessions#ping}) found: an answer with its round trip, or why none came. */
public sealed interface PingResult permits PingResult.Answered, PingResult.Failed,
    PingResult.TimedOut {

  /**
   * The peer answered.
   *
   * @param rttNanos from sending the probe to its answer, on the session loop's ticker
   * @param hops links the answer crossed (relays on the way back + 1); 0 when the relay did not
   *     say (the answer's TTL unknown)
   * @param handshake whether this ping had to open a session first (its round trip does not
   *     include the handshake, which came before it was sent)
   */
  record Answered(long rttNanos, int hops, boolean handshake) implements PingResult {}

  /**
   * No answer can come: the session ended or could not be opened.
   *
   * @param end how the session ended (REFUSED: the peer's trust or ours said no; UNREACHABLE:
   *     no route; TIMEOUT: no answer to the handshake …); null when no session could be opened
   * @param why what happened, for people
   */
  record Failed(SessionEnd end, String why) implements PingResult {
    public Failed {
      Objects.requireNonNull(why, "why");
    }
  }

  /** No answer within the ping's timeout (lost on the way, or the peer limited its answers). */
  record TimedOut() implements PingResult {}
}
