package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsSettingsTest {
  private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 5353);
  private final DnsSettings d = TestDnsSettings.on(LISTEN);

  private DnsSettings with(Cidr pool, Duration answerTtl, Duration poolTtl,
      DnsSettings.Upstream upstream, List<InetSocketAddress> upstreams, Duration lookup,
      int maxTcp, Duration idle) {
    return new DnsSettings(LISTEN, pool, answerTtl, poolTtl, upstream, upstreams, lookup,
        maxTcp, idle, List.of(), 10);
  }

  @Test
  void eachBadValue_namesKeyValueAndExpectation() {
    assertThatThrownBy(() -> with(d.pool(), Duration.ZERO, d.poolTtl(), d.upstream(),
        List.of(), d.lookupTimeout(), 64, d.tcpIdleTimeout()))
        .hasMessage("dns.answer-ttl: 0s (expected: 1s~24h)");
    assertThatThrownBy(() -> with(d.pool(), d.answerTtl(), Duration.ofMinutes(5), d.upstream(),
        List.of(), d.lookupTimeout(), 64, d.tcpIdleTimeout()))
        .hasMessage("dns.pool-ttl: 5m (expected: at least 10 × dns.answer-ttl = 10m)");
    assertThatThrownBy(() -> with(d.pool(), d.answerTtl(), d.poolTtl(),
        DnsSettings.Upstream.REFUSE, List.of(LISTEN), d.lookupTimeout(), 64,
        d.tcpIdleTimeout()))
        .hasMessage("dns.upstreams: [/127.0.0.1:5353] (expected: empty when dns.upstream is "
            + "REFUSE)");
    assertThatThrownBy(() -> with(d.pool(), d.answerTtl(), d.poolTtl(), d.upstream(),
        List.of(), Duration.ofMinutes(2), 64, d.tcpIdleTimeout()))
        .hasMessage("dns.lookup-timeout: 2m (expected: 0.1s~1m)");
    assertThatThrownBy(() -> with(d.pool(), d.answerTtl(), d.poolTtl(), d.upstream(),
        List.of(), d.lookupTimeout(), 0, d.tcpIdleTimeout()))
        .hasMessage("dns.max-tcp-connections: 0 (expected: 1~65535)");
    assertThatThrownBy(() -> with(d.pool(), d.answerTtl(), d.poolTtl(), d.upstream(),
        List.of(), d.lookupTimeout(), 64, Duration.ofMillis(10)))
        .hasMessage("dns.tcp-idle-timeout: 0.01s (expected: 0.1s~1h)");
  }

  @Test
  void forwarding_keepsTheUpstreamList() {
    DnsSettings f = d.withForwarding(List.of(new InetSocketAddress("192.0.2.53", 53)));
    assertThat(f.upstream()).isEqualTo(DnsSettings.Upstream.FORWARD);
    assertThat(f.upstreams()).hasSize(1);
    assertThat(d.withForwarding(List.of()).upstreams()).isEmpty();
  }
}
