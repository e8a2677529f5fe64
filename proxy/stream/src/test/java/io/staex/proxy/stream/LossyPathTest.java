package io.staex.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.staex.crypto.Identity;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.relay.PacketSender;
import io.staex.proxy.session.SessionSettings;
import io.staex.testing.LeakWatch;
import io.staex.testing.ManualClock;
import io.staex.testing.Seeded;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a stream across a path that loses, reorders and duplicates packets, or goes away for
 * a while, delivers every byte once and in order, and is reset only when no path comes back
 * within {@code sessions.path-grace}. Two whole stream layers (A opens, B's service takes the
 * bytes) on one {@link ManualClock}; the path between them is the test's.
 */
class LossyPathTest {
  static final Identity NET = Identity.generate(Seeded.random(1));
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  static final int PORT = 7;

  final ManualClock clock = new ManualClock(START);
  final SessionSettings sessionSettings = StreamTestSettings.sessions();
  Streams a;
  Streams b;
  /** What the path does to one packet; called on the loop. */
  Path path = (payload, deliver) -> deliver.run();

  interface Path {
    void carry(FrameBytes payload, Runnable deliver);
  }

  /** B's service: keeps every byte, in the order they came. */
  final ByteArrayOutputStream atB = new ByteArrayOutputStream();
  final List<ResetReason> resets = new ArrayList<>();
  boolean finAtB;

  @BeforeAll
  static void watchLeaks() {
    LeakWatch.install();
  }

  @AfterAll
  static void noLeaks() throws InterruptedException {
    LeakWatch.assertNoLeaks();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    clock.runTasks();
  }

  Streams layer(long seed, StreamAcceptor acceptor) {
    return StreamTestSettings.layer(clock, NET, sessionSettings, seed, acceptor);
  }

  void start() {
    StreamHandler service = new StreamHandler() {
      @Override
      public void connected(Stream stream) {}

      @Override
      public void data(Stream stream, FrameBytes data) {
        atB.writeBytes(data.toByteArray());
        stream.consumed(data.size());
      }

      @Override
      public void fin(Stream stream) {
        finAtB = true;
        stream.finish();
      }

      @Override
      public void writable(Stream stream) {}

      @Override
      public void reset(Stream stream, ResetReason reason) {
        resets.add(reason);
      }
    };
    a = layer(10, (s, peer) -> s.refuse(ResetReason.NO_SERVICE));
    b = layer(11, (s, peer) -> s.accept(service));
    NodeKey ka = NodeKey.of(a.sessions().address());
    NodeKey kb = NodeKey.of(b.sessions().address());
    PacketSender toB = (d, payload) -> clock.loop().execute(() -> path.carry(payload,
        () -> b.sessions().packet(ka, payload)));
    PacketSender toA = (d, payload) -> clock.loop().execute(() -> path.carry(payload,
        () -> a.sessions().packet(kb, payload)));
    a.sessions().start(toB);
    b.sessions().start(toA);
    clock.runTasks();
  }

  /** A's application: writes {@code data} as the stream takes it, then finishes. */
  final class Writer implements StreamHandler {
    final byte[] data;
    int written;
    Stream stream;

    Writer(byte[] data) {
      this.data = data;
    }

    void pump() {
      while (written < data.length && stream.wantsInput()) {
        int n = Math.min(16 * 1024, data.length - written);
        ByteBuf chunk = Unpooled.wrappedBuffer(data, written, n);
        written += n;
        stream.write(chunk);
      }
      if (written == data.length) {
        stream.finish();
      }
    }

    @Override
    public void connected(Stream s) {
      pump();
    }

    @Override
    public void data(Stream s, FrameBytes d) {
      s.consumed(d.size());
    }

    @Override
    public void fin(Stream s) {}

    @Override
    public void writable(Stream s) {
      pump();
    }

    @Override
    public void reset(Stream s, ResetReason reason) {
      resets.add(reason);
    }
  }

  static byte[] bytes(int n, long seed) {
    byte[] out = new byte[n];
    new Random(seed).nextBytes(out);
    return out;
  }

  Writer send(byte[] data) {
    Writer w = new Writer(data);
    clock.loop().execute(() -> {
      w.stream = a.open(b.sessions().address(), PORT, w);
      w.pump();
    });
    clock.runTasks();
    return w;
  }

  /** Moves the clock in ticks until B has {@code n} bytes and the FIN, or {@code max} passed. */
  void runUntilDone(int n, Duration max) {
    Duration step = Duration.ofMillis(50);
    for (Duration t = Duration.ZERO; t.compareTo(max) < 0 && !(finAtB && atB.size() == n)
        && resets.isEmpty(); t = t.plus(step)) {
      clock.advance(step);
    }
  }

  @Test
  void lossReorderingAndDuplicates_bothWays_everyByteOnceInOrder_noReset() {
    Random fate = new Random(42);
    List<Runnable> held = new ArrayList<>();
    path = (payload, deliver) -> {
      int roll = fate.nextInt(100);
      if (roll < 8) {
        return; // lost
      }
      if (roll < 14) {
        deliver.run();
        clock.loop().execute(deliver); // and once more, later
        return;
      }
      if (roll < 20) {
        held.add(deliver); // overtaken by the next packet
        return;
      }
      deliver.run();
      for (Runnable r : held) {
        r.run();
      }
      held.clear();
    };
    start();
    byte[] data = bytes(2 << 20, 7);
    send(data);
    runUntilDone(data.length, Duration.ofSeconds(120));

    assertThat(resets).isEmpty();
    assertThat(finAtB).isTrue();
    assertThat(atB.toByteArray()).isEqualTo(data);
    assertThat(a.sessions().counters().recordsResent()).isPositive();
    assertThat(b.sessions().counters().duplicates()).isPositive();
    assertThat(b.sessions().counters().nacksSent()).isPositive();
    assertThat(a.sessions().sessions()).hasSize(1);
  }

  @Test
  void pathGoneForLessThanTheGrace_theStreamGoesOnWhereItStopped() {
    start();
    byte[] data = bytes(1 << 20, 8);
    int[] carried = {0};
    boolean[] down = {false};
    path = (payload, deliver) -> {
      if (++carried[0] == 10) {
        down[0] = true; // mid-stream: every packet in flight and after is lost
      }
      if (!down[0]) {
        deliver.run();
      }
    };
    send(data);
    clock.advance(sessionSettings.pathGrace().minusSeconds(5));
    assertThat(atB.size()).isLessThan(data.length);
    assertThat(resets).isEmpty();

    down[0] = false; // a new parent, the relay restarted: the path is back
    runUntilDone(data.length, Duration.ofSeconds(10));
    assertThat(resets).isEmpty();
    assertThat(finAtB).isTrue();
    assertThat(atB.toByteArray()).isEqualTo(data);
  }

  @Test
  void noPathForTheGrace_theStreamIsResetUnreachable() {
    start();
    int[] carried = {0};
    path = (payload, deliver) -> {
      if (++carried[0] < 10) {
        deliver.run();
      }
    };
    send(bytes(1 << 20, 9));
    clock.advance(sessionSettings.pathGrace().minusSeconds(1));
    assertThat(resets).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    assertThat(resets).contains(ResetReason.UNREACHABLE);
    assertThat(a.sessions().counters().pathLost()).isEqualTo(1);
  }
}
