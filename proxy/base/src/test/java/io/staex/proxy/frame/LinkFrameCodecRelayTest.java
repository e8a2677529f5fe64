package io.staex.proxy.frame;

import static io.staex.proxy.frame.LinkFrameCodecTest.A;
import static io.staex.proxy.frame.LinkFrameCodecTest.B;
import static io.staex.proxy.frame.LinkFrameCodecTest.C;
import static io.staex.proxy.frame.LinkFrameCodecTest.hops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/** The relay's operations on encoded packets: read without copying, forward, reroute. */
class LinkFrameCodecRelayTest {

  @AfterContainer
  static void noBufferWasCollectedUnreleased() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  @Provide
  Arbitrary<LinkFrame.Packet> packets() {
    return FrameArbitraries.packets(false);
  }

  @Provide
  Arbitrary<List<NodeKey>> hopLists() {
    return FrameArbitraries.hopLists();
  }

  /** A link record holding a keepalive, then {@code p}, then a keepalive; reader at {@code p}. */
  static ByteBuf recordAroundPacket(TrackingAllocator alloc, LinkFrame.Packet p)
      throws FrameDecodeException {
    boolean room = LinkFrameCodec.encodedSize(p) + 2 <= FrameLimits.MAX_LINK_RECORD_PLAINTEXT;
    LinkFrame.Keepalive k = new LinkFrame.Keepalive();
    ByteBuf record = LinkFrameCodec.encodeRecord(alloc, room ? List.of(k, p, k) : List.of(p));
    if (room) {
      LinkFrameCodec.readFrame(record);
    }
    return record;
  }

  static LinkFrame decodeContent(EncodedPacket packet) throws FrameDecodeException {
    ByteBuf frame = packet.content().duplicate();
    LinkFrame decoded = LinkFrameCodec.readFrame(frame);
    assertThat(frame.isReadable()).isFalse();
    return decoded;
  }

  @Property(tries = 200)
  void readPacket_givesHeaderAndPayloadWithoutCopying(
      @ForAll("packets") LinkFrame.Packet p, @ForAll long seed) throws FrameDecodeException {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    ByteBuf record = recordAroundPacket(alloc, p);
    int start = record.readerIndex();
    EncodedPacket packet = LinkFrameCodec.readPacket(record);
    assertThat(record.readerIndex()).isEqualTo(start + p.header().frameSize());
    assertThat(packet.header()).isEqualTo(p.header());
    assertThat(ByteBufUtil.getBytes(packet.payload())).isEqualTo(p.payload().toByteArray());
    assertThat(record.refCnt()).as("the packet holds its own reference").isEqualTo(2);
    // Same memory: writing through the record shows in the payload slice.
    if (p.payload().size() > 0) {
      int at = start + p.header().size();
      record.setByte(at, ~record.getByte(at));
      assertThat(packet.payload().getByte(0)).isEqualTo(record.getByte(at));
    }
    if (record.isReadable()) {
      assertThat(LinkFrameCodec.readFrame(record)).isEqualTo(new LinkFrame.Keepalive());
    }
    record.release();
    assertThat(packet.refCnt()).isEqualTo(1);
    packet.release();
    alloc.assertAllReleased();
  }

  @Property(tries = 200)
  void forwardInPlace_isForwarded_withThePayloadUntouched(
      @ForAll("packets") LinkFrame.Packet p, @ForAll long seed) throws FrameDecodeException {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    ByteBuf record = recordAroundPacket(alloc, p);
    EncodedPacket packet = LinkFrameCodec.readPacket(record);
    record.release();
    if (p.ttl() == 0) {
      byte[] before = ByteBufUtil.getBytes(packet.content());
      assertThatThrownBy(() -> LinkFrameCodec.forwardInPlace(packet))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("ttl 0");
      assertThat(ByteBufUtil.getBytes(packet.content())).isEqualTo(before);
      packet.release();
    } else {
      int payloadIndex = packet.content().readerIndex() + packet.header().size();
      EncodedPacket next = LinkFrameCodec.forwardInPlace(packet);
      assertThat(next.header()).isEqualTo(p.forwarded().header());
      assertThat(decodeContent(next)).isEqualTo(p.forwarded());
      assertThat(ByteBufUtil.getBytes(next.payload())).isEqualTo(p.payload().toByteArray());
      assertThat(next.content()).isSameAs(packet.content());
      assertThat(next.content().readerIndex() + next.header().size())
          .as("payload did not move").isEqualTo(payloadIndex);
      if (p.payload().size() > 0) { // same memory: a write to the frame shows in the payload
        next.content().setByte(payloadIndex, ~next.content().getByte(payloadIndex));
        assertThat(next.payload().getByte(0)).isNotEqualTo(p.payload().toByteArray()[0]);
      }
      next.release();
    }
    alloc.assertAllReleased();
  }

  @Example
  void forwardInPlace_alongAWholeRoute_endsAtTheDestinationWithTheSamePayload()
      throws FrameDecodeException {
    TrackingAllocator alloc = new TrackingAllocator(true);
    FrameBytes payload = FrameBytes.copyOf(FrameArbitraries.filled(1000, 7));
    LinkFrame.Packet p = LinkFrame.Packet.of(A, B, hops(FrameLimits.MAX_ROUTE_HOPS, A), payload);
    ByteBuf record = LinkFrameCodec.encodeRecord(alloc, List.of(p));
    EncodedPacket packet = LinkFrameCodec.readPacket(record);
    record.release();
    for (int hop = 0; hop < FrameLimits.MAX_ROUTE_HOPS; hop++) {
      assertThat(packet.header().route()).hasSize(FrameLimits.MAX_ROUTE_HOPS - hop);
      packet = LinkFrameCodec.forwardInPlace(packet);
    }
    assertThat(packet.header().route()).isEmpty();
    assertThat(packet.header().ttl()).isZero();
    assertThat(decodeContent(packet)).isEqualTo(new LinkFrame.Packet(0, 0, A, B, List.of(), payload));
    EncodedPacket expired = packet;
    assertThatThrownBy(() -> LinkFrameCodec.forwardInPlace(expired))
        .isInstanceOf(IllegalStateException.class);
    packet.release();
    alloc.assertAllReleased();
  }

