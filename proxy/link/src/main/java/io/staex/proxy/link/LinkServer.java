package io.staex.proxy.link;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.link.internal.AcceptGate;
import io.staex.proxy.link.internal.LinkConfig;
import io.staex.proxy.link.internal.LinkPipeline;
import io.staex.proxy.link.internal.LinkStats;
import io.staex.proxy.loop.Transports;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts links from children: the responder side of the link handshake. Every new connection
 * passes an {@link AcceptGate} in the channel initializer, before any handshake work (no Noise
 * state, no DH): per source prefix (IPv4 /24, IPv6 /64) a rate of {@code
 * handshakesPerSecondPerSource} a second and a cap of {@link StartupLimits#perPrefix()}
 * handshakes in progress; over all sources {@link StartupLimits} ({@code start:rate:full} with
 * random early drop) for handshakes in progress and {@code maxLinks} for established links
 * (handshaking connections do not count against it). A refused connection is closed at once and
 * counted ({@link LinkCounters}); refusals are logged at WARN at most once every {@value
 * #LOG_INTERVAL_SECONDS} s, as a summary. A handshaking connection whose first message does not
 * arrive within {@link StartupLimits#firstMessageTimeout()} is closed. A connection stops being
 * a startup when its link is up (the child's first record opened), and becomes a link unless
 * {@code maxLinks} were reached meanwhile (then it is closed, {@code connectionsRefused}).
 * Thread-safe.
 */
public final class LinkServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkServer.class);
  static final int LOG_INTERVAL_SECONDS = 10;

  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final LinkStats stats;
  private final AcceptGate gate;

  private LinkServer(
      Channel serverChannel, ChannelGroup connections, LinkStats stats, AcceptGate gate) {
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.stats = stats;
    this.gate = gate;
  }

  /**
   * Listens on {@code bind} (port 0: any free port, see {@link #localAddress()}). The rate limit
   * runs on {@code credentials.clock()}, the early drops draw from {@code credentials.random()}.
   *
   * @throws io.netty.channel.ChannelException or an {@link java.io.IOException} (thrown
   *     unchecked by Netty) if the address cannot be bound
   */
  public static LinkServer start(
      EventLoopGroup group, InetSocketAddress bind, LinkCredentials credentials,
      LinkSettings settings, int maxLinks, int handshakesPerSecondPerSource,
      StartupLimits startups, LinkListener listener) {
    Objects.requireNonNull(startups, "startups");
    AcceptGate gate = new AcceptGate(maxLinks, handshakesPerSecondPerSource, startups,
        credentials.clock(), credentials.random());
    LinkStats stats = new LinkStats();
    RefusalLog refusalLog = new RefusalLog(credentials.clock(), stats);
    Map<SocketAddress, AcceptGate.Admission> admitted = new ConcurrentHashMap<>();
    GatedListener gated = new GatedListener(listener, admitted, stats);
    LinkConfig config = new LinkConfig(credentials, settings, gated, stats);
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(Transports.serverChannelType(group))
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
          protected void initChannel(Channel ch) {
            if (!(ch.remoteAddress() instanceof InetSocketAddress from)
                || from.getAddress() == null) {
              ch.close(); // not TCP/IP: nothing to rate or count by
              return;
            }
            AcceptGate.Admission admission = gate.admit(from.getAddress());
            AcceptGate.Refusal refusal = admission.refusal();
            if (refusal != null) {
              count(stats, refusal);
              refusalLog.refused(admission, from);
              ch.close();
              return;
            }
            admitted.put(from, admission);
            ch.closeFuture().addListener(f -> {
              admitted.remove(from, admission);
              admission.closed();
            });
            connections.add(ch);
            LinkPipeline.acceptPhase(ch, config, startups.firstMessageTimeout());
          }
        });
    Channel channel = b.bind(bind).syncUninterruptibly().channel();
    return new LinkServer(channel, connections, stats, gate);
  }

  private static void count(LinkStats stats, AcceptGate.Refusal refusal) {
    switch (refusal) {
      case RATE -> stats.connectionsRateLimited.increment();
      case LINKS_FULL -> stats.connectionsRefused.increment();
      case STARTUPS_FULL -> stats.startupsFull.increment();
      case PREFIX_FULL -> stats.startupsPrefixFull.increment();
      case EARLY_DROP -> stats.startupsEarlyDropped.increment();
    }
  }

  /** The address listened on. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public LinkCounters counters() {
    return stats.snapshot();
  }

  /** Connections accepted whose handshake has not finished, now. */
  public int startups() {
    return gate.startups();
  }

  /** Established links, now. */
  public int links() {
    return gate.links();
  }

  /** Source prefixes with a handshake in progress now (at most {@code full}). */
  public int startupPrefixes() {
    return gate.startupPrefixes();
  }

  /** Source prefixes whose rate bucket is remembered (at most 4096). */
  public int ratePrefixes() {
    return gate.ratePrefixes();
  }

  /** Stops listening and closes every link it accepted; waits for both. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
  }

  /**
   * Passes link events on, turning the startup into a link on {@code linkUp} (the child's first
   * record opened: key confirmation); a link over {@code maxLinks} is closed there and never
   * reported.
   */
  private static final class GatedListener implements LinkListener {
    private final LinkListener delegate;
    private final Map<SocketAddress, AcceptGate.Admission> admitted;
    private final LinkStats stats;
    /** Links closed in linkUp for maxLinks: their frames and linkDown are not passed on. */
    private final Set<Link> refused = ConcurrentHashMap.newKeySet();

    GatedListener(LinkListener delegate, Map<SocketAddress, AcceptGate.Admission> admitted,
        LinkStats stats) {
      this.delegate = Objects.requireNonNull(delegate, "listener");
      this.admitted = admitted;
      this.stats = stats;
    }

    @Override
    public void linkUp(Link link) {
      AcceptGate.Admission admission = admitted.get(link.remoteAddress());
      if (admission != null && !admission.linked()) {
        refused.add(link);
        stats.connectionsRefused.increment();
        log.debug("link with {} closed: max links reached while it handshook", link);
        link.close();
        return;
      }
      delegate.linkUp(link);
    }

    @Override
    public void frame(Link link, LinkFrame frame) {
      if (!refused.isEmpty() && refused.contains(link)) {
        return;
      }
      delegate.frame(link, frame);
    }

    @Override
    public void linkDown(Link link, String reason) {
      if (!refused.isEmpty() && refused.remove(link)) {
        return;
      }
      delegate.linkDown(link, reason);
    }

    @Override
    public void writabilityChanged(Link link) {
      if (!refused.isEmpty() && refused.contains(link)) {
        return;
      }
      delegate.writabilityChanged(link);
    }
  }

  /**
   * One WARN line per interval at most, summing the refusals since the last, so a flood costs a
   * line every {@value #LOG_INTERVAL_SECONDS} s rather than one per connection. The line is
   * written by the refusal that finds the interval over; refusals in a quiet interval after a
   * burst are summed into the next burst's line.
   */
  private static final class RefusalLog {
    private static final Duration INTERVAL = Duration.ofSeconds(LOG_INTERVAL_SECONDS);
    private final Clock clock;
    private final LinkStats stats;
    /** Guarded by {@code this}. */
    private long lastMillis = Long.MIN_VALUE;
    /** Guarded by {@code this}: the total at the last line. */
    private long loggedTotal;

    RefusalLog(Clock clock, LinkStats stats) {
      this.clock = clock;
      this.stats = stats;
    }

    void refused(AcceptGate.Admission admission, InetSocketAddress from) {
      log.debug("link from {} refused: {} ({})", from, admission.refusal(), admission.prefix());
      long now = clock.millis();
      LinkCounters c;
      long since;
      synchronized (this) {
        if (lastMillis != Long.MIN_VALUE && now - lastMillis < INTERVAL.toMillis()) {
          return;
        }
        lastMillis = now;
        c = stats.snapshot();
        since = c.acceptRefusals() - loggedTotal;
        loggedTotal = c.acceptRefusals();
      }
      log.warn("link server refused {} connection(s) since the last report, last from {} ({}:"
              + " {}); totals: startups full {}, early drop {}, prefix full {}, rate {},"
              + " max links {}", since, from, admission.prefix(), admission.refusal(),
          c.startupsFull(), c.startupsEarlyDropped(), c.startupsPrefixFull(),
          c.connectionsRateLimited(), c.connectionsRefused());
    }
  }
}
