package io.staex.proxy.rtsp.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link RtspItem}s back to bytes. A message that no wither changed comes out exactly
 * as {@link RtspParser} read it. Never releases what it writes.
 */
public final class RtspEncoder {
  private RtspEncoder() {}

  /** Appends {@code item} to {@code out}; an {@link RtspError} has no bytes and is refused. */
  public static void encode(RtspItem item, ByteBuf out) {
    switch (item.kind()) {
      case MESSAGE -> encode((RtspMessage) item, out);
      case INTERLEAVED -> encode((InterleavedFrame) item, out);
      case ERROR -> throw new IllegalArgumentException("an RtspError has no bytes: " + item);
      default -> throw new AssertionError(item.kind());
    }
  }

  public static void encode(RtspMessage message, ByteBuf out) {
    out.writeCharSequence(message.text(), StandardCharsets.ISO_8859_1);
  }

  /** Header and payload; the payload's reader index does not move. */
  public static void encode(InterleavedFrame frame, ByteBuf out) {
    ByteBuf payload = frame.content();
    writeHeader(frame.channel(), payload.readableBytes(), out);
    out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
  }

  /** Only the 4 header bytes, for writing the payload separately (e.g. in a composite). */
  public static void writeHeader(int channel, int length, ByteBuf out) {
    out.writeByte('$').writeByte(channel).writeShort(length);
  }
}
