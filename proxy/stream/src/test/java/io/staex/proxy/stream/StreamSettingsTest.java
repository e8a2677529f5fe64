package io.staex.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamSettingsTest {
  @Test
  void datagramQueue_refusesZero() {
    StreamSettings five = new StreamSettings(1, 1, 1024, Duration.ofSeconds(1),
        Duration.ofSeconds(1), 256);
    assertThat(five.withDatagramQueue(1).datagramQueue()).isEqualTo(1);
    assertThatThrownBy(() -> five.withDatagramQueue(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("datagramQueue: 0 (expected: >= 1)");
  }
}
