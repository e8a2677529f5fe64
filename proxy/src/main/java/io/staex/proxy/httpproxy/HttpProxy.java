package io.staex.proxy.httpproxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpServerCodec;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.socks.Router;
import io.staex.proxy.stream.Streams;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP proxy door ({@code docs/http-proxy.md}): {@code CONNECT host:port} and absolute-URI
 * requests ({@code GET http://camera1.staex/}) become streams, decided by the same {@link
 * Router} as SOCKS (so {@code .staex} stays on the overlay, other hosts go to the exits or are
 * refused 403); {@code GET /proxy.pac} serves a PAC file. Listens on the stream layer's loop;
 * {@link #start} and {@link #close} block and must not be called on it.
 */
public final class HttpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpProxy.class);

  private final Channel listener;
  final Counters counters;

  /** The door's counters, shared by its connections (LongAdders: read by status). */
  static final class Counters {
    final LongAdder accepted = new LongAdder();
    final LongAdder shed = new LongAdder();
    final LongAdder tunnels = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder pac = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder tooLarge = new LongAdder();
    final LongAdder bad = new LongAdder();
    /** Loop-confined. */
    int pending;
  }

  private HttpProxy(Channel listener, Counters counters) {
    this.listener = listener;
    this.counters = counters;
  }

  /** Binds {@link HttpProxySettings#listen()} and serves clients until {@link #close}. */
  public static HttpProxy start(Streams streams, HttpProxySettings settings, Router router) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(router, "router");
    EventLoop loop = streams.loop();
    Counters counters = new Counters();
    Channel ch = new ServerBootstrap()
        .group(loop, loop)
        .channel(Transports.serverChannelType(loop))
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
          protected void initChannel(Channel c) {
            if (counters.pending >= settings.maxPendingHandshakes()) {
              counters.shed.increment();
              log.debug("HTTP proxy client {} closed: {} pending"
                  + " (http-proxy.max-pending-handshakes)", c.remoteAddress(), counters.pending);
              c.close();
              return;
            }
            counters.accepted.increment();
            counters.pending++;
            c.pipeline().addLast(
                new HttpServerCodec(4096, settings.maxHeaderBytes(), 8192),
                new HttpProxyHandler(streams, router, settings, counters));
          }
        })
        .bind(settings.listen()).syncUninterruptibly().channel();
    log.info("HTTP proxy listening on {}", ch.localAddress());
    return new HttpProxy(ch, counters);
  }

  /** The address it really listens on (port 0 resolved). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** What it did since start (any thread). */
  public HttpProxyCounters counters() {
    Counters c = counters;
    return new HttpProxyCounters(c.accepted.sum(), c.shed.sum(), c.tunnels.sum(),
        c.requests.sum(), c.pac.sum(), c.refused.sum(), c.tooLarge.sum(), c.bad.sum());
  }

  /** Stops listening; connections already bridged keep their streams. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
  }
}
