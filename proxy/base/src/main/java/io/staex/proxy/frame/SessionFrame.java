package io.staex.proxy.frame;

import java.util.Objects;

/**
 * A frame between the two ends of a session: the whole payload of a {@link LinkFrame.Packet}.
 * Relays never read it. The layout is drawn once, in {@link SessionFrameCodec}.
 *
 * <p>Every frame names its session by a 64-bit id that the initiator draws at random for each
 * handshake; both ends key the session by (peer, id). The id is what lets two sessions between
 * the same pair coexist: a rehandshake overlapping the old session, a simultaneous open from
 * both sides, a peer that restarted while records of its old session are still in flight. The
 * receiver finds the right record opener without trial decryption, and answers an id it does
 * not know with {@link SessionClose} {@link CloseReason#UNKNOWN_SESSION}. See {@code
 * docs/frames.md}.
 */
public sealed interface SessionFrame permits SessionFrame.SessionHello,
    SessionFrame.SessionWelcome, SessionFrame.SessionRecord, SessionFrame.SessionClose,
    SessionFrame.SessionCookie {
  /** Bytes of a cookie ({@link SessionCookie}) and of a HELLO's cookie MAC. */
  int COOKIE_SIZE = 16;

  /** The type byte of this frame. */
  SessionFrameType type();

  /** The session this frame belongs to (any 64-bit value; drawn at random by the initiator). */
  long sessionId();

  /**
   * The initiator's first handshake message (Noise IK message 1, {@code Handshake}), opening
   * session {@code sessionId}; sent again with {@code cookieMac} once the responder answered it
   * with a {@link SessionCookie}.
   *
   * @param noiseMessage 1~{@link FrameLimits#MAX_SESSION_BODY} bytes ({@link #COOKIE_SIZE} fewer
   *     with a cookie MAC)
   * @param cookieMac empty, or {@link #COOKIE_SIZE} bytes: a MAC over the session id and {@code
   *     noiseMessage} keyed by the responder's cookie, proving that the sender receives packets
   *     sent to the source it claims (type {@link SessionFrameType#HELLO_WITH_COOKIE})
   */
  record SessionHello(long sessionId, FrameBytes noiseMessage, FrameBytes cookieMac)
      implements SessionFrame {
    public SessionHello {
      Objects.requireNonNull(cookieMac, "cookie MAC");
      if (!cookieMac.isEmpty() && cookieMac.size() != COOKIE_SIZE) {
        throw new IllegalArgumentException("cookie MAC: " + cookieMac.size()
            + " bytes (expected: none or " + COOKIE_SIZE + ")");
      }
      checkBody("noise message", noiseMessage, 1, FrameLimits.MAX_SESSION_BODY - cookieMac.size());
    }

    /** A HELLO without a cookie MAC. */
    public SessionHello(long sessionId, FrameBytes noiseMessage) {
      this(sessionId, noiseMessage, FrameBytes.empty());
    }

    @Override
    public SessionFrameType type() {
      return cookieMac.isEmpty() ? SessionFrameType.HELLO : SessionFrameType.HELLO_WITH_COOKIE;
    }
  }

  /**
   * The responder's answer (Noise IK message 2) for session {@code sessionId}.
   *
   * @param noiseMessage 1~{@link FrameLimits#MAX_SESSION_BODY} bytes
   */
  record SessionWelcome(long sessionId, FrameBytes noiseMessage) implements SessionFrame {
    public SessionWelcome {
      checkBody("noise message", noiseMessage, 1);
    }

    @Override
    public SessionFrameType type() {
      return SessionFrameType.WELCOME;
    }
  }

  /**
   * A sealed record of session {@code sessionId} ({@code RecordSealer} output: counter, then
   * ciphertext and tag) whose plaintext is a batch of stream frames ({@link StreamFrameCodec}).
   *
   * @param record {@link FrameLimits#MIN_SESSION_RECORD}~{@link FrameLimits#MAX_SESSION_BODY}
   *     bytes
   */
  record SessionRecord(long sessionId, FrameBytes record) implements SessionFrame {
    public SessionRecord {
      checkBody("record", record, FrameLimits.MIN_SESSION_RECORD);
    }

    @Override
    public SessionFrameType type() {
      return SessionFrameType.RECORD;
    }
  }

  /**
   * The sender ended session {@code sessionId}, or does not know it. Not authenticated (a node
   * that lost its keys must be able to send it), so the receiver should treat it as a reason to
   * rehandshake, not as proof: a relay on the path, which sees the id, could forge it as it
   * could drop the packets.
   */
  record SessionClose(long sessionId, CloseReason reason) implements SessionFrame {
    public SessionClose {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public SessionFrameType type() {
      return SessionFrameType.CLOSE;
    }
  }

  /**
   * A responder under load did no handshake for a HELLO of session {@code sessionId} that had no
   * (valid) cookie MAC: it asks the initiator to send it again with a MAC keyed by {@code
   * cookie}. Sent to the source the HELLO claimed, so only a node that receives that source's
   * packets learns the cookie (as WireGuard's cookie reply, DTLS's HelloVerifyRequest). Not
   * authenticated: the initiator takes one only for a session of its own still handshaking,
   * and at most a few per session, so a forged one costs at most a retransmission.
   *
   * @param cookie exactly {@link #COOKIE_SIZE} bytes, opaque to the initiator
   */
  record SessionCookie(long sessionId, FrameBytes cookie) implements SessionFrame {
    public SessionCookie {
      Objects.requireNonNull(cookie, "cookie");
      if (cookie.size() != COOKIE_SIZE) {
        throw new IllegalArgumentException(
            "cookie: " + cookie.size() + " bytes (expected: " + COOKIE_SIZE + ")");
      }
    }

    @Override
    public SessionFrameType type() {
      return SessionFrameType.COOKIE;
    }
  }

  private static void checkBody(String name, FrameBytes body, int min) {
    checkBody(name, body, min, FrameLimits.MAX_SESSION_BODY);
  }

  private static void checkBody(String name, FrameBytes body, int min, int max) {
    Objects.requireNonNull(body, name);
    if (body.size() < min || body.size() > max) {
      throw new IllegalArgumentException(name + ": " + body.size() + " bytes (expected: " + min
          + "~" + max + ")");
    }
  }
}
