package io.staex.proxy.frame;

import static io.staex.proxy.frame.Decoding.bytesOf;
import static io.staex.proxy.frame.Decoding.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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

class LinkFrameCodecTest {
  static final NodeKey A = key(1);
  static final NodeKey B = key(2);
  static final NodeKey C = key(3);

  @AfterContainer
  static void noBufferWasCollectedUnreleased() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  static NodeKey key(int fill) {
    byte[] k = new byte[NodeKey.SIZE];
    Arrays.fill(k, (byte) fill);
    return NodeKey.copyOf(k);
  }

  static List<NodeKey> hops(int n, NodeKey last) {
    List<NodeKey> route = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      route.add(key(100 + i));
    }
    if (n > 0) {
      route.add(last);
    }
    return route;
  }

  static byte[] encoded(LinkFrame frame) {
    return bytesOf(out -> LinkFrameCodec.encode(frame, out));
  }

  // ---- round trips ----

  @Provide
  Arbitrary<LinkFrame.Routing> routings() {
    return FrameArbitraries.routings(false);
  }

  @Provide
  Arbitrary<LinkFrame.Packet> packets() {
    return FrameArbitraries.packets(false);
  }

  @Provide
  Arbitrary<LinkFrame.Unreachable> unreachables() {
    return FrameArbitraries.unreachables();
  }

  @Provide
  Arbitrary<LinkFrame> shortFrames() {
    return FrameArbitraries.linkFrames(true);
  }

  @Provide
  Arbitrary<List<LinkFrame>> shortFrameLists() {
    return FrameArbitraries.linkFrames(true).list().ofMinSize(1).ofMaxSize(20);
  }

  @Example
  void keepalive_roundTrips() {
    assertRoundTrip(new LinkFrame.Keepalive(), 0, 0);
    assertRoundTrip(new LinkFrame.Keepalive(), 1, 3);
  }

  @Property(tries = 200)
  void routing_roundTrips(@ForAll("routings") LinkFrame.Routing frame, @ForAll long seed,
      @ForAll @IntRange(max = 8) int junk) {
    assertRoundTrip(frame, seed, junk);
  }

  @Property(tries = 200)
  void packet_roundTrips(@ForAll("packets") LinkFrame.Packet frame, @ForAll long seed,
      @ForAll @IntRange(max = 8) int junk) {
    assertRoundTrip(frame, seed, junk);
  }

  @Property(tries = 200)
  void unreachable_roundTrips(@ForAll("unreachables") LinkFrame.Unreachable frame,
      @ForAll long seed, @ForAll @IntRange(max = 8) int junk) {
    assertRoundTrip(frame, seed, junk);
  }

  /** Encodes after {@code junk} bytes already read, decodes with readFrame and decodeRecord. */
  static void assertRoundTrip(LinkFrame frame, long seed, int junk) {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    ByteBuf buf = alloc.buffer();
    try {
      buf.writeZero(junk).readerIndex(junk);
      LinkFrameCodec.encode(frame, buf);
      assertThat(buf.readableBytes()).isEqualTo(LinkFrameCodec.encodedSize(frame));
      assertThat(LinkFrameCodec.peekType(buf)).isEqualTo(frame.type());
      assertThat(buf.readerIndex()).isEqualTo(junk);
      LinkFrame decoded = LinkFrameCodec.readFrame(buf);
      assertThat(decoded).isEqualTo(frame);
      assertThat(buf.isReadable()).isFalse();
      buf.readerIndex(junk);
      assertThat(LinkFrameCodec.decodeRecord(buf)).containsExactly(frame);
      assertThat(buf.isReadable()).isFalse();
    } catch (FrameDecodeException e) {
      throw new AssertionError(e);
    } finally {
      buf.release();
    }
    alloc.assertAllReleased();
  }

  @Property(tries = 100)
  void record_ofSeveralFrames_roundTrips(
      @ForAll("shortFrameLists") List<LinkFrame> frames,
      @ForAll long seed) throws FrameDecodeException {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    ByteBuf record = LinkFrameCodec.encodeRecord(alloc, frames);
    try {
      assertThat(record.readableBytes())
          .isEqualTo(frames.stream().mapToInt(LinkFrameCodec::encodedSize).sum());
      assertThat(LinkFrameCodec.decodeRecord(record)).isEqualTo(frames);
    } finally {
      record.release();
    }
    alloc.assertAllReleased();
  }

  // ---- arbitrary and damaged input ----

  @Property(tries = 1000)
  void arbitraryBytes_giveOnlyFrameDecodeException_andLeakNothing(@ForAll byte[] bytes) {
    Decoding.onlyOurException(LinkFrameCodec::decodeRecord, bytes, r -> r);
    Decoding.onlyOurException(LinkFrameCodec::readFrame, bytes, r -> r);
    Decoding.onlyOurException(LinkFrameCodec::peekType, bytes, r -> r);
    Decoding.onlyOurException(LinkFrameCodec::readPacket, bytes,
        r -> ((EncodedPacket) r).release());
  }

  @Property(tries = 500)
  void damagedEncodings_giveOnlyFrameDecodeException_andLeakNothing(
      @ForAll("shortFrames") LinkFrame frame, @ForAll int where, @ForAll byte value,
      @ForAll @IntRange(min = -40, max = 40) int lengthChange) {
    byte[] bytes = encoded(frame);
    bytes[Math.floorMod(where, bytes.length)] = value;
    bytes = Arrays.copyOf(bytes, Math.max(0, bytes.length + lengthChange));
    Decoding.onlyOurException(LinkFrameCodec::decodeRecord, bytes, r -> r);
    Decoding.onlyOurException(LinkFrameCodec::readPacket, bytes,
        r -> ((EncodedPacket) r).release());
  }

  @Property(tries = 100)
  void everyPrefix_ofAFrame_isTruncated(@ForAll("shortFrames") LinkFrame frame) {
    byte[] full = encoded(frame);
    for (int n = 0; n < full.length; n++) {
      byte[] prefix = Arrays.copyOf(full, n);
      assertThat(failure(LinkFrameCodec::readFrame, prefix).reason())
          .as("prefix of %d of %d bytes", n, full.length).isEqualTo(Reason.TRUNCATED);
      assertThat(failure(LinkFrameCodec::decodeRecord, prefix).reason())
          .isEqualTo(n == 0 ? Reason.LENGTH : Reason.TRUNCATED);
      if (frame.type() == LinkFrameType.PACKET) {
        assertThat(failure(LinkFrameCodec::readPacket, prefix).reason())
            .isEqualTo(Reason.TRUNCATED);
      }
    }
  }

  @Example
  void hugeDeclaredLengths_allocateNoMoreThanTheInput() {
    byte[] packet = rawPacket(1, 1, A, B, hops(FrameLimits.MAX_ROUTE_HOPS, A),
        FrameLimits.MAX_PACKET_PAYLOAD, 0);
    byte[] routing = {2, 0, (byte) 0xFF, (byte) 0xFB};
    for (byte[] bytes : List.of(packet, routing)) {
      // Not leak-aware: paranoid detection records a stack trace at every access.
      ByteBuf in = Unpooled.wrappedBuffer(bytes);
      for (int i = 0; i < 3; i++) { // the first call may load classes
        in.readerIndex(0);
        long allocated = Decoding.allocatedBy(LinkFrameCodec::decodeRecord, in);
        if (i == 2) {
          assertThat(allocated).as("bytes allocated decoding %d bytes", bytes.length)
              .isLessThan(8L * bytes.length + 4096);
        }
      }
      in.release();
    }
  }

  // ---- edge values ----

  @Example
  void packet_edgeValues_roundTrip() {
    int max = FrameLimits.MAX_PACKET_PAYLOAD;
    for (int ttl : new int[] {0, 1, 32, 255}) {
      for (int flags : new int[] {0, 1, 255}) {
        for (int n : new int[] {0, 1, FrameLimits.MAX_ROUTE_HOPS}) {
          for (int size : new int[] {0, 1, max}) {
            LinkFrame.Packet p = new LinkFrame.Packet(
                ttl, flags, A, B, hops(n, A), FrameBytes.copyOf(new byte[size]));
            assertRoundTrip(p, ttl + n, 0);
          }
        }
      }
    }
  }

  @Example
  void unreachable_edgeValues_roundTrip() {
    for (UnreachableReason reason : UnreachableReason.values()) {
      for (int ttl : new int[] {0, 255}) {
        for (int n : new int[] {0, 1, FrameLimits.MAX_ROUTE_HOPS}) {
          assertRoundTrip(new LinkFrame.Unreachable(ttl, reason, A, B, hops(n, A)), n, 1);
        }
      }
    }
  }

  @Example
  void routing_edgeValues_roundTrip() {
    for (int size : new int[] {1, FrameLimits.MAX_ROUTING_CHUNK}) {
      for (boolean more : new boolean[] {false, true}) {
        assertRoundTrip(new LinkFrame.Routing(more, FrameBytes.copyOf(new byte[size])), size, 0);
      }
    }
  }

  @Example
  void layout_isAsDrawn() {
    LinkFrame.Packet p = new LinkFrame.Packet(
        7, 0x80, A, B, List.of(C, A), FrameBytes.copyOf(new byte[] {9, 8, 7}));
    byte[] b = encoded(p);
    assertThat(b).hasSize(71 + 64 + 3);
    assertThat(Arrays.copyOfRange(b, 0, 4)).containsExactly(3, 1, 7, 0x80);
    assertThat(Arrays.copyOfRange(b, 4, 36)).isEqualTo(A.toByteArray());
    assertThat(Arrays.copyOfRange(b, 36, 68)).isEqualTo(B.toByteArray());
    assertThat(b[68]).isEqualTo((byte) 2);
    assertThat(Arrays.copyOfRange(b, 69, 101)).isEqualTo(C.toByteArray());
    assertThat(Arrays.copyOfRange(b, 133, 138)).containsExactly(0, 3, 9, 8, 7);
    byte[] u = encoded(new LinkFrame.Unreachable(5, UnreachableReason.TTL_EXPIRED, A, B, List.of()));
    assertThat(u).hasSize(70);
    assertThat(Arrays.copyOfRange(u, 0, 4)).containsExactly(4, 1, 5, 2);
    assertThat(Arrays.copyOfRange(u, 4, 36)).isEqualTo(A.toByteArray());
    assertThat(u[69]).isEqualTo((byte) 0);
    byte[] q = encoded(new LinkFrame.Unreachable(5, UnreachableReason.TTL_EXPIRED, A, B,
        List.of(), FrameBytes.copyOf(new byte[] {3, 7, 9})));
    assertThat(q).hasSize(73);
    assertThat(Arrays.copyOfRange(q, 69, 73)).containsExactly(3, 3, 7, 9);
    assertThat(encoded(new LinkFrame.Routing(true, FrameBytes.copyOf(new byte[] {5}))))
        .containsExactly(2, 1, 0, 1, 5);
    assertThat(encoded(new LinkFrame.Keepalive())).containsExactly(1);
  }

  // ---- limits ----

  @Example
  void linkRecord_limit_refusedOnEncodeAndDecode() throws FrameDecodeException {
    int max = FrameLimits.MAX_LINK_RECORD_PLAINTEXT;
    TrackingAllocator alloc = new TrackingAllocator(true);
    List<LinkFrame> full = Collections.nCopies(max, new LinkFrame.Keepalive());
    ByteBuf record = LinkFrameCodec.encodeRecord(alloc, full);
    assertThat(record.readableBytes()).isEqualTo(max);
    assertThat(LinkFrameCodec.decodeRecord(record)).hasSize(max);
    record.release();

    List<LinkFrame> over = Collections.nCopies(max + 1, new LinkFrame.Keepalive());
    int before = alloc.allocations();
    assertThatThrownBy(() -> LinkFrameCodec.encodeRecord(alloc, over))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65537 bytes");
    assertThat(alloc.allocations()).as("nothing allocated for a refused record").isEqualTo(before);
    assertThatThrownBy(() -> LinkFrameCodec.encodeRecord(alloc, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    alloc.assertAllReleased();

    byte[] keepalives = new byte[max + 1];
    Arrays.fill(keepalives, (byte) 1);
    FrameDecodeException e = failure(LinkFrameCodec::decodeRecord, keepalives);
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("65537 bytes (expected: at most 65536)");
  }

  @Example
  void largestPacket_fillsALinkRecordExactly() throws FrameDecodeException {
    LinkFrame.Packet p = new LinkFrame.Packet(255, 0, A, B, hops(FrameLimits.MAX_ROUTE_HOPS, A),
        FrameBytes.copyOf(new byte[FrameLimits.MAX_PACKET_PAYLOAD]));
    TrackingAllocator alloc = new TrackingAllocator(false);
    ByteBuf record = LinkFrameCodec.encodeRecord(alloc, List.of(p));
    assertThat(record.readableBytes()).isEqualTo(FrameLimits.MAX_LINK_RECORD_PLAINTEXT);
    assertThat(LinkFrameCodec.decodeRecord(record)).containsExactly(p);
    record.release();
    alloc.assertAllReleased();
  }

  @Example
  void packetPayload_oneOver_refusedOnEncodeAndDecode() {
    FrameBytes over = FrameBytes.copyOf(new byte[FrameLimits.MAX_PACKET_PAYLOAD + 1]);
    assertThatThrownBy(() -> new LinkFrame.Packet(1, 0, A, B, List.of(), over))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64442 bytes");
    assertThatThrownBy(() -> new PacketHeader(1, 0, A, B, List.of(), 64442))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] raw = rawPacket(1, 1, A, B, List.of(), 64442, 64442);
    FrameDecodeException e = failure(LinkFrameCodec::readFrame, raw);
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("payload length: 64442 (expected: at most 64441)");
    assertThat(failure(LinkFrameCodec::readPacket, raw).reason()).isEqualTo(Reason.LIMIT);
  }

  @Example
  void unreachableQuote_oneOver_refusedOnEncodeAndDecode_andTruncatedRefused() {
    FrameBytes over = FrameBytes.copyOf(new byte[FrameLimits.MAX_UNREACHABLE_QUOTE + 1]);
    assertThatThrownBy(
        () -> new LinkFrame.Unreachable(1, UnreachableReason.NO_ROUTE, A, B, List.of(), over))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quote: 49 bytes");
    byte[] full = encoded(new LinkFrame.Unreachable(1, UnreachableReason.NO_ROUTE, A, B,
        List.of(), FrameBytes.copyOf(new byte[FrameLimits.MAX_UNREACHABLE_QUOTE])));
    byte[] raw = Arrays.copyOf(full, full.length + 1);
    raw[LinkFrameCodec.ROUTED_PREFIX_SIZE] = (byte) (FrameLimits.MAX_UNREACHABLE_QUOTE + 1);
    FrameDecodeException e = failure(LinkFrameCodec::readFrame, raw);
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("quote length: 49 (expected: at most 48)");
    byte[] cut = Arrays.copyOf(full, full.length - 1);
    assertThat(failure(LinkFrameCodec::readFrame, cut).reason()).isEqualTo(Reason.TRUNCATED);
  }

  @Example
  void routeHops_oneOver_refusedOnEncodeAndDecode() {
    List<NodeKey> over = hops(FrameLimits.MAX_ROUTE_HOPS + 1, A);
    assertThatThrownBy(() -> new LinkFrame.Packet(1, 0, A, B, over, FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33 hops");
    assertThatThrownBy(() -> new LinkFrame.Unreachable(1, UnreachableReason.NO_ROUTE, A, B, over))
        .isInstanceOf(IllegalArgumentException.class);
    FrameDecodeException e = failure(LinkFrameCodec::readFrame, rawPacket(1, 1, A, B, over, 0, 0));
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("route hops: 33 (expected: at most 32)");
  }

  @Example
  void routingChunk_oneOver_refusedOnEncodeAndDecode() {
    int over = FrameLimits.MAX_ROUTING_CHUNK + 1;
    assertThatThrownBy(() -> new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[over])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinkFrame.Routing(false, FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] raw = new byte[4 + over];
    raw[0] = 2;
    raw[2] = (byte) (over >> 8);
    raw[3] = (byte) over;
    assertThat(failure(LinkFrameCodec::readFrame, raw).reason()).isEqualTo(Reason.LIMIT);
    assertThat(failure(LinkFrameCodec::readFrame, new byte[] {2, 0, 0, 0}).reason())
        .isEqualTo(Reason.INVALID);
  }

  @Example
  void ttlAndFlags_outsideAByte_refused() {
    assertThatThrownBy(() -> new LinkFrame.Packet(256, 0, A, B, List.of(), FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl: 256");
    assertThatThrownBy(() -> new LinkFrame.Packet(-1, 0, A, B, List.of(), FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinkFrame.Packet(1, 256, A, B, List.of(), FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flags: 256");
  }

  // ---- codes, version, consistency ----

  @Example
  void unknownTypeCodes_refused_namingTheCode() {
    Set<Integer> known = Arrays.stream(LinkFrameType.values())
        .map(LinkFrameType::code).collect(Collectors.toSet());
    IntStream.range(0, 256).filter(c -> !known.contains(c)).forEach(code -> {
      byte[] raw = new byte[80];
      raw[0] = (byte) code;
      FrameDecodeException e = failure(LinkFrameCodec::readFrame, raw);
      assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CODE);
      assertThat(e).hasMessageContaining("unknown link frame type " + code + " ");
      assertThat(failure(LinkFrameCodec::peekType, raw).reason()).isEqualTo(Reason.UNKNOWN_CODE);
      assertThat(failure(LinkFrameCodec::decodeRecord, raw))
          .hasMessageContaining("frame 0 at offset 0");
    });
  }

  @Example
  void unknownUnreachableReason_refused_namingTheCode() {
    byte[] raw = encoded(new LinkFrame.Unreachable(1, UnreachableReason.NO_ROUTE, A, B, List.of()));
    raw[3] = 99;
    FrameDecodeException e = failure(LinkFrameCodec::readFrame, raw);
    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CODE);
    assertThat(e).hasMessageContaining("unknown unreachable reason 99");
  }

  @Example
  void otherVersions_refused() {
    for (int version : new int[] {0, 2, 255}) {
      byte[] raw = rawPacket(version, 1, A, B, List.of(), 0, 0);
      FrameDecodeException e = failure(LinkFrameCodec::readFrame, raw);
      assertThat(e.reason()).isEqualTo(Reason.VERSION);
      assertThat(e).hasMessageContaining("version " + version + " (expected: 1)");
      byte[] u = encoded(new LinkFrame.Unreachable(1, UnreachableReason.NO_ROUTE, A, B, List.of()));
      u[1] = (byte) version;
      assertThat(failure(LinkFrameCodec::readFrame, u).reason()).isEqualTo(Reason.VERSION);
    }
  }

  @Example
  void routeNotEndingAtItsTarget_refused() {
    assertThatThrownBy(() -> new LinkFrame.Packet(1, 0, A, B, List.of(C), FrameBytes.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last hop");
    assertThatThrownBy(
        () -> new LinkFrame.Unreachable(1, UnreachableReason.NO_ROUTE, A, B, List.of(B)))
        .isInstanceOf(IllegalArgumentException.class);
    FrameDecodeException e =
        failure(LinkFrameCodec::readFrame, rawPacket(1, 1, A, B, List.of(C), 0, 0));
    assertThat(e.reason()).isEqualTo(Reason.INVALID);
    assertThat(e).hasMessageContaining("last hop");
  }

  @Example
  void routingFlags_otherThanMore_refused() {
    FrameDecodeException e = failure(LinkFrameCodec::readFrame, new byte[] {2, 2, 0, 1, 0});
    assertThat(e.reason()).isEqualTo(Reason.INVALID);
    assertThat(e).hasMessageContaining("flags: 0x2");
  }

  @Example
  void emptyRecord_refused() {
    assertThat(failure(LinkFrameCodec::decodeRecord, new byte[0]).reason())
        .isEqualTo(Reason.LENGTH);
  }

  @Example
  void failureInALaterFrame_namesItsOffset() {
    byte[] raw = {1, 1, 2, 0, 0, 0};
    FrameDecodeException e = failure(LinkFrameCodec::decodeRecord, raw);
    assertThat(e).hasMessageContaining("frame 2 at offset 2");
  }

  @Example
  void toString_showsNoPayloadBytes() {
    LinkFrame.Packet p = new LinkFrame.Packet(
        1, 0, A, B, List.of(), FrameBytes.copyOf(new byte[] {0x5A, 0x5A, 0x5A, 0x5A}));
    assertThat(p.toString()).contains("FrameBytes[4 bytes]").doesNotContain("5a5a");
  }

  /** A PACKET frame written field by field, declaring one payload length and carrying another. */
  static byte[] rawPacket(int version, int ttl, NodeKey dst, NodeKey src, List<NodeKey> route,
      int declaredLength, int actualLength) {
    return bytesOf(out -> {
      out.writeByte(3).writeByte(version).writeByte(ttl).writeByte(0);
      dst.writeTo(out);
      src.writeTo(out);
      out.writeByte(route.size());
      route.forEach(k -> k.writeTo(out));
      out.writeShort(declaredLength);
      out.writeZero(actualLength);
    });
  }
}
