package io.staex.resolver;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * DNS settings for tests, each value chosen here (the node's defaults live in conf's {@code
 * reference.conf}, not in {@link DnsSettings}): the loopback pool, 60 s answers, REFUSED outside
 * {@code .staex}.
 */
final class TestDnsSettings {
  static final Cidr POOL = Cidr.parse("127.77.0.0/16");

  private TestDnsSettings() {}

  static DnsSettings on(InetSocketAddress listen) {
    return new DnsSettings(listen, POOL, Duration.ofSeconds(60), Duration.ofHours(1),
        DnsSettings.Upstream.REFUSE, List.of(), Duration.ofSeconds(3), 64,
        Duration.ofSeconds(10), List.of(), 1000);
  }
}
