package io.staex.proxy.frame;

import static io.staex.proxy.frame.Decoding.bytesOf;
import static io.staex.proxy.frame.Decoding.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import io.staex.proxy.frame.SessionFrame.SessionClose;
import io.staex.proxy.frame.SessionFrame.SessionCookie;
import io.staex.proxy.frame.SessionFrame.SessionHello;
import io.staex.proxy.frame.SessionFrame.SessionRecord;
import io.staex.proxy.frame.SessionFrame.SessionWelcome;
import java.util.Arrays;
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

class SessionFrameCodecTest {
  static final long[] IDS = {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -1};

  @AfterContainer
  static void noBufferWasCollectedUnreleased() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  @Provide
  Arbitrary<SessionFrame> frames() {
    return FrameArbitraries.sessionFrames(false);
  }

  @Provide
  Arbitrary<SessionFrame> shortFrames() {
    return FrameArbitraries.sessionFrames(true);
  }

  static byte[] encoded(SessionFrame frame) {
    return bytesOf(out -> SessionFrameCodec.encode(frame, out));
  }

  static void assertRoundTrip(SessionFrame frame, long seed, int junk) {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    ByteBuf buf = alloc.buffer();
    try {
      buf.writeZero(junk).readerIndex(junk);
      SessionFrameCodec.encode(frame, buf);
      assertThat(buf.readableBytes()).isEqualTo(SessionFrameCodec.encodedSize(frame));
      assertThat(SessionFrameCodec.decode(buf)).isEqualTo(frame);
      assertThat(buf.isReadable()).isFalse();
    } catch (FrameDecodeException e) {
      throw new AssertionError(e);
    } finally {
      buf.release();
    }
    alloc.assertAllReleased();
  }

  @Property(tries = 300)
  void everySessionFrame_roundTrips(@ForAll("frames") SessionFrame frame, @ForAll long seed,
      @ForAll @IntRange(max = 8) int junk) {
    assertRoundTrip(frame, seed, junk);
  }

  @Example
  void everyType_roundTrips_withEdgeIdsAndSizes() {
    for (long id : IDS) {
      for (int size : new int[] {1, FrameLimits.MAX_SESSION_BODY}) {
        assertRoundTrip(new SessionHello(id, FrameBytes.copyOf(new byte[size])), id, 0);
        assertRoundTrip(new SessionWelcome(id, FrameBytes.copyOf(new byte[size])), id, 1);
      }
      for (int size : new int[] {FrameLimits.MIN_SESSION_RECORD, FrameLimits.MAX_SESSION_BODY}) {
        assertRoundTrip(new SessionRecord(id, FrameBytes.copyOf(new byte[size])), id, 2);
      }
      for (CloseReason reason : CloseReason.values()) {
        assertRoundTrip(new SessionClose(id, reason), id, 3);
      }
      assertRoundTrip(new SessionCookie(id, FrameBytes.copyOf(new byte[16])), id, 4);
      for (int size : new int[] {1, FrameLimits.MAX_SESSION_BODY - 16}) {
        assertRoundTrip(new SessionHello(id, FrameBytes.copyOf(new byte[size]),
            FrameBytes.copyOf(new byte[16])), id, 5);
      }
    }
  }

