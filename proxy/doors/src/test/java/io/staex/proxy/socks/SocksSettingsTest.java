package io.staex.proxy.socks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.proxy.TestSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SocksSettingsTest {
  @Test
  void nonLoopbackWithoutCredentials_refused() {
    assertThatThrownBy(() -> TestSettings.socks()
        .withListen(new InetSocketAddress("0.0.0.0", 1080)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("socks.listen: 0.0.0.0:1080 is not a loopback address; set socks.username"
            + " and socks.password (expected: a loopback address, or credentials)");
  }

  @Test
  void nonLoopbackWithCredentials_accepted() {
    SocksSettings s = new SocksSettings(new InetSocketAddress("0.0.0.0", 1080),
        Optional.of(new SocksSettings.Credentials("u", "p")), Duration.ofSeconds(1), 1);
    assertThat(s.credentials()).isPresent();
  }

  @Test
  void badNumbers_refusedWithTheirKey() {
    assertThatThrownBy(() -> TestSettings.socks().withHandshakeTimeout(Duration.ZERO))
        .hasMessage("socks.handshake-timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> TestSettings.socks().withMaxPendingHandshakes(0))
        .hasMessage("socks.max-pending-handshakes: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new SocksSettings.Credentials("", "p"))
        .hasMessage("socks.username: 0 bytes (expected: 1~255 bytes of UTF-8)");
    assertThatThrownBy(() -> new SocksSettings.Credentials("u", "p".repeat(256)))
        .hasMessage("socks.password: 256 bytes (expected: 1~255 bytes of UTF-8)");
  }

  @Test
  void credentials_matchBoth_andNeverPrintThePassword() {
    SocksSettings.Credentials c = new SocksSettings.Credentials("alice", "s3cret");
    assertThat(c.matches("alice", "s3cret")).isTrue();
    assertThat(c.matches("alice", "s3cre")).isFalse();
    assertThat(c.matches("alicf", "s3cret")).isFalse();
    assertThat(c.toString()).contains("alice").doesNotContain("s3cret");
  }
}
