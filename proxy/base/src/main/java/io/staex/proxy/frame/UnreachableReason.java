package io.staex.proxy.frame;

import io.staex.proxy.frame.internal.CodeTable;

/**
 * Why a relay could not deliver a packet ({@link LinkFrame.Unreachable}).
 *
 * <p>Codes are explicit and never reused; {@link #fromCode} refuses a code that names nothing.
 */
public enum UnreachableReason {
  /** The root (or a node without an active parent) does not know the destination. */
  NO_ROUTE(1),
  /** The packet arrived at a relay with TTL 0. */
  TTL_EXPIRED(2),
  /** The next hop is a neighbour, but the link to it is down. */
  LINK_DOWN(3),
  /** The source route's next hop is not a neighbour of the relay (a stale route). */
  BAD_ROUTE(4),
  /**
   * A link on the way had too much queued and the packet was dropped: its sender did not pause
   * when asked ({@code RelayHandler.sendPaused}). Only made locally for now, for this node's own
   * sends; no relay sends it in a notice yet.
   */
  CONGESTED(5);

  private static final CodeTable<UnreachableReason> CODES =
      new CodeTable<>("unreachable reason", values(), UnreachableReason::code);

  private final int code;

  UnreachableReason(int code) {
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
  public static UnreachableReason fromCode(int code) throws FrameDecodeException {
    return CODES.get(code);
  }
}
