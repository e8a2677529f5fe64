package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link RoutingAssembler}: a linked peer chooses how it cuts its
 * routing stream into ROUTING chunks. The input is a script of chunks, 3 bytes each: a flags byte
 * (bit 0: MORE) and a 16-bit length; chunk {@code i} is {@code length} bytes of value {@code i},
 * so that a short input can ask for the largest chunks and messages.
 */
class RoutingAssemblerFuzzTest {
  private static final int STEP = 3;

  /** A one-chunk message, a three-chunk one, and a run of full chunks up to the limit. */
  static Stream<byte[]> scripts() {
    byte[] toTheLimit = new byte[STEP * 70];
    for (int i = 0; i < 70; i++) {
      toTheLimit[STEP * i] = 1;
      toTheLimit[STEP * i + 1] = (byte) 0xFF;
      toTheLimit[STEP * i + 2] = (byte) 0xFC;
    }
    return Stream.of(
        new byte[] {0, 0, 10},
        new byte[] {1, 0, 3, 1, 1, 0, 0, 0, 1},
        toTheLimit);
  }

  /**
   * The assembler gives back each message as the concatenation of its chunks, never holds more
   * than {@link FrameLimits#MAX_ROUTING_MESSAGE} bytes, and refuses with LIMIT exactly the chunk
   * that would take a message past it, ready for the next message.
   */
  @MethodSource("scripts")
  @FuzzTest
  void add(byte[] script) {
    RoutingAssembler assembler = new RoutingAssembler();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i + STEP <= script.length; i += STEP) {
      boolean more = (script[i] & 1) != 0;
      int length = Math.max(1, Math.min(FrameLimits.MAX_ROUTING_CHUNK,
          ((script[i + 1] & 0xFF) << 8) | (script[i + 2] & 0xFF)));
      byte[] chunk = new byte[length];
      java.util.Arrays.fill(chunk, (byte) (i / STEP));
      LinkFrame.Routing frame = new LinkFrame.Routing(more, FrameBytes.adopt(chunk));
      if ((long) expected.size() + length > FrameLimits.MAX_ROUTING_MESSAGE) {
        FrameDecodeException e =
            catchThrowableOfType(FrameDecodeException.class, () -> assembler.add(frame));
        assertThat(e).as("chunk past the limit").isNotNull();
        assertThat(e.reason()).isEqualTo(FrameDecodeException.Reason.LIMIT);
        assertThat(assembler.pending()).isZero();
        expected.reset();
        continue;
      }
      byte[] message = addUnchecked(assembler, frame);
      expected.write(chunk, 0, length);
      if (more) {
        assertThat(message).isNull();
        assertThat(assembler.pending()).isEqualTo(expected.size());
      } else {
        assertThat(message).isEqualTo(expected.toByteArray());
        assertThat(assembler.pending()).isZero();
        expected.reset();
      }
      assertThat(assembler.pending()).isLessThanOrEqualTo(FrameLimits.MAX_ROUTING_MESSAGE);
    }
  }

  private static byte[] addUnchecked(RoutingAssembler assembler, LinkFrame.Routing frame) {
    try {
      return assembler.add(frame);
    } catch (FrameDecodeException e) {
      throw new AssertionError("refused a chunk within the limit", e);
    }
  }
}
