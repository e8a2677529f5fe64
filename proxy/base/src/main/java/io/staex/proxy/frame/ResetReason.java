package io.staex.proxy.frame;

import io.staex.proxy.frame.internal.CodeTable;

/**
 * Why a stream was reset ({@link StreamFrame.Reset}); SOCKS5 and port forwards map it to what
 * the application sees.
 *
 * <p>Codes are explicit and never reused; {@link #fromCode} refuses a code that names nothing.
 */
public enum ResetReason {
  /** The service's endpoint refused the connection. */
  REFUSED(1),
  /** The opener may not reach this port (the service's allow list). */
  NOT_ALLOWED(2),
  /** Nothing is exposed on this port. */
  NO_SERVICE(3),
  /** A stream or buffer limit was reached. */
  LIMIT(4),
  /** Connecting to the endpoint, or the stream itself, timed out. */
  TIMEOUT(5),
  /** The endpoint behind the node could not be reached. */
  UNREACHABLE(6),
  /** The peer broke the stream protocol (data beyond its window, data after FIN). */
  PROTOCOL_ERROR(7),
  /** A bug or an unexpected local failure. */
  INTERNAL(8),
  /**
   * The application on the sender's side closed its connection before the stream ended both
   * ways (an abortive close, or a close while data was still in flight).
   */
  CLOSED(9),
  /** The session that carried the stream ended (peer restarted, path lost, idle, shut down). */
  SESSION_ENDED(10);

  private static final CodeTable<ResetReason> CODES =
      new CodeTable<>("stream reset reason", values(), ResetReason::code);

  private final int code;

  ResetReason(int code) {
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
  public static ResetReason fromCode(int code) throws FrameDecodeException {
    return CODES.get(code);
  }
}
