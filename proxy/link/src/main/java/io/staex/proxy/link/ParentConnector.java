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
import io.staex.proxy.loop.LogEvery;
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
 * not give up. A link that came up resets the backoff: the first redial after a lost link comes
 * after {@code initial} (jittered), and within the backoff's recent window after the loss (or
 * the start) dials stay at most {@code recentMax} apart.
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
  /** Dial failures are logged at WARN once per interval; each is in {@link #state()}. */
  private final LogEvery failureLog = new LogEvery(FAILURE_LOG_INTERVAL);
  /** The last failure logged at WARN (loop-confined). */
  private String lastLogged;
  // Owned by loop:
  /** Whether the current dial's link came up. */
  private boolean wasUp;
  private boolean closed;
  /** The nominal delay of the last redial, 0 after a link was up (or at the start). */
  private long lastNominal;
  /** Loop ticker time (ns) of the start or of the last link down: the recent window's start. */
  private long recentSince;
  private Channel channel;
  private ScheduledFuture<?> redial;
  /** Written on loop, read anywhere. */
  private volatile Link link;
  /** Written on loop, read anywhere. */
  private volatile DialState state = new DialState(null, null, null, null);

  /** How often a parent's dial failures are logged at WARN (all are counted and shown). */
  public static final java.time.Duration FAILURE_LOG_INTERVAL = java.time.Duration.ofMinutes(1);

  /**
   * What happened to the last dial, for {@code staex status}: why a parent is down.
   *
   * @param lastAttempt when the last dial began; null before the first
   * @param lastError why the last dial or link failed, in words (connection refused, timed out,
   *     refused by our trust policy and why, closed by the parent during the handshake); null
   *     while the link is up or before the first failure
   * @param lastErrorAt when {@code lastError} happened
   * @param nextAttempt when the next dial is due; null while dialling or up
   */
  public record DialState(java.time.Instant lastAttempt, String lastError,
      java.time.Instant lastErrorAt, java.time.Instant nextAttempt) {}

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
    c.loop.execute(() -> {
      c.recentSince = c.loop.ticker().nanoTime();
      c.dial();
    });
    return c;
  }

  /** The link to the parent, while it is up. */
  public Optional<Link> link() {
    return Optional.ofNullable(link);
  }

  public LinkCounters counters() {
    return stats.snapshot();
  }

  /** The address the parent must prove. */
  public Address parent() {
    return parent;
  }

  /** The last dial and its outcome; any thread. */
  public DialState state() {
    return state;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private void dial() {
    assert loop.inEventLoop();
    redial = null;
    if (closed) {
      return;
    }
    stats.dials.increment();
    wasUp = false;
    DialState s = state;
    state = new DialState(credentials.clock().instant(), s.lastError(), s.lastErrorAt(), null);
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
        connect.channel().close();
      }
    });
    connect.channel().closeFuture().addListener(f -> closedChannel(connect));
  }

  /**
   * The dial's channel closed: before it connected, during the handshake, or after the link was
   * up (then {@link Tracking#linkDown} recorded why). The next dial is scheduled.
   */
  private void closedChannel(ChannelFuture connect) {
    assert loop.inEventLoop();
    channel = null;
    if (closed || redial != null) {
      return;
    }
    if (!connect.isSuccess()) {
      failed(connect.cause() == null ? "connect failed" : describe(connect.cause()));
    } else if (!wasUp) {
      String reason = LinkPipeline.closeReason(connect.channel());
      failed(reason != null ? reason : "closed by the parent during the handshake: it refused"
          + " this node (does it trust this node's network? is this node's certificate valid"
          + " and not revoked?), or it is not " + parent + " (is that the address `staex"
          + " addr` prints on it?), or it gave up waiting for this node's first message"
          + " (limits.link-first-message-timeout on the parent: a busy machine or a slow"
          + " path; its `staex status` counts these under accepts)");
    }
    boolean recent = loop.ticker().nanoTime() - recentSince < backoff.recentWindow().toNanos();
    long nominal = backoff.nextNominalMillis(lastNominal, recent);
    lastNominal = nominal;
    long delay = nominal / 2 + (long) (credentials.random().nextDouble() * (nominal - nominal / 2));
    log.debug("redialling parent {} at {} in {} ms", parent, endpoint, delay);
    redial = loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    DialState s = state;
    state = new DialState(s.lastAttempt(), s.lastError(), s.lastErrorAt(),
        credentials.clock().instant().plusMillis(delay));
  }

  /**
   * The dial that began last failed: recorded for status, logged at WARN when the reason is new
   * (refused while the parent starts, then refused by its trust: the operator needs the second)
   * and else at most once per {@link #FAILURE_LOG_INTERVAL}.
   */
  private void failed(String why) {
    DialState s = state;
    state = new DialState(s.lastAttempt(), why, credentials.clock().instant(), null);
    boolean news = !why.equals(lastLogged);
    if (news || failureLog.due(loop.ticker().nanoTime())) {
      lastLogged = why;
      log.warn("parent {} at {}:{}: {}{}", parent.shortText(), endpoint.getHostString(),
          endpoint.getPort(), why, news ? "" : failureLog.takeSkipped());
    } else {
      log.debug("parent {} at {}: {}", parent, endpoint, why);
    }
  }

  /** A connect failure in words, without exception class names. */
  static String describe(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
      if (m.contains("connection refused")) {
        return "connection refused (nothing listens there, or a firewall refuses)";
      }
      if (t instanceof io.netty.channel.ConnectTimeoutException || m.contains("timed out")) {
        return "connect timed out (no answer: host down, or a firewall drops the packets)";
      }
      if (m.contains("no route to host")) {
        return "no route to host";
      }
      if (m.contains("network is unreachable")) {
        return "network unreachable";
      }
      if (t instanceof java.net.UnknownHostException) {
        return "host does not resolve" + (t.getMessage() == null ? "" : ": " + t.getMessage());
      }
    }
    String m = cause.getMessage();
    return m == null ? cause.getClass().getSimpleName()
        : m.replaceAll("\\b(?:[a-z]+\\.)+[A-Z]\\w*(?:\\$\\w+)*: ", "");
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
      lastNominal = 0;
      wasUp = true;
      DialState s = state;
      state = new DialState(s.lastAttempt(), null, null, null);
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
      recentSince = loop.ticker().nanoTime();
      DialState s = state;
      state = new DialState(s.lastAttempt(), "link lost: " + reason,
          credentials.clock().instant(), null);
      delegate.linkDown(down, reason);
    }

    @Override
    public void writabilityChanged(Link l) {
      delegate.writabilityChanged(l);
    }
  }
}
