package io.staex.proxy.frame;

import static io.staex.proxy.frame.FuzzFrames.counting;
import static io.staex.proxy.frame.FuzzFrames.drain;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link SessionFrameCodec#decode}: a packet payload is whatever the
 * packet's source (or a relay on the way) put there. Replays its seeds and {@code
 * SessionFrameFuzzTestInputs/} under {@code mvn test}; {@code bench/fuzz.sh} fuzzes it.
 */
class SessionFrameFuzzTest {

  /** One valid frame of each type. */
  static Stream<byte[]> frames() {
    return Stream.of(
        new SessionFrame.SessionHello(1, counting(48, 0)),
        new SessionFrame.SessionWelcome(-1L, counting(1, 5)),
        new SessionFrame.SessionRecord(0x0102030405060708L,
            counting(FrameLimits.MIN_SESSION_RECORD + 10, 3)),
        new SessionFrame.SessionClose(42, CloseReason.PROTOCOL_ERROR))
        .map(SessionFrameFuzzTest::encoded);
  }

  /**
   * Any bytes: a {@link FrameDecodeException}, or a frame that encodes back to the same bytes;
   * the zero-copy decoder agrees.
   */
  @MethodSource("frames")
  @FuzzTest
  void decode(byte[] bytes) {
    SessionFrame frame = (SessionFrame) FuzzFrames.decode(SessionFrameCodec::decode, bytes);
    SessionFrame view;
    try {
      view = SessionFrameCodec.decode(FrameBytes.copyOf(bytes));
    } catch (FrameDecodeException e) {
      view = null;
    }
    assertThat(view).isEqualTo(frame);
    if (frame != null) {
      assertThat(encoded(frame)).as("re-encoded").isEqualTo(bytes);
    }
  }

  private static byte[] encoded(SessionFrame frame) {
    ByteBuf out = Unpooled.buffer();
    SessionFrameCodec.encode(frame, out);
    return drain(out);
  }

}
