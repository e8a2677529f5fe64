package io.staex.resolver;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The DNS server's settings (the {@code dns} section of the node's config). No defaults here: the
 * node's come from its {@code reference.conf}.
 *
 * @param listen address and port for UDP and TCP; port 0 picks a free port (UDP's, shared)
 * @param pool the address pool's IPv4 prefix
 * @param answerTtl TTL of {@code A} answers for {@code .staex} names, 1 s to 1 day
 * @param poolTtl how long an unused pool address is kept; at least 10 × {@code answerTtl}, so
 *     that no client still caches an address when it goes to another node
 * @param upstream what happens to names outside {@code .staex}
 * @param upstreams servers to forward to ({@link Upstream#FORWARD} only); empty means the
 *     system's, from {@code /etc/resolv.conf}
 * @param lookupTimeout how long a certified-name lookup or a forwarded query may take
 * @param maxTcpConnections TCP connections open at once; more are closed at once
 * @param tcpIdleTimeout a TCP connection with no query for this long is closed
 */
public record DnsSettings(
    InetSocketAddress listen,
    Cidr pool,
    Duration answerTtl,
    Duration poolTtl,
    Upstream upstream,
    List<InetSocketAddress> upstreams,
    Duration lookupTimeout,
    int maxTcpConnections,
    Duration tcpIdleTimeout) {

  /** Where names outside {@code .staex} go. */
  public enum Upstream {
    /** Answer REFUSED: nothing leaves the machine. */
    REFUSE,
    /** Forward to {@link DnsSettings#upstreams()} (or the system's resolvers). */
    FORWARD
  }

  public DnsSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(upstream, "upstream");
    upstreams = List.copyOf(upstreams);
    range("dns.answer-ttl", answerTtl, Duration.ofSeconds(1), Duration.ofDays(1));
    Duration minPoolTtl = answerTtl.multipliedBy(10);
    if (poolTtl.compareTo(minPoolTtl) < 0) {
      throw new IllegalArgumentException("dns.pool-ttl: " + text(poolTtl)
          + " (expected: at least 10 × dns.answer-ttl = " + text(minPoolTtl) + ")");
    }
    if (upstream == Upstream.REFUSE && !upstreams.isEmpty()) {
      throw new IllegalArgumentException("dns.upstreams: " + upstreams
          + " (expected: empty when dns.upstream is REFUSE)");
    }
    range("dns.lookup-timeout", lookupTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
    if (maxTcpConnections < 1 || maxTcpConnections > 65535) {
      throw new IllegalArgumentException(
          "dns.max-tcp-connections: " + maxTcpConnections + " (expected: 1~65535)");
    }
    range("dns.tcp-idle-timeout", tcpIdleTimeout, Duration.ofMillis(100), Duration.ofHours(1));
  }

  /** These settings, forwarding names outside {@code .staex} to {@code servers}. */
  public DnsSettings withForwarding(List<InetSocketAddress> servers) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, Upstream.FORWARD, servers,
        lookupTimeout, maxTcpConnections, tcpIdleTimeout);
  }

  /** These settings with other TCP limits. */
  public DnsSettings withTcpLimits(int maxConnections, Duration idleTimeout) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, upstream, upstreams,
        lookupTimeout, maxConnections, idleTimeout);
  }

  /** These settings with another lookup timeout. */
  public DnsSettings withLookupTimeout(Duration timeout) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, upstream, upstreams, timeout,
        maxTcpConnections, tcpIdleTimeout);
  }

  private static void range(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + ": " + text(value) + " (expected: " + text(min) + "~" + text(max) + ")");
    }
  }

  private static String text(Duration d) {
    return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
