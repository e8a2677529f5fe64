package io.staex.proxy.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.ResetReason;
import io.staex.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flow's idle timer and its drops, on a {@link ManualClock}: no stream, no sockets. */
class UdpFlowTest {
  static final UdpSettings SETTINGS = new UdpSettings(Duration.ofSeconds(60), 4, 4, 4);

  final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  final UdpCounters counters = new UdpCounters();
  final List<String> ended = new ArrayList<>();

  UdpFlow flow() {
    return new UdpFlow(clock.loop(), SETTINGS, counters, "test flow", new UdpFlow.Local() {
      @Override
      public void send(ByteBuf payload) {}

      @Override
      public void ended(UdpFlow f, boolean idle, ResetReason reset) {
        ended.add(idle ? "idle" : "closed");
      }
    });
  }

  @Test
  void endsAfterTheIdleTimeout_eachDatagramRestartsIt() {
    UdpFlow f = flow();
    assertThat(counters.flowsOpen()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(59));
    assertThat(f.isEnded()).isFalse();
    f.fromLocal(Unpooled.wrappedBuffer(new byte[] {1})); // waits: no stream yet
    clock.advance(Duration.ofSeconds(59));
    assertThat(f.isEnded()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(f.isEnded()).isTrue();
    assertThat(ended).containsExactly("idle");
    assertThat(counters.flowsOpen()).isZero();
    assertThat(counters.flowsIdleClosed()).isEqualTo(1);
    // the datagram that never had a stream is counted, not lost in silence
    assertThat(counters.dropped(UdpCounters.Drop.NOT_CONNECTED)).isEqualTo(1);
  }

  @Test
  void beforeItsStreamIsConnected_holdsAtMostMaxPending_thenDropsAndCounts() {
    UdpFlow f = flow();
    for (int i = 0; i < UdpFlow.MAX_PENDING + 3; i++) {
      f.fromLocal(Unpooled.wrappedBuffer(new byte[] {(byte) i}));
    }
    assertThat(counters.dropped(UdpCounters.Drop.NOT_CONNECTED)).isEqualTo(3);
    f.close();
    assertThat(counters.dropped(UdpCounters.Drop.NOT_CONNECTED))
        .isEqualTo(3 + UdpFlow.MAX_PENDING);
    assertThat(ended).containsExactly("closed");
    clock.advance(Duration.ofMinutes(5));
    assertThat(ended).hasSize(1);
  }

  @Test
  void oversizeDatagram_droppedAndCounted() {
    UdpFlow f = flow();
    f.fromLocal(Unpooled.wrappedBuffer(new byte[FrameLimits.MAX_DATAGRAM + 1]));
    assertThat(counters.dropped(UdpCounters.Drop.TOO_BIG)).isEqualTo(1);
    f.fromLocal(Unpooled.wrappedBuffer(new byte[FrameLimits.MAX_DATAGRAM]));
    assertThat(counters.dropped(UdpCounters.Drop.TOO_BIG)).isEqualTo(1);
    f.close();
  }
}
