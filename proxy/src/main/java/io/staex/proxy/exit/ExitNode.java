package io.staex.proxy.exit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.loop.LogEvery;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.stream.SocketBridge;
import io.staex.proxy.stream.Stream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as an exit ({@code docs/exit.md}): an incoming OPEN_HOST stream asks for a host
 * and port beyond this node. In order, cheapest first:
 *
 * <pre>
 *   exit.enabled = false                    → RESET NO_SERVICE     (not-exit)
 *   opener not in exit.allow                → RESET NOT_ALLOWED    (node)
 *   port / listed domain does not match     → RESET NOT_ALLOWED    (port, destination)
 *   the name does not resolve (here)        → RESET UNREACHABLE    (unresolved)
 *   no resolved address passes the policy   → RESET NOT_ALLOWED    (loopback, private, …)
 *   connect fails                           → RESET REFUSED / TIMEOUT / UNREACHABLE (failed)
 *   connected                               → WINDOW, bytes flow
 * </pre>
 *
 * The name is resolved here, off the loop, and the exit connects to the address it checked,
 * never to the name again: a name that resolves into the LAN (DNS rebinding) is refused as its
 * address is. Every refusal is counted by reason and logged at most once per 10 s.
 *
 * <p>Threading: {@link #openHost} on the stream layer's loop; {@link #counters} any thread.
 */
public final class ExitNode {
  private static final Logger log = LoggerFactory.getLogger(ExitNode.class);
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final EventLoop loop;
  private final Address ownNetwork;
  private final ExitSettings settings;
  private final ExitPolicy policy;
  private final Map<ExitRefusal, LongAdder> refused = new EnumMap<>(ExitRefusal.class);
  private final LongAdder streams = new LongAdder();
  private final LongAdder open = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  /** Loop-confined. */
  private final LogEvery refusalLog = new LogEvery(LOG_INTERVAL);

  /**
   * @param loop the stream layer's event loop: destination sockets are registered on it
   * @param ownNetwork the network an empty {@code exit.allow} admits
   */
  public ExitNode(EventLoop loop, Address ownNetwork, ExitSettings settings) {
    this.loop = Objects.requireNonNull(loop, "loop");
    this.ownNetwork = Objects.requireNonNull(ownNetwork, "ownNetwork");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.policy = settings.policy();
    for (ExitRefusal r : ExitRefusal.values()) {
      refused.put(r, new LongAdder());
    }
  }

  public ExitSettings settings() {
    return settings;
  }

  /** Whether {@code peer} may use this exit. */
  public boolean allows(Certificate peer) {
    if (settings.allow().isEmpty()) {
      return peer.network().equals(ownNetwork);
    }
    return settings.allow().contains(peer.node()) || settings.allow().contains(peer.network());
  }

  /** An incoming exit stream ({@link Stream#host()} present); loop only. */
  public void openHost(Stream stream, Certificate peer) {
    String host = stream.host().orElseThrow();
    int port = stream.port();
    if (!settings.enabled()) {
      refuse(stream, peer, ExitRefusal.NOT_EXIT, host, port, "exit.enabled = false");
      return;
    }
    if (!allows(peer)) {
      refuse(stream, peer, ExitRefusal.NODE, host, port,
          "not in exit.allow (network " + peer.network().shortText() + ")");
      return;
    }
    ExitRefusal early = policy.checkBeforeLookup(host, port);
    if (early != null) {
      refuse(stream, peer, early, host, port, "not in exit.destinations");
      return;
    }
    InetAddress literal = ExitPolicy.literal(host);
    if (literal != null) {
      decide(stream, peer, host, port, new InetAddress[] {literal});
      return;
    }
    // Resolved here, off the loop: a slow resolver must not stall the node's streams.
    GlobalEventExecutor.INSTANCE.execute(() -> {
      InetAddress[] all;
      try {
        all = InetAddress.getAllByName(host);
      } catch (UnknownHostException | SecurityException e) {
        all = new InetAddress[0];
      }
      InetAddress[] resolved = all;
      loop.execute(() -> decide(stream, peer, host, port, resolved));
    });
  }

  /** Connects to the first resolved address the policy allows, or refuses with the first's. */
  private void decide(Stream stream, Certificate peer, String host, int port,
      InetAddress[] addresses) {
    if (stream.isFinished()) {
      return; // the open timed out meanwhile
    }
    if (addresses.length == 0) {
      refuse(stream, peer, ExitRefusal.UNRESOLVED, host, port, "the name does not resolve");
      return;
    }
    ExitRefusal first = null;
    InetAddress firstAddress = null;
    for (InetAddress a : addresses) {
      ExitRefusal r = policy.check(host, a);
      if (r == null) {
        connect(stream, peer, host, new InetSocketAddress(a, port));
        return;
      }
      if (first == null) {
        first = r;
        firstAddress = a;
      }
    }
    refuse(stream, peer, first, host, port, "resolves to " + firstAddress.getHostAddress());
  }

  private void refuse(Stream stream, Certificate peer, ExitRefusal why, String host, int port,
      String detail) {
    refused.get(why).increment();
    if (refusalLog.due(loop.ticker().nanoTime())) {
      log.info("exit stream from {} to {}:{} refused: {}, {}{}", peer.node().shortText(), host,
          port, why.label(), detail, refusalLog.takeSkipped());
    }
    stream.refuse(why.reset());
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private void connect(Stream stream, Certificate peer, String host, InetSocketAddress target) {
    String who = peer.node().shortText();
    new Bootstrap()
        .group(loop)
        .channel(Transports.socketChannelType(loop))
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            SocketBridge bridge = new SocketBridge(ch,
                why -> log.debug("exit stream from {} to {} ({}): reset {}", who, host, target,
                    why));
            bridge.bind(stream);
            ch.pipeline().addLast(bridge);
          }
        })
        .connect(target).addListener((ChannelFutureListener) f -> {
          if (stream.isFinished()) {
            f.channel().close();
            return;
          }
          if (f.isSuccess()) {
            streams.increment();
            open.increment();
            f.channel().closeFuture().addListener(c -> {
              open.decrement();
              bytesIn.add(stream.bytesIn());
              bytesOut.add(stream.bytesOut());
            });
            log.debug("exit stream from {} to {} ({}) connected", who, host, target);
            stream.accept(f.channel().pipeline().get(SocketBridge.class));
            f.channel().config().setAutoRead(stream.wantsInput());
            return;
          }
          failed.increment();
          Throwable cause = f.cause();
          ResetReason why = cause instanceof ConnectTimeoutException ? ResetReason.TIMEOUT
              : cause instanceof ConnectException ? ResetReason.REFUSED : ResetReason.UNREACHABLE;
          log.info("exit stream from {} to {} ({}): {}", who, host, target, cause.getMessage());
          stream.refuse(why);
        });
  }

  /** Exit traffic since start (any thread). */
  public ExitCounters counters() {
    Map<ExitRefusal, Long> r = new EnumMap<>(ExitRefusal.class);
    refused.forEach((k, v) -> r.put(k, v.sum()));
    return new ExitCounters(streams.sum(), open.sum(), failed.sum(), bytesIn.sum(),
        bytesOut.sum(), r);
  }
}
