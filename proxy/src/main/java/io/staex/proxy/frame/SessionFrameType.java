package io.staex.proxy.frame;

import io.staex.proxy.frame.internal.CodeTable;

/**
 * The type byte of a {@link SessionFrame} ({@link SessionFrameCodec}).
 *
 * <p>Codes are explicit and never reused; {@link #fromCode} refuses a code that names nothing.
 */
public enum SessionFrameType {
  /** {@link SessionFrame.Hello}. */
  HELLO(1),
  /** {@link SessionFrame.Welcome}. */
  WELCOME(2),
  /** {@link SessionFrame.Record}. */
  RECORD(3),
  /** {@link SessionFrame.Close}. */
  CLOSE(4);

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
