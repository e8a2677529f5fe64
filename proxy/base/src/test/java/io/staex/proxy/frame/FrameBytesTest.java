package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import net.jqwik.api.Example;

class FrameBytesTest {

  @Example
  void copiesInAndOut() {
    byte[] raw = {1, 2, 3};
    FrameBytes bytes = FrameBytes.copyOf(raw);
    raw[0] = 9;
    bytes.toByteArray()[1] = 9;
    assertThat(bytes.toByteArray()).containsExactly(1, 2, 3);
    assertThat(FrameBytes.copyOf(new byte[] {0, 1, 2, 3, 4}, 1, 3)).isEqualTo(bytes);
    byte[] dst = new byte[5];
    bytes.copyTo(dst, 2);
    assertThat(dst).containsExactly(0, 0, 1, 2, 3);
  }

  @Example
  void equality_isByContent() {
    assertThat(FrameBytes.copyOf(new byte[] {1, 2})).isEqualTo(FrameBytes.copyOf(new byte[] {1, 2}))
        .hasSameHashCodeAs(FrameBytes.copyOf(new byte[] {1, 2}))
        .isNotEqualTo(FrameBytes.copyOf(new byte[] {1, 3}));
    assertThat(FrameBytes.copyOf(new byte[0])).isEqualTo(FrameBytes.empty());
  }

  @Example
  void toString_neverShowsTheContents() {
    assertThat(FrameBytes.copyOf(new byte[] {0x41, 0x42})).hasToString("FrameBytes[2 bytes]");
  }

  @Example
  void buffers_areReadWithoutMovingTheirIndices() {
    TrackingAllocator alloc = new TrackingAllocator(true);
    ByteBuf buf = alloc.wrap(new byte[] {5, 6, 7});
    buf.readByte();
    assertThat(FrameBytes.copyOf(buf).toByteArray()).containsExactly(6, 7);
    assertThat(buf.readerIndex()).isEqualTo(1);
    FrameBytes.copyOf(new byte[] {8}).writeTo(buf);
    assertThat(buf.readableBytes()).isEqualTo(3);
    buf.release();
    alloc.assertAllReleased();
  }
}
