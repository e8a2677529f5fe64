package io.staex.proxy.frame;

import static io.staex.proxy.frame.FuzzFrames.counting;
import static io.staex.proxy.frame.FuzzFrames.drain;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link StreamFrameCodec#decodeBatch}: a session record's
 * plaintext, which the other end of the session wrote. Replays its seeds and {@code
 * StreamFrameFuzzTestInputs/} under {@code mvn test}; {@code bench/fuzz.sh} fuzzes it.
 */
class StreamFrameFuzzTest {

  /** Valid batches with every frame type. */
  static Stream<byte[]> batches() {
    List<List<StreamFrame>> batches = List.of(
        List.of(new StreamFrame.Open(1, 80, 65536)),
        List.of(new StreamFrame.Data(1, counting(30, 0)), new StreamFrame.Window(1, 4096)),
        List.of(new StreamFrame.Fin(7), new StreamFrame.Reset(9, ResetReason.TIMEOUT)),
        List.of(new StreamFrame.Datagram(3, 2, counting(12, 4)),
            new StreamFrame.Data(StreamFrame.MAX_U32, FrameBytes.empty())));
    return batches.stream().map(frames ->
        drain(StreamFrameCodec.encodeBatch(UnpooledByteBufAllocator.DEFAULT, frames)));
  }

  /**
   * Any bytes: a {@link FrameDecodeException}, or frames that encode back to the same bytes;
   * the zero-copy decoder agrees.
   */
  @MethodSource("batches")
  @FuzzTest
  void decodeBatch(byte[] bytes) {
    @SuppressWarnings("unchecked")
    List<StreamFrame> frames =
        (List<StreamFrame>) FuzzFrames.decode(StreamFrameCodec::decodeBatch, bytes);
    List<StreamFrame> views;
    try {
      views = StreamFrameCodec.decodeBatch(FrameBytes.copyOf(bytes));
    } catch (FrameDecodeException e) {
      views = null;
    }
    assertThat(views).isEqualTo(frames);
    if (frames != null) {
      assertThat(frames).isNotEmpty();
      assertThat(drain(StreamFrameCodec.encodeBatch(UnpooledByteBufAllocator.DEFAULT, frames)))
          .as("re-encoded").isEqualTo(bytes);
    }
  }
}
