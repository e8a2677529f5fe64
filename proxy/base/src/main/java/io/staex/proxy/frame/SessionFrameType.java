package io.staex.proxy.frame;

import io.staex.proxy.frame.internal.CodeTable;

/**
 * The type byte of a {@link SessionFrame} ({@link SessionFrameCodec}).
 *
 * <p>Codes are explicit and never reused; {@link #fromCode} refuses a code that names nothing.
 */
public enum SessionFrameType {
  /** {@link SessionFrame.SessionHello} without a cookie. */
  HELLO(1),
  /** {@link SessionFrame.SessionWelcome}. */
  WELCOME(2),
  /** {@link SessionFrame.SessionRecord}. */
  RECORD(3),
  /** {@link SessionFrame.SessionClose}. */
  CLOSE(4),
  /** {@link SessionFrame.SessionCookie}: a responder under load wants its HELLO proven. */
  COOKIE(5),
  /** {@link SessionFrame.SessionHello} carrying a MAC keyed by the responder's cookie. */
  HELLO_WITH_COOKIE(6);

  private static final CodeTable<SessionFrameType> CODES =
      new CodeTable<>("session frame type", values(), SessionFrameType::code);

  private final int code;

  SessionFrameType(int code) {
    this.code = code;
  }

  /** The byte on the wire, 1~255. */
  public int code() {
    return code;
  }

  /**
   * The constant with this code.
   *
   * @param code the byte as read, 0~255
   * @throws FrameDecodeException UNKNOWN_CODE if no constant has it
   */
  public static SessionFrameType fromCode(int code) throws FrameDecodeException {
    return CODES.get(code);
  }
}
