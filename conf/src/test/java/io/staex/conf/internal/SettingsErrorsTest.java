package io.staex.conf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsErrorsTest {
  @ParameterizedTest
  @CsvSource({
    "PT0S, 0s",
    "PT20M, 20m",
    "PT1H, 1h",
    "PT48H, 2d",
    "PT90S, 90s",
    "PT1.5S, 1500ms",
    "PT0.000001S, 1us",
    "PT0.0000001S, 100ns",
    "PT-5S, -5s"
  })
  void hocon_writesDurationsAsTheFileWould(String java, String hocon) {
    assertThat(SettingsErrors.hocon(Duration.parse(java))).isEqualTo(hocon);
  }

  @ParameterizedTest
  @CsvSource({
    "keepalive-interval, keepaliveInterval",
    "max-hops, maxHops",
    "handshakes-per-second-per-source, handshakesPerSecondPerSource",
    "socket, socket"
  })
  void camel_isTheJavaName(String key, String java) {
    assertThat(SettingsErrors.camel(key)).isEqualTo(java);
  }
}
