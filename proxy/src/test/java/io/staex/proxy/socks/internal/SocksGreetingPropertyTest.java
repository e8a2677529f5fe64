package io.staex.proxy.socks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.staex.proxy.TestSettings;
import io.staex.testing.LeakWatch;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.socks.SocksTargets;
import io.staex.proxy.stream.Streams;
import io.staex.testing.LeakWatch;
import io.staex.testing.fixtures.Member;
import io.staex.testing.fixtures.TestNetwork;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Bytes from a local client are bytes from anyone: whatever a client sends as its greeting
 * (garbage, or valid prefixes followed by garbage, in arbitrary chunks), the SOCKS pipeline
 * raises no exception and releases every buffer it was given.
 */
class SocksGreetingPropertyTest {
  private static DefaultEventLoop loop;
  private static Streams streams;

  @BeforeContainer
  static void streams() {
    LeakWatch.install();
    loop = new DefaultEventLoop();
    Member me = TestNetwork.seeded(1).member(2);
    streams = new Streams(loop, me.identity(), me.certificate(), me.policy(),
        TestSettings.sessions(), TestSettings.streams(), Clock.systemUTC(),
        me.random(), (stream, peer) -> stream.refuse(ResetReason.NO_SERVICE));
  }

  @AfterContainer
  static void noLeaks() throws InterruptedException {
    loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  /** Valid beginnings, so that the garbage after them reaches the later phases. */
  static final List<byte[]> PREFIXES = List.of(
      new byte[0],
      new byte[] {5},
      new byte[] {5, 1, 0},
      new byte[] {5, 1, 2},
      new byte[] {5, 1, 0, 5, 1, 0, 1, 10, 0, 0, 1, 0, 80},
      new byte[] {5, 1, 0, 5, 1, 0, 3, 7, 'x', '.', 's', 't', 'a', 'e', 'x', 0, 80},
      new byte[] {5, 1, 0, 5, 1, 0, 4},
      new byte[] {5, 1, 2, 1, 1, 'u', 1, 'p'},
      new byte[] {4, 1});

  @Provide
  Arbitrary<List<byte[]>> inputs() {
    Arbitrary<byte[]> prefix = Arbitraries.of(PREFIXES);
    Arbitrary<byte[]> tail = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<Integer> chunk = Arbitraries.integers().between(1, 40);
    return Combinators.combine(prefix, tail, chunk).as((p, t, n) -> {
      byte[] all = new byte[p.length + t.length];
      System.arraycopy(p, 0, all, 0, p.length);
      System.arraycopy(t, 0, all, p.length, t.length);
      List<byte[]> chunks = new ArrayList<>();
      for (int i = 0; i < all.length; i += n) {
        chunks.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + n)));
      }
      return chunks;
    });
  }

  @Property(tries = 2000)
  void arbitraryGreeting_neverThrows_andReleasesEveryBuffer(@ForAll("inputs") List<byte[]> in) {
    SocksSettings settings = TestSettings.socks()
        .withHandshakeTimeout(Duration.ofSeconds(1)).withMaxPendingHandshakes(4);
    EmbeddedChannel ch = new EmbeddedChannel(
        new SocksServerInitializer(streams, settings,
            io.staex.proxy.socks.Router.overlayOnly(SocksTargets.addressesOnly())));
    List<ByteBuf> given = new ArrayList<>();
    for (byte[] chunk : in) {
      if (!ch.isOpen()) {
        break;
      }
      ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(chunk.length).writeBytes(chunk);
      given.add(b);
      ch.writeInbound(b);
      ch.runPendingTasks();
      ch.checkException();
    }
    ch.finishAndReleaseAll();
    for (ByteBuf b : given) {
      assertThat(b.refCnt()).as("a buffer given to the pipeline").isZero();
    }
  }
}
