package io.staex.proxy.rtsp.internal;

/**
 * How large an RTSP message may be before {@link RtspParser} gives up on the stream.
 *
 * @param maxHead bytes of start line, headers and the empty line that ends them
 * @param maxBody bytes of body, as announced by Content-Length (an SDP description is ~1 KiB)
 */
public record RtspLimits(int maxHead, int maxBody) {
  /** 16 KiB of head, 64 KiB of body. */
  public static final RtspLimits DEFAULT = new RtspLimits(16 * 1024, 64 * 1024);

  public RtspLimits {
    if (maxHead < 1 || maxBody < 0) {
      throw new IllegalArgumentException(
          "maxHead: " + maxHead + ", maxBody: " + maxBody + " (expected: >= 1, >= 0)");
    }
  }
}
