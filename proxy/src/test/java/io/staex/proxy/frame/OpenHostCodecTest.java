package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenHostCodecTest {
  @Test
  void roundTrips_andHasItsSize() throws Exception {
    StreamFrame.OpenHost o = new StreamFrame.OpenHost(7, "example.com", 443, 65536);
    ByteBuf b = Unpooled.buffer();
    try {
      StreamFrameCodec.encode(o, b);
      assertThat(b.readableBytes()).isEqualTo(12 + 11).isEqualTo(StreamFrameCodec.encodedSize(o));
      assertThat(StreamFrameCodec.decodeBatch(b)).isEqualTo(List.of(o));
    } finally {
      b.release();
    }
  }

  @Test
  void hostileHosts_areDecodeErrors() {
    for (byte[] host : List.of(new byte[0], "a b".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "a\u0000b".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        new byte[] {(byte) 0xC3, (byte) 0xA9}, "x/y".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      ByteBuf b = Unpooled.buffer();
      try {
        b.writeByte(7).writeInt(1).writeShort(80).writeInt(1000).writeByte(host.length)
            .writeBytes(host);
        assertThatThrownBy(() -> StreamFrameCodec.decodeBatch(b))
            .isInstanceOf(FrameDecodeException.class).hasMessageContaining("host");
      } finally {
        b.release();
      }
    }
    // a length beyond the bytes there
    ByteBuf b = Unpooled.buffer();
    try {
      b.writeByte(7).writeInt(1).writeShort(80).writeInt(1000).writeByte(200).writeBytes(new byte[3]);
      assertThatThrownBy(() -> StreamFrameCodec.decodeBatch(b))
          .isInstanceOf(FrameDecodeException.class);
    } finally {
      b.release();
    }
    assertThatThrownBy(() -> new StreamFrame.OpenHost(1, "a".repeat(256), 80, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
