package io.staex.proxy.rtsp.internal;

/**
 * One item of one direction of an RTSP 1.0 connection, as {@link RtspParser} splits it: an RTSP
 * message, an interleaved ({@code $}-framed) binary frame, or the parser's one error result.
 *
 * <p>Dispatch with a {@code switch} over {@link #kind()}.
 */
public sealed interface RtspItem permits RtspMessage, InterleavedFrame, RtspError {

  /** The tag to switch on. */
  enum Kind {
    MESSAGE,
    INTERLEAVED,
    ERROR
  }

  Kind kind();
}
