package io.staex.proxy.socks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.staex.proxy.TestSettings;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.socks.SocksTargets;
import io.staex.proxy.stream.Streams;
import io.staex.testing.fixtures.Member;
import io.staex.testing.fixtures.TestNetwork;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the SOCKS5 handshake as a local client drives it: Netty's codec and
 * our handlers ({@link SocksServerInitializer}'s pipeline) in an {@link EmbeddedChannel}. The
 * first input byte sets the chunk size (1~64), the rest is what the client sends. Replays the
 * seeds below and {@code SocksHandshakeFuzzTestInputs/} under {@code mvn test}; {@code
 * bench/fuzz.sh} fuzzes it.
 */
class SocksHandshakeFuzzTest {
  private static final Streams STREAMS = streams();

  private static Streams streams() {
    DefaultEventLoop loop = new DefaultEventLoop();
    Member me = TestNetwork.seeded(1).member(2);
    return new Streams(loop, me.identity(), me.certificate(), me.policy(),
        TestSettings.sessions(), TestSettings.streams(), Clock.systemUTC(),
        me.random(), (stream, peer) -> stream.refuse(ResetReason.NO_SERVICE));
  }

  /** The property test's valid beginnings, whole and in small chunks. */
  static Stream<byte[]> greetings() {
    return SocksGreetingPropertyTest.PREFIXES.stream().flatMap(p -> Stream.of(
        withChunkSize(64, p), withChunkSize(3, p)));
  }

  private static byte[] withChunkSize(int size, byte[] data) {
    byte[] input = new byte[data.length + 1];
    input[0] = (byte) (size - 1);
    System.arraycopy(data, 0, input, 1, data.length);
    return input;
  }

  /**
   * Any bytes in any chunks: the pipeline raises no exception, releases every buffer it was
   * given, and answers only with SOCKS5 replies (each starts with version 5, or is the
   * username/password version 1).
   */
  @MethodSource("greetings")
  @FuzzTest
  void handshake(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int chunk = 1 + (input[0] & 0x3F);
    SocksSettings settings = TestSettings.socks()
        .withHandshakeTimeout(Duration.ofSeconds(1)).withMaxPendingHandshakes(4);
    EmbeddedChannel ch = new EmbeddedChannel(
        new SocksServerInitializer(STREAMS, settings,
            io.staex.proxy.socks.Router.overlayOnly(SocksTargets.addressesOnly())));
    List<ByteBuf> given = new ArrayList<>();
    try {
      for (int i = 1; i < input.length && ch.isOpen(); i += chunk) {
        byte[] part = Arrays.copyOfRange(input, i, Math.min(input.length, i + chunk));
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(part.length).writeBytes(part);
        given.add(b);
        ch.writeInbound(b);
        ch.runPendingTasks();
        ch.checkException();
      }
      for (Object out = ch.readOutbound(); out != null; out = ch.readOutbound()) {
        try {
          if (out instanceof ByteBuf reply && reply.isReadable()) {
            assertThat(reply.getByte(reply.readerIndex())).as("reply version").isIn((byte) 5,
                (byte) 1);
          }
        } finally {
          io.netty.util.ReferenceCountUtil.release(out);
        }
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    for (ByteBuf b : given) {
      assertThat(b.refCnt()).as("a buffer given to the pipeline").isZero();
    }
  }
}
