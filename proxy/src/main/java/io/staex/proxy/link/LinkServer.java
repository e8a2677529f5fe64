package io.staex.proxy.link;

import io.staex.proxy.loop.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.staex.proxy.link.internal.LinkConfig;
import io.staex.proxy.link.internal.LinkPipeline;
import io.staex.proxy.link.internal.LinkStats;
import io.staex.proxy.loop.RateLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts links from children: the responder side of the link handshake. Before any handshake
 * work, a new connection is closed at once (and counted) when its source IP address has opened
 * more than {@code handshakesPerSecondPerSource} in the last second (a token bucket per address,
 * {@value RateLimiter#DEFAULT_MAX_SOURCES} addresses remembered), or when {@code maxLinks}
 * connections are open, handshaking ones included. Thread-safe.
 */
public final class LinkServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkServer.class);

  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final LinkStats stats;

  private LinkServer(Channel serverChannel, ChannelGroup connections, LinkStats stats) {
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.stats = stats;
  }

  /**
   * Listens on {@code bind} (port 0: any free port, see {@link #localAddress()}). The rate limit
   * runs on {@code credentials.clock()}.
   *
   * @throws io.netty.channel.ChannelException or an {@link java.io.IOException} (thrown
   *     unchecked by Netty) if the address cannot be bound
   */
  public static LinkServer start(
      EventLoopGroup group, InetSocketAddress bind, LinkCredentials credentials,
      LinkSettings settings, int maxLinks, int handshakesPerSecondPerSource,
      LinkListener listener) {
    if (maxLinks < 1) {
      throw new IllegalArgumentException("maxLinks: " + maxLinks + " (expected: 1 or more)");
    }
    if (handshakesPerSecondPerSource < 1) {
      throw new IllegalArgumentException("handshakesPerSecondPerSource: "
          + handshakesPerSecondPerSource + " (expected: 1 or more)");
    }
    RateLimiter<InetAddress> rate = new RateLimiter<>(handshakesPerSecondPerSource,
        RateLimiter.DEFAULT_MAX_SOURCES, credentials.clock());
    LinkStats stats = new LinkStats();
    LinkConfig config = new LinkConfig(credentials, settings, listener, stats);
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    AtomicInteger open = new AtomicInteger();
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(Transports.serverChannelType(group))
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
          protected void initChannel(Channel ch) {
            if (ch.remoteAddress() instanceof InetSocketAddress from
                && !rate.tryAcquire(from.getAddress())) {
              stats.connectionsRateLimited.increment();
              log.debug("link from {} refused: over {} handshakes per second", from,
                  handshakesPerSecondPerSource);
              ch.close();
              return;
            }
            if (open.incrementAndGet() > maxLinks) {
              open.decrementAndGet();
              stats.connectionsRefused.increment();
              log.debug("link from {} refused: {} links already", ch.remoteAddress(), maxLinks);
              ch.close();
              return;
            }
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            connections.add(ch);
            LinkPipeline.handshakePhase(ch, config, null);
          }
        });
    Channel channel = b.bind(bind).syncUninterruptibly().channel();
    return new LinkServer(channel, connections, stats);
  }

  /** The address listened on. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public LinkCounters counters() {
    return stats.snapshot();
  }

  /** Stops listening and closes every link it accepted; waits for both. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
  }
}
