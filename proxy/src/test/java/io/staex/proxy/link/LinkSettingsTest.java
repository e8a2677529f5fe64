package io.staex.proxy.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkSettingsTest {
  @Test
  void defaults_asDocumented() {
    LinkSettings d = LinkSettings.defaults();
    assertThat(d.keepaliveInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.missedKeepalives()).isEqualTo(3);
    assertThat(d.readTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(d.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.maxRecordSize()).isEqualTo(65536 + 24);
    assertThat(d.writeBufferLowWaterMark()).isEqualTo(256 * 1024);
    assertThat(d.writeBufferHighWaterMark()).isEqualTo(1024 * 1024);
  }

  @Test
  void writeBufferWaterMarks_lowAtMostHigh() {
    assertThat(LinkSettings.defaults().withWriteBufferWaterMarks(10, 20).writeBufferHighWaterMark())
        .isEqualTo(20);
    assertThatThrownBy(() -> LinkSettings.defaults().withWriteBufferWaterMarks(20, 10))
        .hasMessageContaining("write buffer water marks: 20/10");
    assertThatThrownBy(() -> LinkSettings.defaults().withWriteBufferWaterMarks(0, 10))
        .hasMessageContaining("expected: 1 <= low <= high");
  }

  @Test
  void badValues_refusedWithTheExpectedRange() {
    assertThatThrownBy(() -> LinkSettings.defaults().withKeepalive(Duration.ZERO, 3))
        .hasMessageContaining("keepaliveInterval: PT0S (expected: 1 ms or more)");
    assertThatThrownBy(() -> LinkSettings.defaults().withKeepalive(Duration.ofSeconds(1), 0))
        .hasMessageContaining("missedKeepalives: 0");
    assertThatThrownBy(() -> new LinkSettings(Duration.ofSeconds(1), 3, Duration.ofSeconds(1), 10))
        .hasMessageContaining("maxRecordSize: 10");
  }

  @Test
  void backoff_doublesToTheMax() {
    RedialBackoff b = RedialBackoff.defaults();
    assertThat(b.nominalMillis(1)).isEqualTo(100);
    assertThat(b.nominalMillis(2)).isEqualTo(200);
    assertThat(b.nominalMillis(9)).isEqualTo(25_600);
    assertThat(b.nominalMillis(10)).isEqualTo(30_000);
    assertThat(b.nominalMillis(1_000_000)).isEqualTo(30_000);
  }
}
