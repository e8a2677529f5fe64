package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.staex.crypto.RecordException;
import io.staex.crypto.RecordLayer;
import io.staex.routing.RoutingSettings;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AfterContainer;

/** The limits, their derivation, and the chain of layers that makes each one exact. */
class FrameLimitsTest {
  static final NodeKey A = LinkFrameCodecTest.A;
  static final NodeKey B = LinkFrameCodecTest.B;

  @AfterContainer
  static void noBufferWasCollectedUnreleased() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  @Example
  void values_areTheDocumentedOnes() {
    assertThat(FrameLimits.MAX_LINK_RECORD_PLAINTEXT).isEqualTo(65536);
    assertThat(FrameLimits.MAX_ROUTE_HOPS).isEqualTo(32);
    assertThat(FrameLimits.DEFAULT_TTL).isEqualTo(32);
    assertThat(FrameLimits.MAX_PACKET_PAYLOAD).isEqualTo(64441);
    assertThat(FrameLimits.MAX_ROUTING_CHUNK).isEqualTo(65532);
    assertThat(FrameLimits.MAX_ROUTING_MESSAGE).isEqualTo(4 << 20);
    assertThat(FrameLimits.MAX_SESSION_BODY).isEqualTo(64432);
    assertThat(FrameLimits.MIN_SESSION_RECORD).isEqualTo(24);
    assertThat(FrameLimits.MAX_SESSION_PLAINTEXT).isEqualTo(64408);
    assertThat(FrameLimits.MAX_STREAM_DATA).isEqualTo(64401);
    assertThat(FrameLimits.MAX_DATAGRAM).isEqualTo(64399);
  }

  @Example
  void routeHops_matchRoutingsDefaultMaxHops() {
    assertThat(FrameLimits.MAX_ROUTE_HOPS).isEqualTo(RoutingSettings.defaults().maxHops());
  }

  @Example
  void lengthFields_canSayEveryAllowedLength() {
    assertThat(FrameLimits.MAX_PACKET_PAYLOAD).isLessThanOrEqualTo(0xFFFF);
    assertThat(FrameLimits.MAX_ROUTING_CHUNK).isLessThanOrEqualTo(0xFFFF);
    assertThat(FrameLimits.MAX_STREAM_DATA).isLessThanOrEqualTo(0xFFFF);
    assertThat(FrameLimits.MAX_DATAGRAM).isLessThanOrEqualTo(0xFFFF);
    assertThat(FrameLimits.MAX_ROUTE_HOPS).isLessThanOrEqualTo(0xFF);
    assertThat(FrameLimits.MAX_SESSION_PLAINTEXT).isLessThanOrEqualTo(RecordLayer.MAX_PLAINTEXT_SIZE);
  }

  /**
   * The largest DATA frame, sealed by a real record layer, put in a session record, in a packet
   * with a full route, fills a link record to the last byte; and comes back out the same.
   */
  @Example
  void largestStreamData_throughEveryLayer_fillsALinkRecordExactly()
      throws FrameDecodeException, RecordException {
    TrackingAllocator alloc = new TrackingAllocator(false);
    byte[] k1 = FrameArbitraries.filled(32, 1);
    byte[] k2 = FrameArbitraries.filled(32, 2);
    RecordLayer sender = RecordLayer.of(k1, k2);
    RecordLayer receiver = RecordLayer.of(k2, k1);
    long sessionId = 0x5E55_1000L;

    StreamFrame data = new StreamFrame.Data(
        7, FrameBytes.copyOf(FrameArbitraries.filled(FrameLimits.MAX_STREAM_DATA, 3)));
    ByteBuf plaintext = StreamFrameCodec.encodeBatch(alloc, List.of(data));
    assertThat(plaintext.readableBytes()).isEqualTo(FrameLimits.MAX_SESSION_PLAINTEXT);
    byte[] aad = Decoding.bytesOf(out -> SessionFrameCodec.writeRecordHeader(sessionId, out));
    byte[] sealed = sender.sealer().seal(ByteBufUtil.getBytes(plaintext), 0,
        plaintext.readableBytes(), aad);
    plaintext.release();
    SessionFrame session = new SessionFrame.SessionRecord(sessionId, FrameBytes.copyOf(sealed));
    ByteBuf payload = alloc.buffer();
    SessionFrameCodec.encode(session, payload);
    assertThat(payload.readableBytes()).isEqualTo(FrameLimits.MAX_PACKET_PAYLOAD);
    LinkFrame.Packet packet = LinkFrame.Packet.of(
        A, B, LinkFrameCodecTest.hops(FrameLimits.MAX_ROUTE_HOPS, A), FrameBytes.copyOf(payload));
    payload.release();
    ByteBuf record = LinkFrameCodec.encodeRecord(alloc, List.of(packet));
    assertThat(record.readableBytes()).isEqualTo(FrameLimits.MAX_LINK_RECORD_PLAINTEXT);

    // Back out: relay-style read, then the destination's decoding.
    EncodedPacket received = LinkFrameCodec.readPacket(record);
    record.release();
    SessionFrame.SessionRecord got =
        (SessionFrame.SessionRecord) SessionFrameCodec.decode(received.payload());
    received.release();
    byte[] opened = receiver.opener().open(got.record().toByteArray(), 0, got.record().size(), aad);
    ByteBuf openedBuf = alloc.wrap(opened);
    assertThat(StreamFrameCodec.decodeBatch(openedBuf)).containsExactly(data);
    openedBuf.release();
    alloc.assertAllReleased();
  }
}
