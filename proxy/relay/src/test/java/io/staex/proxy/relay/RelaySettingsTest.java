package io.staex.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelaySettingsTest {
  @Test
  void withers_changeOneComponent_andParentsAreCopied() {
    List<Relay.Parent> parents = new ArrayList<>();
    RelaySettings s = RelayTestSettings.relay().withParents(parents)
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
    RelaySettings d = RelayTestSettings.relay();
    assertThatThrownBy(() -> d.withMaxLinks(0))
        .hasMessage("maxLinks: 0 (expected: >= 1)");
    assertThatThrownBy(() -> d.withHandshakesPerSecondPerSource(0))
        .hasMessage("handshakesPerSecondPerSource: 0 (expected: >= 1)");
    assertThatThrownBy(() -> d.withHellosPerSecondPerLink(0))
        .hasMessage("hellosPerSecondPerLink: 0 (expected: >= 1)");
    assertThat(d.withHellosPerSecondPerLink(7).hellosPerSecondPerLink()).isEqualTo(7);
    assertThatThrownBy(() -> d.withLinkQueueBytes(1000)).hasMessage(
        "linkQueueBytes: 1000 (expected: >= the link's write buffer high water mark 1048576)");
    assertThatThrownBy(() -> d.withParents(null)).isInstanceOf(NullPointerException.class);
  }
}
