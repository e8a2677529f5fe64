package io.staex.proxy.link.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.staex.crypto.RecordLayer;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.link.Link;
import io.staex.proxy.link.LinkListener;
import io.staex.proxy.link.LinkTestSettings;
import io.staex.testing.LeakWatch;
import io.staex.testing.fixtures.TestNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The link's record handlers on embedded channels: {@link RecordSealHandler} seals in place in
 * the loop's {@link RecordScratch}, {@link RecordOpenHandler} opens whatever buffer shape the
 * framer hands it (heap, direct, a composite of socket reads, a slice at an odd offset) and
 * releases it on every path. Leak detection is paranoid (the build's setting, and {@link
 * LeakWatch}).
 */
class RecordHandlersTest {
  static final byte[] K1 = filled(32, 0x11);
  static final byte[] K2 = filled(32, 0x22);
  static final Random RANDOM = new Random(15);

  @BeforeAll
  static void watch() {
    LeakWatch.install();
  }

  @AfterAll
  static void noLeaks() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  /** A sender and a receiver of one direction of a link. */
  static final class Pair {
    final RecordLayer senderLayer = RecordLayer.of(K1, K2);
    final RecordLayer receiverLayer = RecordLayer.of(K2, K1);
    final LinkStats stats = new LinkStats();
    final EmbeddedChannel sender = new EmbeddedChannel();
    final EmbeddedChannel receiver = new EmbeddedChannel();

    Pair() {
      sender.pipeline().addLast(LinkPipeline.RECORD_SEALER,
          new RecordSealHandler(senderLayer.sealer(), new ChannelLink(sender, null)));
      LinkConfig config = new LinkConfig(ChannelLinkTest.credentials(),
          LinkTestSettings.link(java.time.Duration.ofSeconds(10), 3,
              java.time.Duration.ofSeconds(5)), new Quiet(), stats);
      receiver.pipeline().addLast(LinkPipeline.RECORD_OPENER,
          new RecordOpenHandler(receiverLayer.opener(), config, new ChannelLink(receiver, null)));
    }

    /** The wire record (length field included) of {@code frames}, as a heap array. */
    byte[] seal(List<LinkFrame> frames) {
      ChannelFuture f = sender.writeOneOutbound(new OutboundRecord(frames));
      sender.flushOutbound();
      assertThat(f.isSuccess()).as("sealed").isTrue();
      ByteBuf wire = sender.readOutbound();
      try {
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        return bytes;
      } finally {
        wire.release();
      }
    }

    List<Object> deliver(ByteBuf record) {
      receiver.writeInbound(record);
      List<Object> in = new ArrayList<>();
      for (Object o; (o = receiver.readInbound()) != null; ) {
        in.add(o);
      }
      return in;
    }

    void close() {
      sender.finishAndReleaseAll();
      receiver.finishAndReleaseAll();
    }
  }

  static final class Quiet implements LinkListener {
    @Override
    public void linkUp(Link link) {}

    @Override
    public void frame(Link link, LinkFrame frame) {}

    @Override
    public void linkDown(Link link, String reason) {}
  }

