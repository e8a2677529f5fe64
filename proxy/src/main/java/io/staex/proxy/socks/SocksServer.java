package io.staex.proxy.socks;

import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.staex.proxy.socks.internal.SocksServerInitializer;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.stream.Streams;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SOCKS5 server (RFC 1928, CONNECT only; RFC 1929 username/password when configured): a port
 * forward whose target the client chooses. An app set to {@code socks5h://127.0.0.1:1080}
 * reaches {@code <address>.staex:80}, a certified name ({@code camera1.staex}) or an address
 * of the DNS resolver's pool; names outside {@code .staex} are refused, so nothing leaks onto
 * the Internet. Each accepted CONNECT becomes one stream ({@code docs/socks.md}); the reply
 * waits until the peer accepted the stream and tells the truth when it did not.
 *
 * <p>Threading: listens on the stream layer's loop, like {@code PortForwards}; {@link #start}
 * and {@link #close} block and must not be called on that loop.
 */
public final class SocksServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocksServer.class);

  private final Channel listener;
  private final SocksServerInitializer initializer;

  private SocksServer(Channel listener, SocksServerInitializer initializer) {
    this.listener = listener;
    this.initializer = initializer;
  }

  /**
   * Binds {@link SocksSettings#listen()} and serves clients until {@link #close}.
   *
   * @throws io.netty.channel.ChannelException or the bind's cause if it cannot listen
   */
  public static SocksServer start(Streams streams, SocksSettings settings,
      SocksTargets targets) {
    return start(streams, settings, Router.overlayOnly(targets), null, null);
  }

  /** As the five-argument form, without UDP ASSOCIATE. */
  public static SocksServer start(Streams streams, SocksSettings settings, Router router) {
    return start(streams, settings, router, null, null);
  }

  /** As the five-argument form, to the overlay only (no exits). */
  public static SocksServer start(Streams streams, SocksSettings settings,
      SocksTargets targets, UdpSettings udpSettings, UdpCounters udpCounters) {
    return start(streams, settings, Router.overlayOnly(targets), udpSettings, udpCounters);
  }

  /**
   * As {@link #start(Streams, SocksSettings, SocksTargets)}, with destinations decided by
   * {@code router} (which holds the exits, {@code socks.exit}), and UDP ASSOCIATE (RFC 1928 §7)
   * to {@code .staex} destinations under {@code udpSettings}, counted in {@code udpCounters}
   * ({@code docs/udp.md}); null settings refuse it (COMMAND_UNSUPPORTED).
   */
  public static SocksServer start(Streams streams, SocksSettings settings, Router router,
      UdpSettings udpSettings, UdpCounters udpCounters) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(router, "router");
    EventLoop loop = streams.loop();
    SocksServerInitializer init =
        new SocksServerInitializer(streams, settings, router, udpSettings, udpCounters);
    Channel ch = new ServerBootstrap()
        .group(loop, loop)
        .channel(Transports.serverChannelType(loop))
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(init)
        .bind(settings.listen()).syncUninterruptibly().channel();
    log.info("SOCKS5 listening on {}{}", ch.localAddress(),
        settings.credentials().isPresent() ? " (username/password)" : "");
    return new SocksServer(ch, init);
  }

  /** The address it really listens on (port 0 resolved). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Clients accepted into the handshake since start. */
  public long accepted() {
    return initializer.accepted();
  }

  /** Clients closed at once because {@link SocksSettings#maxPendingHandshakes()} were pending. */
  public long shed() {
    return initializer.shed();
  }

  /**
   * Uses {@code next} for clients accepted from now on (credentials, handshake limits), without
   * binding again; clients connected already keep going. A reload does this when {@code
   * socks.listen} stayed the same ({@code next.listen()} is not looked at).
   */
  public void update(SocksSettings next) {
    Objects.requireNonNull(next, "next");
    initializer.update(next);
  }

  /** Stops listening; connections already bridged keep their streams. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
  }
}
