package io.staex.proxy.frame;

import io.staex.proxy.frame.internal.CodeTable;

/**
 * The type byte of a {@link LinkFrame} ({@link LinkFrameCodec}).
 *
 * <p>Codes are explicit and never reused; {@link #fromCode} refuses a code that names nothing.
 */
public enum LinkFrameType {
  /** {@link LinkFrame.Keepalive}. */
  KEEPALIVE(1),
  /** {@link LinkFrame.Routing}. */
  ROUTING(2),
  /** {@link LinkFrame.Packet}. */
  PACKET(3),
  /** {@link LinkFrame.Unreachable}. */
  UNREACHABLE(4);

  private static final CodeTable<LinkFrameType> CODES =
      new CodeTable<>("link frame type", values(), LinkFrameType::code);

  private final int code;

  LinkFrameType(int code) {
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
  public static LinkFrameType fromCode(int code) throws FrameDecodeException {
    return CODES.get(code);
  }
}
