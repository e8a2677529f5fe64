package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ControlConfigTest {
  @Test
  void defaultSocket_besideTheKeyNamedAfterIt() {
    assertThat(ControlConfig.defaultSocket(Path.of("/etc/staex/node.key")))
        .isEqualTo(Path.of("/etc/staex/node.sock"));
    assertThat(ControlConfig.defaultSocket(Path.of("/etc/staex/gateway")))
        .isEqualTo(Path.of("/etc/staex/gateway.sock"));
    assertThat(ControlConfig.defaultSocket(Path.of("/etc/staex/.key")))
        .isEqualTo(Path.of("/etc/staex/.key.sock"));
  }
}