  @Example
  void defaultTtl_letsAsManyRelaysForwardAsTheLongestRouteHas() {
    LinkFrame.Packet p = LinkFrame.Packet.of(A, B, List.of(), FrameBytes.empty());
    assertThat(p.ttl()).isEqualTo(FrameLimits.DEFAULT_TTL).isEqualTo(32);
    for (int relay = 0; relay < FrameLimits.DEFAULT_TTL; relay++) {
      p = p.forwarded();
    }
    LinkFrame.Packet expired = p;
    assertThatThrownBy(expired::forwarded).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> expired.rerouted(List.of())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> expired.header().forwarded())
        .isInstanceOf(IllegalStateException.class);
  }

  @Property(tries = 200)
  void reroute_isRerouted_andLeavesTheOriginalAlone(@ForAll("packets") LinkFrame.Packet p,
      @ForAll("hopLists") List<NodeKey> hops, @ForAll long seed) throws FrameDecodeException {
    TrackingAllocator alloc = TrackingAllocator.eitherKind(seed);
    List<NodeKey> route = FrameArbitraries.route(hops, p.destination());
    ByteBuf record = recordAroundPacket(alloc, p);
    EncodedPacket packet = LinkFrameCodec.readPacket(record);
    record.release();
    byte[] original = ByteBufUtil.getBytes(packet.content());
    int allocations = alloc.allocations();
    if (p.ttl() == 0) {
      assertThatThrownBy(() -> LinkFrameCodec.reroute(alloc, packet, route))
          .isInstanceOf(IllegalStateException.class);
      assertThat(alloc.allocations()).as("nothing allocated").isEqualTo(allocations);
    } else {
      EncodedPacket rerouted = LinkFrameCodec.reroute(alloc, packet, route);
      assertThat(decodeContent(rerouted)).isEqualTo(p.rerouted(route));
      assertThat(rerouted.header()).isEqualTo(p.header().rerouted(route));
      assertThat(ByteBufUtil.getBytes(rerouted.payload())).isEqualTo(p.payload().toByteArray());
      rerouted.release();
    }
    assertThat(ByteBufUtil.getBytes(packet.content())).isEqualTo(original);
    packet.release();
    alloc.assertAllReleased();
  }

  @Example
  void reroute_refusesARouteNotEndingAtTheDestination_allocatingNothing()
      throws FrameDecodeException {
    TrackingAllocator alloc = new TrackingAllocator(false);
    ByteBuf record = LinkFrameCodec.encodeRecord(
        alloc, List.of(LinkFrame.Packet.of(A, B, List.of(), FrameBytes.empty())));
    EncodedPacket packet = LinkFrameCodec.readPacket(record);
    record.release();
    int allocations = alloc.allocations();
    assertThatThrownBy(() -> LinkFrameCodec.reroute(alloc, packet, List.of(C)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinkFrameCodec.reroute(alloc, packet, hops(33, A)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(alloc.allocations()).isEqualTo(allocations);
    packet.release();
    alloc.assertAllReleased();
  }

  @Example
  void readPacket_ofAnotherType_refused_retainingNothing() {
    byte[] keepalive = {1};
    FrameDecodeException e = Decoding.failure(LinkFrameCodec::readPacket, keepalive);
    assertThat(e.reason()).isEqualTo(Reason.INVALID);
    assertThat(e).hasMessageContaining("type KEEPALIVE (expected: PACKET)");
  }

  @Example
  void forwardInPlace_refusesReadOnlyContent() throws FrameDecodeException {
    TrackingAllocator alloc = new TrackingAllocator(false);
    ByteBuf record = LinkFrameCodec.encodeRecord(
        alloc, List.of(LinkFrame.Packet.of(A, B, List.of(C, A), FrameBytes.empty())));
    EncodedPacket packet = LinkFrameCodec.readPacket(record.asReadOnly());
    record.release();
    assertThatThrownBy(() -> LinkFrameCodec.forwardInPlace(packet))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
    packet.release();
    alloc.assertAllReleased();
  }

  @Example
  void unreachable_aboutAPacket_goesBackToItsSource() {
    PacketHeader failed = LinkFrame.Packet.of(A, B, List.of(), FrameBytes.empty()).header();
    LinkFrame.Unreachable u =
        LinkFrame.Unreachable.about(failed, UnreachableReason.TTL_EXPIRED, List.of(C, B));
    assertThat(u.source()).isEqualTo(B);
    assertThat(u.destination()).isEqualTo(A);
    assertThat(u.ttl()).isEqualTo(FrameLimits.DEFAULT_TTL);
    assertThat(u.forwarded())
        .isEqualTo(new LinkFrame.Unreachable(31, UnreachableReason.TTL_EXPIRED, B, A, List.of(B)));
    assertThat(u.rerouted(List.of()).route()).isEmpty();
    LinkFrame.Unreachable expired =
        new LinkFrame.Unreachable(0, UnreachableReason.NO_ROUTE, B, A, List.of());
    assertThatThrownBy(expired::forwarded).isInstanceOf(IllegalStateException.class);
  }
}
