package io.staex.proxy.frame;

import io.staex.proxy.frame.internal.CodeTable;

/**
 * The type byte of a {@link StreamFrame} ({@link StreamFrameCodec}).
 *
 * <p>Codes are explicit and never reused; {@link #fromCode} refuses a code that names nothing.
 */
public enum StreamFrameType {
  /** {@link StreamFrame.Open}. */
  OPEN(1),
  /** {@link StreamFrame.Data}. */
  DATA(2),
  /** {@link StreamFrame.Window}. */
  WINDOW(3),
  /** {@link StreamFrame.Fin}. */
  FIN(4),
  /** {@link StreamFrame.Reset}. */
  RESET(5),
  /** {@link StreamFrame.Datagram}. */
  DATAGRAM(6),
  /** {@link StreamFrame.OpenHost}: a stream to a host and port beyond an exit node. */
  OPEN_HOST(7);

  private static final CodeTable<StreamFrameType> CODES =
      new CodeTable<>("stream frame type", values(), StreamFrameType::code);

  private final int code;

  StreamFrameType(int code) {
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
  public static StreamFrameType fromCode(int code) throws FrameDecodeException {
    return CODES.get(code);
  }
}
