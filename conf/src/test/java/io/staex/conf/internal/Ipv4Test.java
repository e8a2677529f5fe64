package io.staex.conf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {
  @Test
  void dottedQuad_parsed() {
    assertThat(Ipv4.parse("192.168.1.60")).containsExactly(192, 168, 1, 60);
    assertThat(Ipv4.parse("0.0.0.0")).containsExactly(0, 0, 0, 0);
    assertThat(Ipv4.parse("255.255.255.255")).containsExactly(-1, -1, -1, -1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..3.4", "1.2.3.",
      "1234.1.1.1"})
  void malformed_refused(String text) {
    assertThatThrownBy(() -> Ipv4.parse(text)).hasMessageContaining("expected: an IPv4 address");
  }
}
