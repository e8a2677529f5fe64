package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {
  private static final HostPort TARGET = HostPort.parse("192.168.1.60:8080");

  @Test
  void portOutOfRange_refused() {
    assertThatThrownBy(() -> new ServiceConfig(0, TARGET, List.of()))
        .isInstanceOf(HostPortFormatException.class)
        .hasMessageContaining("port 0 (expected: 1~65535)");
    assertThatThrownBy(() -> new ServiceConfig(65536, TARGET, List.of()))
        .hasMessageContaining("port 65536 (expected: 1~65535)");
  }

  @Test
  void allowList_copied() {
    List<Address> allow = new ArrayList<>(List.of(Fixtures.address(3)));
    ServiceConfig service = new ServiceConfig(80, TARGET, allow);
    allow.clear();

    assertThat(service.allow()).containsExactly(Fixtures.address(3));
  }
}
