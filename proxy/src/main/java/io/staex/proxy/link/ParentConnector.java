package io.staex.proxy.link;

import io.staex.proxy.loop.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.staex.crypto.Address;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.link.internal.LinkConfig;
import io.staex.proxy.link.internal.LinkPipeline;
import io.staex.proxy.link.internal.LinkStats;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a link to the parent: dials {@code endpoint} as the handshake initiator expecting
 * {@code parent}'s address, and after a failed dial or a lost link dials again with {@link
 * RedialBackoff} — forever, until {@link #close()}: a node that starts before its parent must
 * not give up. A link that came up resets the backoff.
 *
 * <p>State lives on one event loop of the group ({@code loop}); the public methods are
 * thread-safe.
 */
public final class ParentConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParentConnector.class);

  private final EventLoopGroup group;
  private final EventLoop loop;
  private final InetSocketAddress endpoint;
  private final Address parent;
  private final RedialBackoff backoff;
  private final LinkCredentials credentials;
  private final LinkStats stats = new LinkStats();
  private final LinkConfig config;
  // Owned by loop:
  private boolean closed;
  private int failures;
  private Channel channel;
  private ScheduledFuture<?> redial;
  /** Written on loop, read anywhere. */
  private volatile Link link;

  private ParentConnector(
      EventLoopGroup group, InetSocketAddress endpoint, Address parent,
      LinkCredentials credentials, LinkSettings settings, RedialBackoff backoff,
      LinkListener listener) {
    this.group = group;
    this.loop = group.next();
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.parent = Objects.requireNonNull(parent, "parent");
    this.credentials = credentials;
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.config = new LinkConfig(credentials, settings, new Tracking(listener), stats);
  }

  /**
   * Starts dialling {@code endpoint} (may be unresolved: resolved at each dial) at once.
   *
   * @param parent the address the parent must prove; anyone else is refused
   */
  public static ParentConnector start(
      EventLoopGroup group, InetSocketAddress endpoint, Address parent,
      LinkCredentials credentials, LinkSettings settings, RedialBackoff backoff,
      LinkListener listener) {
    ParentConnector c =
        new ParentConnector(group, endpoint, parent, credentials, settings, backoff, listener);
    c.loop.execute(c::dial);
    return c;
  }

  /** The link to the parent, while it is up. */
  public Optional<Link> link() {
    return Optional.ofNullable(link);
  }

  public LinkCounters counters() {
    return stats.snapshot();
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private void dial() {
    assert loop.inEventLoop();
    redial = null;
    if (closed) {
      return;
    }
    stats.dials.increment();
    ChannelFuture connect = new Bootstrap()
        .group(loop)
        .channel(Transports.socketChannelType(group))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, config.settings().handshakeTimeout().toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            LinkPipeline.handshakePhase(ch, config, parent);
          }
        })
        .connect(endpoint);
    channel = connect.channel();
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        log.debug("dialling parent {} at {} failed: {}", parent, endpoint, f.cause().toString());
        connect.channel().close();
      }
    });
    connect.channel().closeFuture().addListener(f -> closedChannel());
  }

  private void closedChannel() {
    assert loop.inEventLoop();
    channel = null;
    if (closed || redial != null) {
      return;
    }
    failures++;
    long nominal = backoff.nominalMillis(failures);
    long delay = nominal / 2 + (long) (credentials.random().nextDouble() * (nominal - nominal / 2));
    log.debug("redialling parent {} at {} in {} ms", parent, endpoint, delay);
    redial = loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
  }

  /** Stops dialling and closes the link, if any; waits until done. */
  @Override
  public void close() {
    Runnable stop = () -> {
      closed = true;
      if (redial != null) {
        redial.cancel(false);
      }
      if (channel != null) {
        LinkPipeline.close(channel, "closed locally");
      }
    };
    if (loop.inEventLoop()) {
      stop.run();
    } else {
      loop.submit(stop).syncUninterruptibly();
      Channel ch = loop.submit(() -> channel).syncUninterruptibly().getNow();
      if (ch != null) {
        ch.closeFuture().awaitUninterruptibly();
      }
    }
  }

  /** Tracks the link and resets the backoff, then tells the layer above. */
  private final class Tracking implements LinkListener {
    private final LinkListener delegate;

    Tracking(LinkListener delegate) {
      this.delegate = Objects.requireNonNull(delegate, "listener");
    }

    @Override
    public void linkUp(Link up) {
      failures = 0;
      link = up;
      delegate.linkUp(up);
    }

    @Override
    public void frame(Link from, LinkFrame frame) {
      delegate.frame(from, frame);
    }

    @Override
    public void linkDown(Link down, String reason) {
      link = null;
      delegate.linkDown(down, reason);
    }

    @Override
    public void writabilityChanged(Link l) {
      delegate.writabilityChanged(l);
    }
  }
}
