package io.staex.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.proxy.link.LinkSettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelaySettingsTest {
  @Test
  void defaults_matchTheNodeConfigDefaults() {
    RelaySettings s = RelaySettings.defaults();
    assertThat(s.bind()).isEmpty();
    assertThat(s.parents()).isEmpty();
    assertThat(s.maxLinks()).isEqualTo(1024);
    assertThat(s.linkQueueBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(s.handshakesPerSecondPerSource()).isEqualTo(20);
    assertThat(s.link()).isEqualTo(LinkSettings.defaults());
  }

  @Test
  void withers_changeOneComponent_andParentsAreCopied() {
    List<Relay.Parent> parents = new ArrayList<>();
    RelaySettings s = RelaySettings.defaults().withParents(parents)
        .withBind(new InetSocketAddress("127.0.0.1", 0)).withHandshakesPerSecondPerSource(3);
    parents.add(null);
    assertThat(s.parents()).isEmpty();
    assertThat(s.bind()).contains(new InetSocketAddress("127.0.0.1", 0));
    assertThat(s.withBind(null).bind()).isEmpty();
    assertThat(s.handshakesPerSecondPerSource()).isEqualTo(3);
    assertThat(s.maxLinks()).isEqualTo(1024);
  }

  @Test
  void badValues_refusedWithNameValueAndExpectation() {
    RelaySettings d = RelaySettings.defaults();
    assertThatThrownBy(() -> d.withMaxLinks(0))
        .hasMessage("maxLinks: 0 (expected: >= 1)");
    assertThatThrownBy(() -> d.withHandshakesPerSecondPerSource(0))
        .hasMessage("handshakesPerSecondPerSource: 0 (expected: >= 1)");
    assertThatThrownBy(() -> d.withLinkQueueBytes(1000)).hasMessage(
        "linkQueueBytes: 1000 (expected: >= the link's write buffer high water mark 1048576)");
    assertThatThrownBy(() -> d.withParents(null)).isInstanceOf(NullPointerException.class);
  }
}
