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
    SessionFrame.SessionWelcome, SessionFrame.SessionRecord, SessionFrame.SessionClose {

  /** The type byte of this frame. */
  SessionFrameType type();

  /** The session this frame belongs to (any 64-bit value; drawn at random by the initiator). */
  long sessionId();

  /**
   * The initiator's first handshake message (Noise IK message 1, {@code Handshake}), opening
   * session {@code sessionId}.
   *
   * @param noiseMessage 1~{@link FrameLimits#MAX_SESSION_BODY} bytes
   */
  record SessionHello(long sessionId, FrameBytes noiseMessage) implements SessionFrame {
    public SessionHello {
      checkBody("noise message", noiseMessage, 1);
    }

    @Override
    public SessionFrameType type() {
      return SessionFrameType.HELLO;
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

  private static void checkBody(String name, FrameBytes body, int min) {
    Objects.requireNonNull(body, name);
    if (body.size() < min || body.size() > FrameLimits.MAX_SESSION_BODY) {
      throw new IllegalArgumentException(name + ": " + body.size() + " bytes (expected: " + min
          + "~" + FrameLimits.MAX_SESSION_BODY + ")");
    }
  }
}
