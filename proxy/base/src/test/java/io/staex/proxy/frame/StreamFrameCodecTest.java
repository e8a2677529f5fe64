package io.staex.proxy.frame;

import static io.staex.proxy.frame.Decoding.bytesOf;
import static io.staex.proxy.frame.Decoding.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import io.staex.proxy.frame.StreamFrame.Data;
import io.staex.proxy.frame.StreamFrame.Datagram;
import io.staex.proxy.frame.StreamFrame.Fin;
import io.staex.proxy.frame.StreamFrame.Open;
import io.staex.proxy.frame.StreamFrame.Reset;
import io.staex.proxy.frame.StreamFrame.Window;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

class StreamFrameCodecTest {
  static final long[] STREAM_IDS = {0, 1, 0x7FFF_FFFFL, 0x8000_0000L, StreamFrame.MAX_U32};
  static final int[] PORTS = {1, 80, 32769, 65535};

  @AfterContainer
  static void noBufferWasCollectedUnreleased() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  @Provide
  Arbitrary<StreamFrame> frames() {
    return FrameArbitraries.streamFrames(false);
  }

  @Provide
  Arbitrary<StreamFrame> shortFrames() {
    return FrameArbitraries.streamFrames(true);
  }

  @Provide
  Arbitrary<List<StreamFrame>> shortFrameLists() {
    return FrameArbitraries.streamFrames(true).list().ofMinSize(1).ofMaxSize(30);
  }

  static byte[] encoded(StreamFrame frame) {
    return bytesOf(out -> StreamFrameCodec.encode(frame, out));
  }

  static void assertRoundTrip(StreamFrame frame, long seed, int junk) {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    ByteBuf buf = alloc.buffer();
    try {
      buf.writeZero(junk).readerIndex(junk);
      StreamFrameCodec.encode(frame, buf);
      assertThat(buf.readableBytes()).isEqualTo(StreamFrameCodec.encodedSize(frame));
      assertThat(StreamFrameCodec.readFrame(buf)).isEqualTo(frame);
      assertThat(buf.isReadable()).isFalse();
      buf.readerIndex(junk);
      assertThat(StreamFrameCodec.decodeBatch(buf)).containsExactly(frame);
    } catch (FrameDecodeException e) {
      throw new AssertionError(e);
    } finally {
      buf.release();
    }
    alloc.assertAllReleased();
  }

  @Property(tries = 400)
  void everyStreamFrame_roundTrips(@ForAll("frames") StreamFrame frame, @ForAll long seed,
      @ForAll @IntRange(max = 8) int junk) {
    assertRoundTrip(frame, seed, junk);
  }

  @Property(tries = 100)
  void batches_roundTrip(@ForAll("shortFrameLists") List<StreamFrame> frames, @ForAll long seed)
      throws FrameDecodeException {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    ByteBuf batch = StreamFrameCodec.encodeBatch(alloc, frames);
    try {
      assertThat(StreamFrameCodec.decodeBatch(batch)).isEqualTo(frames);
    } finally {
      batch.release();
    }
    alloc.assertAllReleased();
  }

  @Example
  void edgeValues_roundTrip() {
    for (long id : STREAM_IDS) {
      for (int port : PORTS) {
        for (long window : new long[] {0, 1, 65536, StreamFrame.MAX_U32}) {
          assertRoundTrip(new Open(id, port, window), id + port, 0);
        }
      }
      for (int size : new int[] {0, 1, FrameLimits.MAX_STREAM_DATA}) {
        assertRoundTrip(new Data(id, FrameBytes.copyOf(new byte[size])), id, 1);
      }
      for (long credit : new long[] {1, StreamFrame.MAX_U32}) {
        assertRoundTrip(new Window(id, credit), id, 2);
      }
      assertRoundTrip(new Fin(id), id, 3);
      for (ResetReason reason : ResetReason.values()) {
        assertRoundTrip(new Reset(id, reason), id, 4);
      }
      for (int channel : new int[] {0, 1, 255, 256, 32769, 65535}) {
        for (int size : new int[] {0, 1, FrameLimits.MAX_DATAGRAM}) {
          assertRoundTrip(
              new Datagram(id, channel, FrameBytes.copyOf(new byte[size])), id + channel, 5);
        }
      }
    }
  }

