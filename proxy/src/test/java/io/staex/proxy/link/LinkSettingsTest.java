package io.staex.proxy.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.proxy.TestSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkSettingsTest {
  @Test
  void readTimeout_isTheMissedKeepalives() {
    LinkSettings s = TestSettings.link(Duration.ofSeconds(5), 3, Duration.ofSeconds(10));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(LinkSettings.MAX_RECORD_SIZE).isEqualTo(65536 + 24);
  }

  @Test
  void writeBufferWaterMarks_lowAtMostHigh() {
    assertThat(TestSettings.link().withWriteBufferWaterMarks(10, 20).writeBufferHighWaterMark())
        .isEqualTo(20);
    assertThatThrownBy(() -> TestSettings.link().withWriteBufferWaterMarks(20, 10))
        .hasMessageContaining("write buffer water marks: 20/10");
    assertThatThrownBy(() -> TestSettings.link().withWriteBufferWaterMarks(0, 10))
        .hasMessageContaining("expected: 1 <= low <= high");
  }

  @Test
  void badValues_refusedWithTheExpectedRange() {
    assertThatThrownBy(() -> TestSettings.link().withKeepalive(Duration.ZERO, 3))
        .hasMessageContaining("keepaliveInterval: PT0S (expected: 1 ms or more)");
    assertThatThrownBy(() -> TestSettings.link().withKeepalive(Duration.ofSeconds(1), 0))
        .hasMessageContaining("missedKeepalives: 0");
    assertThatThrownBy(() -> new LinkSettings(Duration.ofSeconds(1), 3, Duration.ofSeconds(1), 10,
        TestSettings.WRITE_BUFFER_LOW, TestSettings.WRITE_BUFFER_HIGH))
        .hasMessageContaining("maxRecordSize: 10");
  }

  @Test
  void backoff_doublesToTheMax() {
    RedialBackoff b = TestSettings.backoff();
    assertThat(b.nominalMillis(1)).isEqualTo(100);
    assertThat(b.nominalMillis(2)).isEqualTo(200);
    assertThat(b.nominalMillis(9)).isEqualTo(25_600);
    assertThat(b.nominalMillis(10)).isEqualTo(30_000);
    assertThat(b.nominalMillis(1_000_000)).isEqualTo(30_000);
  }

  @Test
  void backoff_withinTheRecentWindow_growsOnlyToRecentMax_thenDoublesOnFromThere() {
    RedialBackoff b = new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(30),
        Duration.ofSeconds(1), Duration.ofMinutes(1));
    assertThat(b.nextNominalMillis(0, true)).isEqualTo(100);
    assertThat(b.nextNominalMillis(100, true)).isEqualTo(200);
    assertThat(b.nextNominalMillis(800, true)).isEqualTo(1_000);
    assertThat(b.nextNominalMillis(1_000, true)).isEqualTo(1_000);
    assertThat(b.nextNominalMillis(1_000, false)).isEqualTo(2_000);
    assertThat(b.nextNominalMillis(16_000, false)).isEqualTo(30_000);
    assertThat(b.nextNominalMillis(0, false)).as("first redial after a loss").isEqualTo(100);
    assertThatThrownBy(() -> new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(1))).hasMessageContaining("recentMax");
    assertThatThrownBy(() -> new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(30),
        Duration.ofSeconds(1), Duration.ofSeconds(-1))).hasMessageContaining("recentWindow");
  }
}
