package io.staex.resolver;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Ticker;
import io.staex.resolver.internal.DnsCounters;
import io.staex.resolver.internal.DnsTransport;
import io.staex.resolver.internal.Forwarder;
import io.staex.resolver.internal.QueryAnswerer;
import io.staex.resolver.internal.ResolverForwarder;
import io.staex.resolver.internal.TcpInitializer;
import io.staex.resolver.internal.TokenBucket;
import io.staex.resolver.internal.TunnelForwarder;
import io.staex.resolver.internal.UdpQueryHandler;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DNS server for {@code .staex} names on UDP and TCP, one port for both (see
 * {@code docs/resolver.md} for what is answered how).
 *
 * <p>{@code <address>.staex} gets an address of the {@link AddressPool}; {@code <name>.staex}
 * asks the {@link NameResolver}; other names are forwarded or REFUSED as
 * {@link DnsSettings#upstream()} says. Answers are asynchronous: the event loops never wait for
 * a lookup. Malformed queries get FORMERR (or NOTIMP), never an exception.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
  /** Attempts to find a port free for both UDP and TCP when the settings ask for port 0. */
  private static final int BIND_ATTEMPTS = 5;

  private final Channel udp;
  private final Channel tcp;
  private final TcpInitializer tcpInitializer;
  private final DnsCounters counters;

  private DnsServer(Channel udp, Channel tcp, TcpInitializer tcpInitializer,
      DnsCounters counters) {
    this.udp = udp;
    this.tcp = tcp;
    this.tcpInitializer = tcpInitializer;
    this.counters = counters;
  }

  /** What it refused or limited so far. Thread-safe. */
  public DnsStats stats() {
    return counters.snapshot();
  }

  /**
   * Binds UDP, then TCP on the port UDP got, and serves until {@link #close}. Blocks while
   * binding; call it outside the event loops.
   *
   * @throws ChannelException if an address can't be bound
   * @throws IllegalArgumentException if forwarding to the system's resolvers finds none
   */
  public static DnsServer start(DnsSettings settings, AddressPool pool, NameResolver names,
      EventLoopGroup group) {
    return start(settings, pool, names, group, Ticker.systemTicker());
  }

  /**
   * As {@link #start(DnsSettings, AddressPool, NameResolver, EventLoopGroup)}, with the
   * monotonic time the new-name rate limit follows (tests: a {@code ManualClock}).
   */
  public static DnsServer start(DnsSettings settings, AddressPool pool, NameResolver names,
      EventLoopGroup group, Ticker ticker) {
    return start(settings, pool, names, group, ticker, null);
  }

  /**
   * As {@link #start(DnsSettings, AddressPool, NameResolver, EventLoopGroup, Ticker)}, with the
   * way names outside {@code .staex} go when {@link DnsSettings#upstream()} is {@link
   * DnsSettings.Upstream#VIA_EXIT} (required then, else unused).
   */
  public static DnsServer start(DnsSettings settings, AddressPool pool, NameResolver names,
      EventLoopGroup group, Ticker ticker, DnsTunnel tunnel) {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(names, "names");
    Forwarder forwarder = switch (settings.upstream()) {
      case FORWARD -> new ResolverForwarder(settings.upstreams(), settings.lookupTimeout());
      case VIA_EXIT -> new TunnelForwarder(
          Objects.requireNonNull(tunnel, "tunnel (dns.forward = via-exit)"), settings.upstreams());
      case REFUSE -> null;
    };
    DnsCounters counters = new DnsCounters();
    TokenBucket newNames = new TokenBucket(settings.maxNewNamesPerSecond(),
        (long) settings.maxNewNamesPerSecond() * DnsSettings.NEW_NAME_BURST_SECONDS,
        ticker::nanoTime);
    QueryAnswerer answerer = new QueryAnswerer(pool, names, forwarder, group,
        settings.answerTtl(), settings.lookupTimeout(), settings::allows, newNames, counters);
    TcpInitializer tcpInitializer = new TcpInitializer(
        answerer, settings.maxTcpConnections(), settings.tcpIdleTimeout());
    Bootstrap udpBootstrap = new Bootstrap()
        .group(group)
        .channel(DnsTransport.datagramChannelType(group))
        .handler(new UdpQueryHandler(answerer));
    ServerBootstrap tcpBootstrap = new ServerBootstrap()
        .group(group)
        .channel(DnsTransport.serverChannelType(group))
        .childHandler(tcpInitializer);
    InetSocketAddress listen = settings.listen();
    int attempts = listen.getPort() == 0 ? BIND_ATTEMPTS : 1;
    for (int attempt = 1; ; attempt++) {
      Channel udp = bind(udpBootstrap.bind(listen), "udp", listen);
      InetSocketAddress bound = (InetSocketAddress) udp.localAddress();
      try {
        Channel tcp = bind(tcpBootstrap.bind(bound), "tcp", bound);
        log.info("dns listening on {} (udp and tcp), pool {}, names outside .staex: {},"
            + " clients: {}", bound, pool, settings.upstream(),
            settings.allow().isEmpty() ? "loopback" : settings.allow());
        return new DnsServer(udp, tcp, tcpInitializer, counters);
      } catch (ChannelException e) {
        udp.close().syncUninterruptibly();
        if (attempt >= attempts) {
          throw e;
        }
        log.debug("tcp port {} taken, trying another: {}", bound.getPort(), e.toString());
      }
    }
  }

  /**
   * The bound channel; a failed bind (Netty hands back the checked {@code BindException}
   * itself) becomes a {@link ChannelException} naming the address.
   */
  private static Channel bind(ChannelFuture future, String protocol, InetSocketAddress at) {
    future.awaitUninterruptibly();
    if (!future.isSuccess()) {
      String where = at.getAddress() == null ? at.getHostString()
          : at.getAddress().getHostAddress();
      throw new ChannelException("dns.listen: cannot bind " + protocol + " " + where + ":"
          + at.getPort() + ": "
          + future.cause().getMessage(), future.cause());
    }
    return future.channel();
  }

  /** Where the server listens, UDP and TCP; the real port when the settings said 0. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) udp.localAddress();
  }

  /** Stops listening and closes open TCP connections; waits until the sockets are closed. */
  @Override
  public void close() {
    udp.close().syncUninterruptibly();
    tcp.close().syncUninterruptibly();
    tcpInitializer.closeAll();
  }
}