  @Example
  void layout_isAsDrawn() {
    assertThat(encoded(new Open(0x01020304L, 554, 0xFFFF_FFFFL)))
        .containsExactly(1, 1, 2, 3, 4, 0x02, 0x2A, -1, -1, -1, -1);
    assertThat(encoded(new Data(StreamFrame.MAX_U32, FrameBytes.copyOf(new byte[] {7}))))
        .containsExactly(2, -1, -1, -1, -1, 0, 1, 7);
    assertThat(encoded(new Window(5, 1))).containsExactly(3, 0, 0, 0, 5, 0, 0, 0, 1);
    assertThat(encoded(new Fin(0))).containsExactly(4, 0, 0, 0, 0);
    assertThat(encoded(new Reset(2, ResetReason.NOT_ALLOWED))).containsExactly(5, 0, 0, 0, 2, 2);
    assertThat(encoded(new Datagram(0x01020304L, 65535, FrameBytes.copyOf(new byte[] {9}))))
        .containsExactly(6, 1, 2, 3, 4, -1, -1, 0, 1, 9);
  }

  @Property(tries = 1000)
  void arbitraryBytes_giveOnlyFrameDecodeException_andLeakNothing(@ForAll byte[] bytes) {
    Decoding.onlyOurException(StreamFrameCodec::decodeBatch, bytes, r -> r);
    Decoding.onlyOurException(StreamFrameCodec::readFrame, bytes, r -> r);
  }

  @Property(tries = 300)
  void damagedEncodings_giveOnlyFrameDecodeException(@ForAll("shortFrames") StreamFrame frame,
      @ForAll int where, @ForAll byte value, @ForAll @IntRange(min = -30, max = 30) int change) {
    byte[] bytes = encoded(frame);
    bytes[Math.floorMod(where, bytes.length)] = value;
    Decoding.onlyOurException(StreamFrameCodec::decodeBatch,
        Arrays.copyOf(bytes, Math.max(0, bytes.length + change)), r -> r);
  }

  @Property(tries = 100)
  void everyPrefix_ofAFrame_isTruncated(@ForAll("shortFrames") StreamFrame frame) {
    byte[] full = encoded(frame);
    for (int n = 0; n < full.length; n++) {
      byte[] prefix = Arrays.copyOf(full, n);
      assertThat(failure(StreamFrameCodec::readFrame, prefix).reason())
          .as("prefix of %d of %d bytes", n, full.length).isEqualTo(Reason.TRUNCATED);
      assertThat(failure(StreamFrameCodec::decodeBatch, prefix).reason())
          .isEqualTo(n == 0 ? Reason.LENGTH : Reason.TRUNCATED);
    }
  }

