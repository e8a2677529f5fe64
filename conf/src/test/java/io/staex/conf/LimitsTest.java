package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void defaults_areTheDocumentedOnes() {
    Limits d = Limits.defaults();

    assertThat(d.maxLinks()).isEqualTo(1024);
    assertThat(d.maxSessions()).isEqualTo(4096);
    assertThat(d.maxStreamsPerSession()).isEqualTo(256);
    assertThat(d.streamBufferBytes()).isEqualTo(256 * 1024);
    assertThat(d.linkBufferBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(d.handshakesPerSecondPerSource()).isEqualTo(20);
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.datagramQueue()).isEqualTo(256);
  }

  @Test
  void zeroCount_refusedNamingTheField() {
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new Limits(1, 1, 0, 1, 1, 1, 1, second, second, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxStreamsPerSession: 0 (expected: >= 1)");
  }

  @Test
  void zeroOrNegativeDuration_refusedNamingTheField() {
    assertThatThrownBy(
            () -> new Limits(1, 1, 1, 1, 1, 1, 1, Duration.ZERO, Duration.ofSeconds(1), 1))
        .hasMessage("idleTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> new Limits(1, 1, 1, 1, 1, 1, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(-1), 1))
        .hasMessage("handshakeTimeout: PT-1S (expected: > 0)");
  }

  @Test
  void zeroDatagramQueue_refused() {
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new Limits(1, 1, 1, 1, 1, 1, 1, second, second, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("datagramQueue: 0 (expected: >= 1)");
  }
}
