package io.staex.proxy.frame;

import io.staex.proxy.frame.internal.CodeTable;

/**
 * Why a session ended ({@link SessionFrame.Close}). Never says why a handshake failed.
 *
 * <p>Codes are explicit and never reused; {@link #fromCode} refuses a code that names nothing.
 */
public enum CloseReason {
  /** The sender ended the session: idle, or shutting down. */
  CLOSED(1),
  /** The sender has no session with this id (it restarted, or the session expired). */
  UNKNOWN_SESSION(2),
  /** The sender did not accept the handshake (why is not told). */
  REFUSED(3),
  /** The sender is at its session or handshake limit. */
  LIMIT(4),
  /** A newer session between the same two nodes replaces this one (simultaneous open, rekey). */
  SUPERSEDED(5),
  /** The sender received a frame that makes no sense in this session. */
  PROTOCOL_ERROR(6);

  private static final CodeTable<CloseReason> CODES =
      new CodeTable<>("session close reason", values(), CloseReason::code);

  private final int code;

  CloseReason(int code) {
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
  public static CloseReason fromCode(int code) throws FrameDecodeException {
    return CODES.get(code);
  }
}