  @Example
  void data_oneOverTheLimit_refusedOnEncodeAndDecode() {
    int over = FrameLimits.MAX_STREAM_DATA + 1;
    assertThatThrownBy(() -> new Data(1, FrameBytes.copyOf(new byte[over])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(over + " bytes");
    byte[] raw = new byte[7 + over];
    raw[0] = 2;
    raw[5] = (byte) (over >> 8);
    raw[6] = (byte) over;
    FrameDecodeException e = failure(StreamFrameCodec::readFrame, raw);
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("data length: 64402 (expected: at most 64401)");
  }

  @Example
  void datagram_oneOverTheLimit_refusedOnEncodeAndDecode() {
    int over = FrameLimits.MAX_DATAGRAM + 1;
    assertThatThrownBy(() -> new Datagram(1, 0, FrameBytes.copyOf(new byte[over])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(over + " bytes");
    byte[] raw = new byte[StreamFrameCodec.DATAGRAM_HEADER_SIZE + over];
    raw[0] = 6;
    raw[7] = (byte) (over >> 8);
    raw[8] = (byte) over;
    FrameDecodeException e = failure(StreamFrameCodec::readFrame, raw);
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("data length: 64400 (expected: at most 64399)");
    // the largest one fills a record to the last byte
    Datagram full = new Datagram(1, 0, FrameBytes.copyOf(new byte[FrameLimits.MAX_DATAGRAM]));
    assertThat(StreamFrameCodec.encodedSize(full)).isEqualTo(FrameLimits.MAX_SESSION_PLAINTEXT);
  }

  @Example
  void batch_oneOverTheLimit_refusedOnEncodeAndDecode() throws FrameDecodeException {
    int max = FrameLimits.MAX_SESSION_PLAINTEXT;
    TrackingAllocator alloc = new TrackingAllocator(true);
    StreamFrame fullData = new Data(1, FrameBytes.copyOf(new byte[FrameLimits.MAX_STREAM_DATA]));
    ByteBuf full = StreamFrameCodec.encodeBatch(alloc, List.of(fullData));
    assertThat(full.readableBytes()).isEqualTo(max);
    assertThat(StreamFrameCodec.decodeBatch(full)).containsExactly(fullData);
    full.release();
    // A DATA frame and a 5-byte FIN that make max + 1 bytes.
    int dataSize = max + 1 - StreamFrameCodec.FIN_SIZE - StreamFrameCodec.DATA_HEADER_SIZE;
    List<StreamFrame> over =
        List.of(new Data(1, FrameBytes.copyOf(new byte[dataSize])), new Fin(1));
    assertThat(over.stream().mapToInt(StreamFrameCodec::encodedSize).sum()).isEqualTo(max + 1);
    int before = alloc.allocations();
    assertThatThrownBy(() -> StreamFrameCodec.encodeBatch(alloc, over))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining((max + 1) + " bytes");
    assertThatThrownBy(() -> StreamFrameCodec.encodeBatch(alloc, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(alloc.allocations()).isEqualTo(before);
    alloc.assertAllReleased();
    byte[] raw = bytesOf(out -> over.forEach(f -> StreamFrameCodec.encode(f, out)));
    FrameDecodeException e = failure(StreamFrameCodec::decodeBatch, raw);
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("64409 bytes (expected: at most 64408)");
    assertThat(failure(StreamFrameCodec::decodeBatch, new byte[0]).reason())
        .isEqualTo(Reason.LENGTH);
  }

  @Example
  void valuesOutsideTheirFields_refused() {
    assertThatThrownBy(() -> new Open(1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port: 0 (expected: 1~65535)");
    assertThatThrownBy(() -> new Open(1, 65536, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Open(-1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Open(1L << 32, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream id");
    assertThatThrownBy(() -> new Open(1, 1, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Window(1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("credit: 0");
    assertThatThrownBy(() -> new Window(1, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Fin(1L << 32)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Datagram(1, 65536, FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel: 65536 (expected: 0~65535)");
    assertThatThrownBy(() -> new Datagram(1, -1, FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Datagram(1L << 32, 0, FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream id");
    assertThatThrownBy(() -> new Datagram(-1, 0, FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class);

    FrameDecodeException port = failure(StreamFrameCodec::readFrame, new byte[11]);
    assertThat(port.reason()).isEqualTo(Reason.UNKNOWN_CODE); // type 0
    byte[] open = encoded(new Open(1, 1, 0));
    open[5] = 0;
    open[6] = 0;
    FrameDecodeException zeroPort = failure(StreamFrameCodec::readFrame, open);
    assertThat(zeroPort.reason()).isEqualTo(Reason.INVALID);
    assertThat(zeroPort).hasMessageContaining("port: 0");
    byte[] window = encoded(new Window(1, 1));
    window[8] = 0;
    assertThat(failure(StreamFrameCodec::readFrame, window).reason()).isEqualTo(Reason.INVALID);
  }

  @Example
  void unknownCodes_refused_namingTheCode() {
    Set<Integer> types = Arrays.stream(StreamFrameType.values())
        .map(StreamFrameType::code).collect(Collectors.toSet());
    Set<Integer> reasons = Arrays.stream(ResetReason.values())
        .map(ResetReason::code).collect(Collectors.toSet());
    IntStream.range(0, 256).forEach(code -> {
      if (!types.contains(code)) {
        byte[] raw = new byte[20];
        raw[0] = (byte) code;
        FrameDecodeException e = failure(StreamFrameCodec::readFrame, raw);
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CODE);
        assertThat(e).hasMessageContaining("unknown stream frame type " + code + " ");
      }
      if (!reasons.contains(code)) {
        byte[] raw = {5, 0, 0, 0, 1, (byte) code};
        FrameDecodeException e = failure(StreamFrameCodec::readFrame, raw);
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CODE);
        assertThat(e).hasMessageContaining("unknown stream reset reason " + code + " ");
      }
    });
  }
}
