package io.staex.proxy.rtsp.internal;

/**
 * The parser's verdict that the stream is not RTSP it can follow; it comes once, after which the
 * parser discards all input. The holder of the stream should log {@link #message()} and end the
 * stream (never the node).
 *
 * @param reason what kind of problem
 * @param message what, where (stream offset) and what was expected
 */
public record RtspError(Reason reason, String message) implements RtspItem {

  /** What was wrong. */
  public enum Reason {
    /** Bytes that start neither a {@code $} frame nor an RTSP start line. */
    GARBAGE,
    /** A start line that is neither a request line nor a status line. */
    BAD_START_LINE,
    /** A header line without a name and colon, or a continuation with nothing to continue. */
    BAD_HEADER,
    /** A Content-Length that is not a number, or two that disagree. */
    BAD_CONTENT_LENGTH,
    /** Start line and headers longer than {@link RtspLimits#maxHead()}. */
    HEAD_TOO_LARGE,
    /** A body longer than {@link RtspLimits#maxBody()}. */
    BODY_TOO_LARGE
  }

  @Override
  public Kind kind() {
    return Kind.ERROR;
  }
}