  /** The buffer shapes a record reaches the opener in. */
  static final List<Function<byte[], ByteBuf>> SHAPES = List.of(
      Unpooled::wrappedBuffer,
      bytes -> PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes),
      RecordHandlersTest::compositeOfOddPieces,
      RecordHandlersTest::sliceAtOddOffset);

  @Test
  void everySizeAndBufferShape_opensToTheSameFrames_andTheBufferIsReleased() {
    Pair p = new Pair();
    int[] sizes = {1, 100, 511, 1400, 16384, 16397, FrameLimits.MAX_ROUTING_CHUNK};
    for (int size : sizes) {
      for (Function<byte[], ByteBuf> shape : SHAPES) {
        List<LinkFrame> frames = List.of(new LinkFrame.Keepalive(),
            new LinkFrame.Routing(false, FrameBytes.copyOf(random(size))));
        if (size == FrameLimits.MAX_ROUTING_CHUNK) {
          frames = frames.subList(1, 2);
        }
        ByteBuf record = shape.apply(p.seal(frames));
        assertThat(p.deliver(record)).as("size %d", size).containsExactlyElementsOf(frames);
        assertThat(record.refCnt()).isZero();
      }
    }
    assertThat(p.receiver.isOpen()).isTrue();
    assertThat(p.stats.badRecords.sum()).isZero();
    p.close();
  }

  @Test
  void manyFramesInOneRecord_allDeliveredInOrder() {
    Pair p = new Pair();
    List<LinkFrame> frames = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      frames.add(new LinkFrame.Routing(i % 2 == 0, FrameBytes.copyOf(random(1 + i))));
    }
    assertThat(p.deliver(Unpooled.wrappedBuffer(p.seal(frames)))).containsExactlyElementsOf(frames);
    p.close();
  }

  /**
   * The link record hides the packet header: source, destination and route are not on the wire
   * in clear, nor is the payload; and the shared scratch array keeps none of it after the seal
   * (it was sealed in place).
   */
  @Test
  void packetHeaderAndPayload_notInClearOnTheWire_norLeftInTheScratch() {
    Pair p = new Pair();
    TestNetwork net = TestNetwork.seeded(3);
    NodeKey destination = NodeKey.of(net.member(1).address());
    NodeKey source = NodeKey.of(net.member(2).address());
    NodeKey hop = NodeKey.of(net.member(4).address());
    byte[] payload = filled(4000, 0x5a);
    LinkFrame packet = LinkFrame.Packet.of(destination, source, List.of(hop, destination),
        FrameBytes.copyOf(payload));

    byte[] wire = p.seal(List.of(packet));

    for (NodeKey key : List.of(destination, source, hop)) {
      assertThat(indexOf(wire, key.toByteArray())).as("key on the wire").isNegative();
      assertThat(indexOf(RecordScratch.get().array, key.toByteArray()))
          .as("key left in the scratch").isNegative();
    }
    assertThat(indexOf(wire, Arrays.copyOf(payload, 32))).isNegative();
    assertThat(indexOf(RecordScratch.get().array, Arrays.copyOf(payload, 32))).isNegative();
    assertThat(p.deliver(Unpooled.wrappedBuffer(wire))).containsExactly(packet);
    p.close();
  }

  @Test
  void failedTag_nothingDelivered_linkClosed_everyBufferReleased() {
    for (Function<byte[], ByteBuf> shape : SHAPES) {
      Pair p = new Pair();
      byte[] good = p.seal(List.of(new LinkFrame.Routing(false, FrameBytes.copyOf(random(2000)))));
      byte[] bad = p.seal(List.of(new LinkFrame.Routing(false, FrameBytes.copyOf(random(2000)))));
      bad[bad.length - 1] ^= 1;
      ByteBuf goodRecord = shape.apply(good);
      assertThat(p.deliver(goodRecord)).hasSize(1);
      assertThat(goodRecord.refCnt()).isZero();
      ByteBuf badRecord = shape.apply(bad);
      assertThat(p.deliver(badRecord)).isEmpty();
      assertThat(badRecord.refCnt()).isZero();
      assertThat(p.receiver.isOpen()).isFalse();
      assertThat(p.stats.badRecords.sum()).isEqualTo(1);
      assertThat(LinkPipeline.closeReason(p.receiver)).isEqualTo("bad record");
      p.close();
    }
  }

  @Test
  void lengthOutOfRange_refusedAndReleased() {
    Pair p = new Pair();
    ByteBuf tooShort = Unpooled.directBuffer().writeInt(10).writeBytes(new byte[10]);
    assertThat(p.deliver(tooShort)).isEmpty();
    assertThat(tooShort.refCnt()).isZero();
    assertThat(p.stats.badRecords.sum()).isEqualTo(1);
    p.close();
  }

  /**
   * A seal that fails after the frames were encoded (here: the sealer was destroyed) fails the
   * write, writes nothing and leaves no plaintext in the shared scratch array.
   */
  @Test
  void failedSeal_writesNothing_leavesNoPlaintextBehind() {
    RecordLayer layer = RecordLayer.of(K1, K2);
    EmbeddedChannel sender = new EmbeddedChannel();
    var sealer = layer.sealer();
    sender.pipeline().addLast(new RecordSealHandler(sealer, new ChannelLink(sender, null)));
    sealer.destroy();
    byte[] secret = filled(3000, 0x6b);
    ChannelFuture f = sender.writeOneOutbound(new OutboundRecord(
        List.of(new LinkFrame.Routing(false, FrameBytes.copyOf(secret)))));
    assertThat(f.isSuccess()).isFalse();
    assertThat((Object) sender.readOutbound()).isNull();
    assertThat(sender.isOpen()).isFalse();
    assertThat(indexOf(RecordScratch.get().array, Arrays.copyOf(secret, 16))).isNegative();
    sender.finishAndReleaseAll();
  }

  static ByteBuf compositeOfOddPieces(byte[] bytes) {
    ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    CompositeByteBuf c = alloc.compositeDirectBuffer();
    int[] cuts = {0, Math.min(3, bytes.length), Math.min(bytes.length, bytes.length / 3 + 1),
        bytes.length};
    for (int i = 0; i + 1 < cuts.length; i++) {
      int len = cuts[i + 1] - cuts[i];
      if (len > 0) {
        c.addComponent(true, alloc.directBuffer(len).writeBytes(bytes, cuts[i], len));
      }
    }
    return c;
  }

  static ByteBuf sliceAtOddOffset(byte[] bytes) {
    ByteBuf parent = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 8);
    parent.writeBytes(new byte[] {9, 9, 9}).writeBytes(bytes).writeBytes(new byte[] {7, 7});
    ByteBuf slice = parent.retainedSlice(3, bytes.length);
    parent.release();
    return slice;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
