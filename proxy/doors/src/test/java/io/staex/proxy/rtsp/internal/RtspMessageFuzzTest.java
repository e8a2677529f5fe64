package io.staex.proxy.rtsp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of RTSP message parsing as the relay does it to both directions of a
 * connection: {@link RtspParser} in chunks, then on each message the header parsers ({@link
 * Transport}, {@link RtspAuthority}) and the URL rewriting ({@link RtspUrls}). The first input
 * byte sets the chunk size (1~256), the rest is the stream. Replays the seeds below and {@code
 * RtspMessageFuzzTestInputs/} under {@code mvn test}; {@code bench/fuzz.sh} fuzzes it.
 */
class RtspMessageFuzzTest {
  private static final RtspUrls URLS =
      RtspUrls.between("rtsp://127.0.0.1:8554", "rtsp://10.77.1.2:8555");

  /** Real players' and cameras' messages, and an interleaved frame between two. */
  static Stream<byte[]> captures() {
    List<byte[]> seeds = new ArrayList<>();
    for (String capture : Captures.ALL) {
      seeds.add(input(255, Captures.bytes(capture)));
    }
    byte[] frame = {'$', 0, 0, 4, 1, 2, 3, 4};
    byte[] options = Captures.bytes(Captures.FFMPEG_OPTIONS);
    byte[] mixed = new byte[options.length * 2 + frame.length];
    System.arraycopy(options, 0, mixed, 0, options.length);
    System.arraycopy(frame, 0, mixed, options.length, frame.length);
    System.arraycopy(options, 0, mixed, options.length + frame.length, options.length);
    seeds.add(input(6, mixed));
    return seeds.stream();
  }

  private static byte[] input(int chunk, byte[] stream) {
    byte[] input = new byte[stream.length + 1];
    input[0] = (byte) (chunk - 1);
    System.arraycopy(stream, 0, input, 1, stream.length);
    return input;
  }

  /**
   * Any bytes, in any chunks: the parser never throws, gives the same items whole as in chunks,
   * stops at its first {@link RtspError}, holds no buffer after {@link RtspParser#release}; a
   * message's bytes are what it was read from; its headers parse or are refused without an
   * exception, and URL rewriting never throws.
   */
  @MethodSource("captures")
  @FuzzTest
  void parse(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int chunk = 1 + (input[0] & 0xFF);
    byte[] stream = Arrays.copyOfRange(input, 1, input.length);
    List<ByteBuf> given = new ArrayList<>();
    List<RtspItem> inChunks = new ArrayList<>();
    RtspParser parser = new RtspParser();
    for (int i = 0; i < stream.length; i += chunk) {
      ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(chunk);
      b.writeBytes(stream, i, Math.min(chunk, stream.length - i));
      given.add(b);
      parser.feed(b, inChunks);
    }
    parser.release();
    List<RtspItem> whole = new ArrayList<>();
    RtspParser once = new RtspParser();
    once.feed(Unpooled.wrappedBuffer(stream), whole);
    once.release();
    try {
      assertThat(encoded(inChunks)).as("items read in chunks of %d", chunk)
          .isEqualTo(encoded(whole));
      for (int i = 0; i < inChunks.size(); i++) {
        RtspItem item = inChunks.get(i);
        if (item instanceof RtspError error) {
          assertThat(i).as("an error is the last item").isEqualTo(inChunks.size() - 1);
          assertThat(parser.failed()).isTrue();
          assertThat(error.message()).isNotBlank();
        } else if (item instanceof RtspMessage message) {
          exercise(message);
        }
      }
    } finally {
      inChunks.forEach(ReferenceCountUtil::release);
      whole.forEach(ReferenceCountUtil::release);
    }
    for (ByteBuf b : given) {
      assertThat(b.refCnt()).as("a chunk still referenced").isZero();
    }
  }

  /** What the relay does with a message: read its headers, rewrite its URLs. */
  private static void exercise(RtspMessage message) {
    assertThat(Captures.bytes(message.text())).isNotNull();
    message.header("Transport").ifPresent(Transport::parse);
    message.cseq();
    if (message.isRequest()) {
      assertThat(message.method()).isNotEmpty();
      RtspAuthority.ofUrl(message.uri());
      assertThat(URLS.toCamera(message)).isNotNull();
    } else {
      assertThat(URLS.toPlayer(message)).isNotNull();
    }
  }

  /** The bytes of {@code items} as the relay would write them. */
  private static byte[] encoded(List<RtspItem> items) {
    ByteBuf out = Unpooled.buffer();
    for (RtspItem item : items) {
      if (!(item instanceof RtspError)) {
        RtspEncoder.encode(item, out);
      }
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    out.release();
    return bytes;
  }
}