  @Example
  void cookieFrames_layoutAndBounds() {
    byte[] cookie = new byte[16];
    Arrays.fill(cookie, (byte) 7);
    byte[] raw = encoded(new SessionCookie(0x0102030405060708L, FrameBytes.copyOf(cookie)));
    assertThat(raw).hasSize(9 + 16);
    assertThat(Arrays.copyOf(raw, 9)).containsExactly(5, 1, 2, 3, 4, 5, 6, 7, 8);
    FrameDecodeException longer = failure(SessionFrameCodec::decode, Arrays.copyOf(raw, 26));
    assertThat(longer.reason()).isEqualTo(Reason.LENGTH);
    assertThat(longer).hasMessageContaining("cookie: 17 bytes (expected: 16)");
    assertThatThrownBy(() -> new SessionCookie(1, FrameBytes.copyOf(new byte[15])))
        .isInstanceOf(IllegalArgumentException.class);

    byte[] mac = new byte[16];
    Arrays.fill(mac, (byte) 9);
    SessionHello hello = new SessionHello(-1, FrameBytes.copyOf(new byte[] {42}),
        FrameBytes.copyOf(mac));
    assertThat(hello.type()).isEqualTo(SessionFrameType.HELLO_WITH_COOKIE);
    byte[] withMac = encoded(hello);
    assertThat(withMac).hasSize(9 + 16 + 1);
    assertThat(withMac[0]).isEqualTo((byte) 6);
    assertThat(withMac[9]).isEqualTo((byte) 9);
    assertThat(withMac[25]).isEqualTo((byte) 42);
    assertThat(new SessionHello(1, FrameBytes.copyOf(new byte[] {1})).type())
        .isEqualTo(SessionFrameType.HELLO);
    assertThatThrownBy(() -> new SessionHello(1, FrameBytes.copyOf(new byte[1]),
        FrameBytes.copyOf(new byte[8]))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SessionHello(1,
        FrameBytes.copyOf(new byte[FrameLimits.MAX_SESSION_BODY - 15]), FrameBytes.copyOf(mac)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void layout_isAsDrawn() {
    assertThat(encoded(new SessionClose(0x0102030405060708L, CloseReason.LIMIT)))
        .containsExactly(4, 1, 2, 3, 4, 5, 6, 7, 8, 4);
    byte[] record = encoded(new SessionRecord(-1, FrameBytes.copyOf(new byte[24])));
    assertThat(record).hasSize(9 + 24);
    assertThat(Arrays.copyOf(record, 9)).containsExactly(3, -1, -1, -1, -1, -1, -1, -1, -1);
    byte[] viaHeader = bytesOf(out -> {
      SessionFrameCodec.writeRecordHeader(-1, out);
      out.writeZero(24);
    });
    assertThat(viaHeader).isEqualTo(record);
  }

  @Property(tries = 1000)
  void arbitraryBytes_giveOnlyFrameDecodeException_andLeakNothing(@ForAll byte[] bytes) {
    Decoding.onlyOurException(SessionFrameCodec::decode, bytes, r -> r);
  }

  @Property(tries = 300)
  void damagedEncodings_giveOnlyFrameDecodeException(@ForAll("shortFrames") SessionFrame frame,
      @ForAll int where, @ForAll byte value, @ForAll @IntRange(min = -30, max = 30) int change) {
    byte[] bytes = encoded(frame);
    bytes[Math.floorMod(where, bytes.length)] = value;
    Decoding.onlyOurException(SessionFrameCodec::decode,
        Arrays.copyOf(bytes, Math.max(0, bytes.length + change)), r -> r);
  }

  @Property(tries = 100)
  void everyPrefix_shorterThanTheMinimum_isTruncated(@ForAll("shortFrames") SessionFrame frame) {
    // A session frame runs to the end of its packet, so only prefixes shorter than the type's
    // minimum are truncated; longer ones are shorter frames of the same type.
    byte[] full = encoded(frame);
    int min = switch (frame.type()) {
      case HELLO, WELCOME -> SessionFrameCodec.HEADER_SIZE + 1;
      case RECORD -> SessionFrameCodec.HEADER_SIZE + FrameLimits.MIN_SESSION_RECORD;
      case CLOSE -> SessionFrameCodec.CLOSE_SIZE;
      case COOKIE -> SessionFrameCodec.HEADER_SIZE + SessionFrame.COOKIE_SIZE;
      case HELLO_WITH_COOKIE -> SessionFrameCodec.HEADER_SIZE + SessionFrame.COOKIE_SIZE + 1;
    };
    for (int n = 0; n < full.length; n++) {
      byte[] prefix = Arrays.copyOf(full, n);
      if (n < min) {
        assertThat(failure(SessionFrameCodec::decode, prefix).reason())
            .as("prefix of %d bytes", n).isEqualTo(Reason.TRUNCATED);
      } else {
        Decoding.onlyOurException(SessionFrameCodec::decode, prefix, r -> {
          assertThat(((SessionFrame) r).type()).isEqualTo(frame.type());
          return r;
        });
      }
    }
  }

  @Example
  void recordOf23Bytes_refusedOnEncodeAndDecode() {
    FrameBytes tooShort = FrameBytes.copyOf(new byte[FrameLimits.MIN_SESSION_RECORD - 1]);
    assertThatThrownBy(() -> new SessionRecord(1, tooShort))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("23 bytes");
    byte[] raw = new byte[9 + 23];
    raw[0] = 3;
    FrameDecodeException e = failure(SessionFrameCodec::decode, raw);
    assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(e).hasMessageContaining("record at offset 9: 23 bytes (expected: at least 24)");
  }

  @Example
  void body_oneOverTheLimit_refusedOnEncodeAndDecode() {
    FrameBytes over = FrameBytes.copyOf(new byte[FrameLimits.MAX_SESSION_BODY + 1]);
    assertThatThrownBy(() -> new SessionHello(1, over)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SessionWelcome(1, over))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SessionRecord(1, over))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64433 bytes");
    assertThatThrownBy(() -> new SessionHello(1, FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    for (int type = 1; type <= 3; type++) {
      byte[] raw = new byte[FrameLimits.MAX_PACKET_PAYLOAD + 1];
      raw[0] = (byte) type;
      FrameDecodeException e = failure(SessionFrameCodec::decode, raw);
      assertThat(e.reason()).isEqualTo(Reason.LIMIT);
      assertThat(e).hasMessageContaining("64442 bytes (expected: at most 64441)");
    }
  }

  @Example
  void close_withTrailingBytes_refused() {
    byte[] raw = Arrays.copyOf(encoded(new SessionClose(1, CloseReason.CLOSED)), 11);
    FrameDecodeException e = failure(SessionFrameCodec::decode, raw);
    assertThat(e.reason()).isEqualTo(Reason.LENGTH);
    assertThat(e).hasMessageContaining("1 bytes after the reason");
  }

  @Example
  void unknownCodes_refused_namingTheCode() {
    Set<Integer> types = Arrays.stream(SessionFrameType.values())
        .map(SessionFrameType::code).collect(Collectors.toSet());
    Set<Integer> reasons = Arrays.stream(CloseReason.values())
        .map(CloseReason::code).collect(Collectors.toSet());
    IntStream.range(0, 256).forEach(code -> {
      if (!types.contains(code)) {
        byte[] raw = new byte[40];
        raw[0] = (byte) code;
        FrameDecodeException e = failure(SessionFrameCodec::decode, raw);
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CODE);
        assertThat(e).hasMessageContaining("unknown session frame type " + code + " ");
      }
      if (!reasons.contains(code)) {
        byte[] raw = new byte[10];
        raw[0] = 4;
        raw[9] = (byte) code;
        FrameDecodeException e = failure(SessionFrameCodec::decode, raw);
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CODE);
        assertThat(e).hasMessageContaining("unknown session close reason " + code + " ");
      }
    });
  }
}
