package io.staex.proxy.rtsp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/** Feeds bytes to an {@link RtspParser} in chunks from a pooled allocator, as a channel would. */
final class Splitting {
  private Splitting() {}

  /** Items and the chunks they came from. */
  record Split(List<RtspItem> items, List<ByteBuf> chunks) {
    /** Releases every item, then checks that no chunk is still referenced. */
    void release() {
      items.forEach(ReferenceCountUtil::release);
      chunks.forEach(c -> assertThat(c.refCnt()).as("a chunk still referenced").isZero());
    }

    /** The items' bytes; then releases as {@link #release()}. */
    byte[] encodeAndRelease() {
      ByteBuf out = Unpooled.buffer();
      items.forEach(item -> RtspEncoder.encode(item, out));
      release();
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    }
  }

  /** The items of {@code bytes} cut at {@code cuts} (offsets, any order, any range). */
  static Split split(RtspParser parser, byte[] bytes, List<Integer> cuts) {
    List<Integer> at = new ArrayList<>();
    cuts.forEach(c -> at.add(Math.floorMod(c, bytes.length + 1)));
    at.add(bytes.length);
    at.sort(null);
    List<RtspItem> items = new ArrayList<>();
    List<ByteBuf> chunks = new ArrayList<>();
    int from = 0;
    for (int to : at) {
      ByteBuf chunk = PooledByteBufAllocator.DEFAULT.buffer(to - from);
      chunk.writeBytes(bytes, from, to - from);
      chunks.add(chunk);
      parser.feed(chunk, items);
      from = to;
    }
    parser.release();
    return new Split(items, chunks);
  }

  static Split split(byte[] bytes, List<Integer> cuts) {
    return split(new RtspParser(), bytes, cuts);
  }

  static Split whole(String latin1) {
    return split(Captures.bytes(latin1), List.of());
  }

  static Split byteByByte(byte[] bytes) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = 1; i < bytes.length; i++) {
      cuts.add(i);
    }
    return split(bytes, cuts);
  }
}
