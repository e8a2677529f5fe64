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
 * @param upstreams servers to forward to ({@link Upstream#FORWARD}: empty means the system's,
 *     from {@code /etc/resolv.conf}; {@link Upstream#VIA_EXIT}: at least one, tried in order)
 * @param lookupTimeout how long a certified-name lookup or a forwarded query may take
 * @param maxTcpConnections TCP connections open at once; more are closed at once
 * @param tcpIdleTimeout a TCP connection with no query for this long is closed
 * @param allow the client networks allowed to ask; empty means loopback clients only, and is
 *     refused for a {@code listen} address that is not loopback (no open resolver)
 * @param maxNewNamesPerSecond pool addresses handed out to nodes that hold none, per second
 *     on average (a token bucket holding {@link #NEW_NAME_BURST_SECONDS} seconds' worth); past
 *     it a new name gets SERVFAIL, names that hold an address keep answering
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
    Duration tcpIdleTimeout,
    List<ClientNetwork> allow,
    int maxNewNamesPerSecond) {

  /** The new-name bucket holds this many seconds of {@code maxNewNamesPerSecond}. */
  public static final int NEW_NAME_BURST_SECONDS = 10;

  /** Where names outside {@code .staex} go. */
  public enum Upstream {
    /** Answer REFUSED: nothing leaves the machine. */
    REFUSE,
    /** Forward to {@link DnsSettings#upstreams()} (or the system's resolvers). */
    FORWARD,
    /**
     * Forward to {@link DnsSettings#upstreams()} (at least one) over TCP through the node's
     * exits ({@link DnsTunnel}): for a node without Internet of its own.
     */
    VIA_EXIT
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
    if (upstream == Upstream.VIA_EXIT && upstreams.isEmpty()) {
      throw new IllegalArgumentException("dns.upstreams: [] (expected: at least one host:port"
          + " when dns.forward = via-exit: the exit connects to it, the system's resolvers"
          + " are this machine's)");
    }
    range("dns.lookup-timeout", lookupTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
    if (maxTcpConnections < 1 || maxTcpConnections > 65535) {
      throw new IllegalArgumentException(
          "dns.max-tcp-connections: " + maxTcpConnections + " (expected: 1~65535)");
    }
    range("dns.tcp-idle-timeout", tcpIdleTimeout, Duration.ofMillis(100), Duration.ofHours(1));
    allow = List.copyOf(allow);
    if (allow.isEmpty() && !isLoopback(listen)) {
      throw new IllegalArgumentException("dns.listen: " + text(listen)
          + " is not a loopback address; set dns.allow to the client networks allowed to ask"
          + " (expected: a loopback address, or dns.allow)");
    }
    if (maxNewNamesPerSecond < 1 || maxNewNamesPerSecond > 100_000) {
      throw new IllegalArgumentException("dns.max-new-names-per-second: " + maxNewNamesPerSecond
          + " (expected: 1~100000)");
    }
  }

  /** These settings, forwarding names outside {@code .staex} to {@code servers}. */
  public DnsSettings withForwarding(List<InetSocketAddress> servers) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, Upstream.FORWARD, servers,
        lookupTimeout, maxTcpConnections, tcpIdleTimeout, allow, maxNewNamesPerSecond);
  }

  /** These settings, forwarding names outside {@code .staex} to {@code servers} via the exits. */
  public DnsSettings withForwardingViaExit(List<InetSocketAddress> servers) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, Upstream.VIA_EXIT, servers,
        lookupTimeout, maxTcpConnections, tcpIdleTimeout, allow, maxNewNamesPerSecond);
  }

  /** These settings with other TCP limits. */
  public DnsSettings withTcpLimits(int maxConnections, Duration idleTimeout) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, upstream, upstreams,
        lookupTimeout, maxConnections, idleTimeout, allow, maxNewNamesPerSecond);
  }

  /** These settings with another lookup timeout. */
  public DnsSettings withLookupTimeout(Duration timeout) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, upstream, upstreams, timeout,
        maxTcpConnections, tcpIdleTimeout, allow, maxNewNamesPerSecond);
  }

  /** These settings answering the clients of {@code networks} only. */
  public DnsSettings withAllow(List<ClientNetwork> networks) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, upstream, upstreams,
        lookupTimeout, maxTcpConnections, tcpIdleTimeout, networks, maxNewNamesPerSecond);
  }

  /** These settings with another bound on new names per second. */
  public DnsSettings withMaxNewNamesPerSecond(int perSecond) {
    return new DnsSettings(listen, pool, answerTtl, poolTtl, upstream, upstreams,
        lookupTimeout, maxTcpConnections, tcpIdleTimeout, allow, perSecond);
  }

  /** Whether a client at {@code address} may ask: in {@link #allow}, or loopback if empty. */
  public boolean allows(java.net.InetAddress address) {
    if (allow.isEmpty()) {
      return address.isLoopbackAddress();
    }
    return allow.stream().anyMatch(n -> n.contains(address));
  }

  private static boolean isLoopback(InetSocketAddress address) {
    return address.getAddress() != null ? address.getAddress().isLoopbackAddress()
        : address.getHostString().equals("localhost");
  }

  private static String text(InetSocketAddress address) {
    String host = address.getAddress() == null ? address.getHostString()
        : address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
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
