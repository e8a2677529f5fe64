package io.staex.proxy.frame;

import io.netty.buffer.ByteBuf;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import io.staex.proxy.frame.internal.FrameReader;

/**
 * The wire form of {@link SessionFrame}s: the whole payload of one packet.
 *
 * <pre>
 *   0        1                    9
 *   +--------+--------------------+-------------------------------------------+
 *   | type   | session id         | body: to the end of the packet payload    |
 *   | u8     | u64                |                                           |
 *   +--------+--------------------+-------------------------------------------+
 *   HELLO (1)     body = Noise IK message 1          1 ~ MAX_SESSION_BODY bytes
 *   WELCOME (2)   body = Noise IK message 2          1 ~ MAX_SESSION_BODY bytes
 *   RECORD (3)    body = sealed record               24 ~ MAX_SESSION_BODY bytes
 *                 +-------------+-----------------------------+----------+
 *                 | counter u64 | ciphertext of stream frames | tag (16) |
 *                 +-------------+-----------------------------+----------+
 *   CLOSE (4)     body = reason u8                   exactly 1 byte
 * </pre>
 *
 * All integers big-endian. The packet's length delimits the body, so it has no length field.
 * Nothing here is encrypted; the session layer should pass the 9 header bytes of a RECORD as the
 * record's AAD, which binds the session id to the record.
 *
 * <p>Error contract: {@link #decode} throws only {@link FrameDecodeException}, whatever the
 * bytes; encoders throw {@link IllegalArgumentException} for frames without an encoding (the
 * records' constructors refuse them first). No method here releases a buffer it was given.
 * Stateless and thread-safe.
 */
public final class SessionFrameCodec {
  static final int TYPE_SIZE = 1;
  static final int SESSION_ID_SIZE = 8;
  static final int REASON_SIZE = 1;
  /** Bytes before the body: type and session id. */
  public static final int HEADER_SIZE = TYPE_SIZE + SESSION_ID_SIZE;
  /** Bytes of a CLOSE frame. */
  public static final int CLOSE_SIZE = HEADER_SIZE + REASON_SIZE;

  private SessionFrameCodec() {}

  /** Bytes of {@code frame}'s encoding. */
  public static int encodedSize(SessionFrame frame) {
    return switch (frame.type()) {
      case HELLO -> HEADER_SIZE + ((SessionFrame.SessionHello) frame).noiseMessage().size();
      case WELCOME -> HEADER_SIZE + ((SessionFrame.SessionWelcome) frame).noiseMessage().size();
      case RECORD -> HEADER_SIZE + ((SessionFrame.SessionRecord) frame).record().size();
      case CLOSE -> CLOSE_SIZE;
      case COOKIE -> HEADER_SIZE + SessionFrame.COOKIE_SIZE;
      case HELLO_WITH_COOKIE -> HEADER_SIZE + SessionFrame.COOKIE_SIZE
          + ((SessionFrame.SessionHello) frame).noiseMessage().size();
    };
  }

  /** Writes {@code frame} to {@code out}. Ownership: the caller keeps {@code out}. */
  public static void encode(SessionFrame frame, ByteBuf out) {
    out.ensureWritable(encodedSize(frame));
    out.writeByte(frame.type().code());
    out.writeLong(frame.sessionId());
    switch (frame.type()) {
      case HELLO -> ((SessionFrame.SessionHello) frame).noiseMessage().writeTo(out);
      case WELCOME -> ((SessionFrame.SessionWelcome) frame).noiseMessage().writeTo(out);
      case RECORD -> ((SessionFrame.SessionRecord) frame).record().writeTo(out);
      case CLOSE -> out.writeByte(((SessionFrame.SessionClose) frame).reason().code());
      case COOKIE -> ((SessionFrame.SessionCookie) frame).cookie().writeTo(out);
      case HELLO_WITH_COOKIE -> {
        SessionFrame.SessionHello hello = (SessionFrame.SessionHello) frame;
        hello.cookieMac().writeTo(out);
        hello.noiseMessage().writeTo(out);
      }
    }
  }

