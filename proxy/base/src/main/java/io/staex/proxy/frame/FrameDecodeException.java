package io.staex.proxy.frame;

import java.util.Objects;

/**
 * Bytes from a peer that are not a valid frame of the layer that read them. The only exception a
 * frame decoder throws, whatever the input.
 *
 * <p>Checked, so that every caller on the data plane has to decide what to do (drop the record,
 * count {@link #reason()}, log at debug with the peer, close the link if it is a link frame);
 * stackless, because peers can cause it at will and a flood must stay cheap to drop. Never tell
 * the peer why its bytes were refused.
 */
public final class FrameDecodeException extends Exception {

  /** What was wrong, for counters; the message says where and what was expected. */
  public enum Reason {
    /** The input ended inside a frame. */
    TRUNCATED,
    /** A type, reason or other code byte that names nothing. */
    UNKNOWN_CODE,
    /** A version byte this codec does not speak. */
    VERSION,
    /** A count or length over its limit, or an input longer than its layer allows. */
    LIMIT,
    /** A field out of its range, or fields that contradict each other. */
    INVALID,
    /** Bytes left over where the layout says the frame ends, or no frame at all. */
    LENGTH
  }

  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public FrameDecodeException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
