package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientNetworkTest {
  @Test
  void contains_ipv4AndIpv6_anyLength() throws Exception {
    ClientNetwork ten = ClientNetwork.parse("10.0.0.0/8");
    assertThat(ten.contains(InetAddress.getByName("10.255.1.2"))).isTrue();
    assertThat(ten.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
    assertThat(ten.contains(InetAddress.getByName("::ffff:10.0.0.1"))).isTrue(); // JDK maps it
    assertThat(ten.contains(InetAddress.getByName("fd00::1"))).isFalse();
    ClientNetwork one = ClientNetwork.parse("192.0.2.7/32");
    assertThat(one.contains(InetAddress.getByName("192.0.2.7"))).isTrue();
    assertThat(one.contains(InetAddress.getByName("192.0.2.6"))).isFalse();
    assertThat(ClientNetwork.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8")))
        .isTrue();
    ClientNetwork ula = ClientNetwork.parse("fd00::/8");
    assertThat(ula.contains(InetAddress.getByName("fdab::1"))).isTrue();
    assertThat(ula.contains(InetAddress.getByName("fe80::1"))).isFalse();
    assertThat(ClientNetwork.parse("10.1.2.0/23").contains(InetAddress.getByName("10.1.3.9")))
        .isTrue();
  }

  @Test
  void badText_refusedWithWhatIsExpected() {
    for (String bad : new String[] {"10.0.0.0", "10.0.0.0/33", "fd00::/129", "camera/8",
        "10.0.0.0/-1", "10.0.0.0/", "/8", "localhost/32"}) {
      assertThatThrownBy(() -> ClientNetwork.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: ");
    }
    assertThatThrownBy(() -> ClientNetwork.parse("10.0.0.1/8"))
        .hasMessage("'10.0.0.1/8' has host bits set (expected: 10.0.0.0/8)");
  }

  @Test
  void nonLoopbackListen_needsAllow_likeSocksNeedsCredentials() {
    InetSocketAddress open = new InetSocketAddress("0.0.0.0", 53);
    assertThatThrownBy(() -> TestDnsSettings.on(open))
        .hasMessage("dns.listen: 0.0.0.0:53 is not a loopback address; set dns.allow to the"
            + " client networks allowed to ask (expected: a loopback address, or dns.allow)");
    DnsSettings ok = TestDnsSettings.on(new InetSocketAddress("127.0.0.1", 53))
        .withAllow(List.of(ClientNetwork.parse("10.0.0.0/8")));
    assertThat(new DnsSettings(open, ok.pool(), ok.answerTtl(), ok.poolTtl(), ok.upstream(),
        ok.upstreams(), ok.lookupTimeout(), 64, Duration.ofSeconds(10), ok.allow(), 10).allow())
        .hasSize(1);
    assertThatThrownBy(() -> ok.withMaxNewNamesPerSecond(0))
        .hasMessage("dns.max-new-names-per-second: 0 (expected: 1~100000)");
  }
}
