package io.staex.proxy.frame;

import static io.staex.proxy.frame.FuzzFrames.counting;
import static io.staex.proxy.frame.FuzzFrames.drain;
import static io.staex.proxy.frame.FuzzFrames.key;
import static io.staex.proxy.frame.FuzzFrames.route;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link LinkFrameCodec}'s decoders: a link record's plaintext is
 * whatever a linked peer chose to seal. Under {@code mvn test} this replays the seeds below and
 * the inputs in {@code LinkFrameFuzzTestInputs/} (crashes found earlier); {@code
 * bench/fuzz.sh} fuzzes it for real.
 */
class LinkFrameFuzzTest {
  private static final NodeKey A = key(1);
  private static final NodeKey B = key(2);

  /** Valid records of every frame type, so that the fuzzer starts past the type byte. */
  static Stream<byte[]> records() {
    List<List<LinkFrame>> records = List.of(
        List.of(new LinkFrame.Keepalive()),
        List.of(new LinkFrame.Routing(false, counting(40, 0))),
        List.of(new LinkFrame.Routing(true, counting(3, 7)), new LinkFrame.Keepalive()),
        List.of(new LinkFrame.Packet(32, 0, A, B, List.of(), counting(20, 1))),
        List.of(new LinkFrame.Packet(7, 1, A, B, route(3, A), counting(5, 9)),
            new LinkFrame.Packet(1, 0, B, A, route(1, B), FrameBytes.empty())),
        List.of(new LinkFrame.Unreachable(5, UnreachableReason.NO_ROUTE, A, B, List.of())),
        List.of(new LinkFrame.Unreachable(0, UnreachableReason.CONGESTED, B, A, route(2, B)),
            new LinkFrame.Keepalive()));
    return records.stream().map(frames ->
        drain(LinkFrameCodec.encodeRecord(UnpooledByteBufAllocator.DEFAULT, frames)));
  }

  /**
   * Any bytes: a {@link FrameDecodeException} or frames that encode back to the same bytes
   * (decoding is canonical), the same frames from the copying and the zero-copy decoder, and
   * for each PACKET the relay's {@link LinkFrameCodec#readPacket} agrees with the value decoder.
   */
  @MethodSource("records")
  @FuzzTest
  void decodeRecord(byte[] bytes) throws FrameDecodeException {
    @SuppressWarnings("unchecked")
    List<LinkFrame> frames =
        (List<LinkFrame>) FuzzFrames.decode(LinkFrameCodec::decodeRecord, bytes);
    List<LinkFrame> views = viewsOrNull(bytes);
    assertThat(views).isEqualTo(frames);
    if (frames == null) {
      return;
    }
    assertThat(frames).isNotEmpty();
    assertThat(drain(LinkFrameCodec.encodeRecord(UnpooledByteBufAllocator.DEFAULT, frames)))
        .as("re-encoded").isEqualTo(bytes);
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    try {
      for (LinkFrame frame : frames) {
        if (LinkFrameCodec.peekType(in) == LinkFrameType.PACKET) {
          EncodedPacket packet = LinkFrameCodec.readPacket(in);
          try {
            assertThat(packet.header()).isEqualTo(((LinkFrame.Packet) frame).header());
          } finally {
            packet.release();
          }
        } else {
          assertThat(LinkFrameCodec.readFrame(in)).isEqualTo(frame);
        }
      }
      assertThat(in.isReadable()).isFalse();
    } finally {
      in.release();
    }
  }

  private static List<LinkFrame> viewsOrNull(byte[] bytes) {
    try {
      return LinkFrameCodec.decodeRecord(FrameBytes.copyOf(bytes));
    } catch (FrameDecodeException e) {
      return null;
    }
  }
}
