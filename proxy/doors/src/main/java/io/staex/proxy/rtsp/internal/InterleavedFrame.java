package io.staex.proxy.rtsp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * An interleaved binary frame (RFC 2326 §10.12): {@code $}, a channel byte, a 16-bit length and
 * that many bytes of payload (an RTP or RTCP packet, by convention on even and odd channels).
 *
 * <pre>
 *   0        1         2                 4
 *   +--------+---------+-----------------+----------------------+
 *   |  0x24  | channel | length (u16 BE) | payload (length)     |
 *   +--------+---------+-----------------+----------------------+
 * </pre>
 *
 * <p>Ownership: the frame holds one reference to its payload. {@link RtspParser} hands out
 * payloads as retained slices of its input, without copying; whoever receives the frame must
 * {@link #release()} it (or pass it on), as with any {@link io.netty.buffer.ByteBufHolder}.
 */
public final class InterleavedFrame extends DefaultByteBufHolder implements RtspItem {
  /** Bytes before the payload. */
  public static final int HEADER_SIZE = 4;
  /** The largest payload a 16-bit length can announce. */
  public static final int MAX_PAYLOAD = 0xFFFF;

  private final int channel;

  /** A frame on {@code channel} (0~255) that takes over one reference to {@code payload}. */
  public InterleavedFrame(int channel, ByteBuf payload) {
    super(payload);
    if (channel < 0 || channel > 255 || payload.readableBytes() > MAX_PAYLOAD) {
      throw new IllegalArgumentException("channel: " + channel + ", payload: "
          + payload.readableBytes() + " bytes (expected: 0~255, at most " + MAX_PAYLOAD + ")");
    }
    this.channel = channel;
  }

  public int channel() {
    return channel;
  }

  @Override
  public Kind kind() {
    return Kind.INTERLEAVED;
  }

  @Override
  public InterleavedFrame replace(ByteBuf content) {
    return new InterleavedFrame(channel, content);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InterleavedFrame f && f.channel == channel && super.equals(o);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + channel;
  }

  @Override
  public String toString() {
    return "InterleavedFrame(channel " + channel + ", " + content().readableBytes() + " bytes)";
  }
}
