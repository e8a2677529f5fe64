package io.staex.routing.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinkProfileTest {

  @Test
  void delay_withinLatencyPlusJitter() {
    LinkProfile p = LinkProfile.defaults();
    Random r = new Random(1);
    for (int i = 0; i < 1000; i++) {
      long d = p.sampleDelayNanos(r);
      assertThat(d).isBetween(10_000_000L, 15_000_000L);
    }
  }

  @Test
  void handshake_isFourOneWayDelays() {
    LinkProfile p = LinkProfile.defaults().withLatency(Duration.ofMillis(10), Duration.ZERO);

    assertThat(p.handshakeNanos(new Random(1))).isEqualTo(40_000_000L);
  }

  @Test
  void rto_atLeast200ms() {
    assertThat(LinkProfile.defaults().firstRtoNanos()).isEqualTo(200_000_000L);
    assertThat(LinkProfile.defaults().withLatency(Duration.ofMillis(100), Duration.ZERO).firstRtoNanos())
        .isEqualTo(400_000_000L);
  }

  @Test
  void badValues_refusedWithTheExpectedRange() {
    assertThatThrownBy(() -> LinkProfile.defaults().withLoss(1.0))
        .hasMessageContaining("loss: 1.0 (expected: 0 <= loss < 1)");
    assertThatThrownBy(() -> LinkProfile.defaults().withCost(0))
        .hasMessageContaining("cost: 0 (expected: 1~65535)");
  }
}
