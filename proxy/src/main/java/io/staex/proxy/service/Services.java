package io.staex.proxy.service;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.rtsp.CameraSide;
import io.staex.proxy.stream.SocketBridge;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamAcceptor;
import io.staex.proxy.stream.StreamProtocol;
import io.staex.proxy.udp.UdpServiceFlows;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exposed services (DNAT): an incoming stream to port P is connected to P's target if the
 * opener may; anything else is refused with the reset reason that says why.
 *
 * <pre>
 *   nothing exposed on P               → RESET NO_SERVICE
 *   opener not in P's allow list       → RESET NOT_ALLOWED  (empty list: own network only)
 *   target refuses / times out / fails → RESET REFUSED / TIMEOUT / UNREACHABLE
 *   connected                          → WINDOW: the opener's stream is up
 * </pre>
 *
 * The table may be replaced while streams run ({@link #set}); streams already connected stay
 * until the caller resets those {@link #refusal} now refuses (a reload does).
 * Threading: {@link #open} runs on the stream layer's loop; {@link #set} from any thread.
 */
public final class Services implements StreamAcceptor {
  private static final Logger log = LoggerFactory.getLogger(Services.class);

  private final EventLoop loop;
  private final Address ownNetwork;
  private final Duration connectTimeout;
  private volatile Map<Integer, Service> byPort = Map.of();
  /** The UDP services' flows; null: UDP services refuse their streams. */
  private final UdpServiceFlows udp;

  /**
   * @param loop the stream layer's event loop: target sockets are registered on it
   * @param ownNetwork the network whose nodes an empty allow list admits
   * @param connectTimeout for connecting to targets
   */
  public Services(EventLoop loop, Address ownNetwork, Duration connectTimeout,
      Collection<Service> services) {
    this(loop, ownNetwork, connectTimeout, services, null);
  }

  /**
   * As above, with the flows of UDP services ({@code protocol = udp}, {@code docs/udp.md});
   * null refuses them ({@code NO_SERVICE}).
   */
  public Services(EventLoop loop, Address ownNetwork, Duration connectTimeout,
      Collection<Service> services, UdpServiceFlows udp) {
    this.udp = udp;
    this.loop = Objects.requireNonNull(loop, "loop");
    this.ownNetwork = Objects.requireNonNull(ownNetwork, "ownNetwork");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    set(services);
  }

  /** Replaces the table; each port at most once. */
  public void set(Collection<Service> services) {
    Map<Integer, Service> m = new HashMap<>();
    for (Service s : services) {
      if (m.put(s.port(), s) != null) {
        throw new IllegalArgumentException("services: port " + s.port() + " twice");
      }
    }
    byPort = Map.copyOf(m);
  }

  /** The services now, by port. */
  public List<Service> list() {
    return byPort.values().stream().sorted((a, b) -> a.port() - b.port()).toList();
  }

  /** Whether {@code peer} may open {@code service}. */
  public boolean allows(Service service, Certificate peer) {
    if (service.allow().isEmpty()) {
      return peer.network().equals(ownNetwork);
    }
    return service.allow().contains(peer.node()) || service.allow().contains(peer.network());
  }

  /**
   * Why a stream from {@code peer} to {@code port} would be refused now ({@link
   * ResetReason#NO_SERVICE}, {@link ResetReason#NOT_ALLOWED}), or empty if the table allows it:
   * after {@link #set}, the running streams this is not empty for are reset with it.
   */
  public Optional<ResetReason> refusal(int port, Certificate peer) {
    Service service = byPort.get(port);
    if (service == null) {
      return Optional.of(ResetReason.NO_SERVICE);
    }
    return allows(service, peer) ? Optional.empty() : Optional.of(ResetReason.NOT_ALLOWED);
  }

  @Override
  public void open(Stream stream, Certificate peer) {
    Service service = byPort.get(stream.port());
    if (service == null) {
      log.info("stream from {} to port {} refused: nothing exposed there", peer.node(),
          stream.port());
      stream.refuse(ResetReason.NO_SERVICE);
      return;
    }
    if (!allows(service, peer)) {
      log.info("stream from {} (network {}) to {} refused: not in its allow list", peer.node(),
          peer.network(), service);
      stream.refuse(ResetReason.NOT_ALLOWED);
      return;
    }
    if (service.protocol() == StreamProtocol.UDP && udp == null) {
      log.info("stream from {} to {} refused: UDP flows are not set up here", peer.node(),
          service);
      stream.refuse(ResetReason.NO_SERVICE);
      return;
    }
    InetSocketAddress target = service.target();
    if (!target.isUnresolved()) {
      connect(service, target, stream, peer);
      return;
    }
    // A host name is looked up off the loop: a slow resolver must not stall the node's streams.
    GlobalEventExecutor.INSTANCE.execute(() -> {
      InetSocketAddress resolved = new InetSocketAddress(target.getHostString(), target.getPort());
      loop.execute(() -> {
        if (resolved.isUnresolved()) {
          log.info("{} for {}: cannot resolve {}", service, peer.node(), target.getHostString());
          stream.refuse(ResetReason.UNREACHABLE);
        } else {
          connect(service, resolved, stream, peer);
        }
      });
    });
  }

  /** Connects to {@code target} on the loop and joins the socket to {@code stream}. */
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private void connect(Service service, InetSocketAddress target, Stream stream, Certificate peer) {
    if (stream.isFinished()) {
      return; // refused meanwhile (the open timeout)
    }
    if (service.protocol() == StreamProtocol.UDP) {
      udp.open(stream, target, service.toString());
      return;
    }
    new Bootstrap()
        .group(loop)
        .channel(Transports.socketChannelType(loop))
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            SocketBridge bridge = new SocketBridge(ch, why -> log.debug("{} for {}: reset {}",
                service, peer.node().shortText(), why));
            bridge.bind(stream);
            if (service.protocol() == StreamProtocol.RTSP) {
              CameraSide rtsp = new CameraSide(bridge.side(), service.toString(), target);
              bridge.datagrams(rtsp::datagram);
              ch.pipeline().addLast(rtsp);
            }
            ch.pipeline().addLast(bridge);
          }
        })
        .connect(target).addListener((ChannelFutureListener) f -> {
          if (stream.isFinished()) {
            f.channel().close();
            return;
          }
          if (f.isSuccess()) {
            stream.accept(f.channel().pipeline().get(SocketBridge.class));
            f.channel().config().setAutoRead(stream.wantsInput());
            return;
          }
          Throwable cause = f.cause();
          ResetReason why = cause instanceof ConnectTimeoutException ? ResetReason.TIMEOUT
              : cause instanceof ConnectException ? ResetReason.REFUSED : ResetReason.UNREACHABLE;
          log.info("{} for {}: {}", service, peer.node().shortText(), cause.getMessage());
          stream.refuse(why);
        });
  }
}