  /**
   * Writes a RECORD frame's header; the caller writes the sealed record next (a sender can seal
   * straight into {@code out}). Ownership: the caller keeps {@code out}.
   */
  public static void writeRecordHeader(long sessionId, ByteBuf out) {
    out.writeByte(SessionFrameType.RECORD.code());
    out.writeLong(sessionId);
  }

  /**
   * Decodes the readable bytes of {@code payload} (a packet's payload) as one session frame,
   * copying its body. Ownership: the caller keeps {@code payload}; on success its reader index
   * is at its writer index, on failure where it was.
   *
   * @throws FrameDecodeException if the bytes are not exactly one session frame
   */
  public static SessionFrame decode(ByteBuf payload) throws FrameDecodeException {
    return decode(payload, null);
  }

  /** {@link #decode(ByteBuf)} without copies: the body is a view of {@code payload}. */
  public static SessionFrame decode(FrameBytes payload) throws FrameDecodeException {
    return decode(payload.asReadOnlyBuffer(), payload);
  }

  private static SessionFrame decode(ByteBuf payload, FrameBytes source)
      throws FrameDecodeException {
    int size = payload.readableBytes();
    if (size > FrameLimits.MAX_PACKET_PAYLOAD) {
      throw new FrameDecodeException(Reason.LIMIT, "session frame: " + size
          + " bytes (expected: at most " + FrameLimits.MAX_PACKET_PAYLOAD + ")");
    }
    FrameReader r = new FrameReader(payload, "session frame", source);
    SessionFrameType type = SessionFrameType.fromCode(r.u8("type"));
    r = r.named("session " + type + " frame");
    long id = r.u64("session id");
    SessionFrame frame = switch (type) {
      case HELLO -> new SessionFrame.SessionHello(id, body(r, "noise message", 1));
      case WELCOME -> new SessionFrame.SessionWelcome(id, body(r, "noise message", 1));
      case RECORD -> new SessionFrame.SessionRecord(
          id, body(r, "record", FrameLimits.MIN_SESSION_RECORD));
      case CLOSE -> {
        CloseReason reason = CloseReason.fromCode(r.u8("reason"));
        if (r.remaining() != 0) {
          throw r.error(Reason.LENGTH, r.remaining() + " bytes after the reason (expected: none)");
        }
        yield new SessionFrame.SessionClose(id, reason);
      }
      case COOKIE -> {
        if (r.remaining() != SessionFrame.COOKIE_SIZE) {
          throw r.error(r.remaining() < SessionFrame.COOKIE_SIZE ? Reason.TRUNCATED : Reason.LENGTH,
              "cookie: " + r.remaining() + " bytes (expected: " + SessionFrame.COOKIE_SIZE + ")");
        }
        yield new SessionFrame.SessionCookie(id, r.bytes("cookie", SessionFrame.COOKIE_SIZE));
      }
      case HELLO_WITH_COOKIE -> {
        if (r.remaining() < SessionFrame.COOKIE_SIZE) {
          throw r.error(Reason.TRUNCATED, "cookie MAC: " + r.remaining() + " bytes (expected: "
              + SessionFrame.COOKIE_SIZE + ")");
        }
        FrameBytes mac = r.bytes("cookie MAC", SessionFrame.COOKIE_SIZE);
        yield new SessionFrame.SessionHello(id, body(r, "noise message", 1), mac);
      }
    };
    r.commit();
    return frame;
  }

  /** The rest of the input as a body of at least {@code min} bytes. */
  private static FrameBytes body(FrameReader r, String name, int min)
      throws FrameDecodeException {
    int n = r.remaining();
    if (n < min) {
      throw r.error(Reason.TRUNCATED, name + " at offset " + r.offset() + ": " + n
          + " bytes (expected: at least " + min + ")");
    }
    return r.bytes(name, n);
  }
}
