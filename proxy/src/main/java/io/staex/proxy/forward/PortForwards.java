package io.staex.proxy.forward;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.staex.crypto.Address;
import io.staex.proxy.rtsp.PlayerSide;
import io.staex.proxy.stream.SocketBridge;
import io.staex.proxy.names.CertifiedNames;
import io.staex.proxy.names.NameResult;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamProtocol;
import io.staex.proxy.stream.Streams;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpFlow;
import io.staex.proxy.udp.UdpForwardSocket;
import io.staex.proxy.udp.UdpSettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running port forwards: one listening socket each, on the stream layer's loop; every
 * accepted connection becomes a stream ({@link SocketBridge}). {@link #apply} moves from one set
 * of forwards to another: it closes the listeners of forwards that went away and binds the new
 * ones; the connections already accepted keep their streams whatever happens to their listener.
 *
 * <p>Threading: {@link #apply}, {@link #list} and {@link #close} may be called from any thread
 * but the loop; they block until the loop did the work.
 */
public final class PortForwards implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PortForwards.class);

  private final Streams streams;
  private final CertifiedNames names;
  private final EventLoop loop;
  /** The running forwards and their listening channels (written on the calling thread). */
  private final Map<Forward, Channel> running = new LinkedHashMap<>();
  /** Why each forward's last connection was reset, for status; any thread. */
  private final Map<Forward, String> lastErrors = new java.util.concurrent.ConcurrentHashMap<>();
  private final UdpSettings udp;
  private final UdpCounters udpCounters;

  /** Forwards to node addresses only; one to a name refuses its connections. */
  public PortForwards(Streams streams) {
    this(streams, null);
  }

  /** Forwards whose names are resolved by {@code names} at each connection. */
  public PortForwards(Streams streams, CertifiedNames names) {
    this(streams, names, null, null);
  }

  /**
   * As above, with UDP forwards ({@code protocol = udp}, {@code docs/udp.md}) under {@code
   * udp}'s limits counted in {@code udpCounters}; null settings: a UDP forward fails to start.
   */
  public PortForwards(Streams streams, CertifiedNames names, UdpSettings udp,
      UdpCounters udpCounters) {
    this.streams = streams;
    this.names = names;
    this.loop = streams.loop();
    this.udp = udp;
    this.udpCounters = udpCounters;
  }

  /** A forward that could not start, and why. */
  public record Failure(Forward forward, String reason) {}

  /**
   * Makes {@code wanted} the running set: closes the listeners of the others, binds the new
   * ones. Forwards in both sets are untouched. Returns those that failed to bind (each logged
   * once); they are not running, everything else is.
   */
  public synchronized List<Failure> apply(Collection<Forward> wanted) {
    Set<Forward> target = new LinkedHashSet<>(wanted);
    for (Map.Entry<Forward, Channel> e : new ArrayList<>(running.entrySet())) {
      if (!target.contains(e.getKey())) {
        e.getValue().close().syncUninterruptibly();
        running.remove(e.getKey());
        log.info("forward {} stopped", e.getKey());
      }
    }
    List<Failure> failures = new ArrayList<>();
    for (Forward f : target) {
      if (running.containsKey(f)) {
        continue;
      }
      try {
        Channel ch = bind(f);
        running.put(f, ch);
        log.info("forward {} listening on {}", f, ch.localAddress());
      } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
        String why = bindFailure(e);
        log.warn("forward {} not started: cannot listen on {}: {}", f, f.listen(), why);
        failures.add(new Failure(f, "cannot listen on " + f.listen().getHostString() + ":"
            + f.listen().getPort() + ": " + why));
      }
    }
    return failures;
  }

  /** Why a bind failed, in words: no exception class names ("bind(..) failed: " dropped). */
  private static String bindFailure(Exception e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof java.net.BindException || m.contains("Address already in use")) {
      return "address already in use";
    }
    if (m.contains("Cannot assign requested address")) {
      return "not an address of this machine";
    }
    return m.isEmpty() ? e.getClass().getSimpleName() : m.replace("bind(..) failed: ", "");
  }

  private Channel bind(Forward f) {
    if (f.protocol() == StreamProtocol.UDP) {
      if (udp == null) {
        throw new IllegalStateException("UDP forwards are not set up here");
      }
      return UdpForwardSocket.bind(loop, f.listen(), f.toString(), udp, udpCounters,
          flow -> openFlow(f, flow));
    }
    ServerBootstrap b = new ServerBootstrap()
        .group(loop, loop)
        .channel(Transports.serverChannelType(loop))
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            SocketBridge bridge = new SocketBridge(ch, why -> {
              log.info("forward {}: connection from {} reset: {}", f, ch.remoteAddress(), why);
              lastErrors.put(f, "connection from " + ch.remoteAddress() + " reset: " + why);
            });
            if (f.protocol() == StreamProtocol.RTSP) {
              PlayerSide rtsp = new PlayerSide(bridge.side(), f.toString());
              bridge.datagrams(rtsp::datagram);
              ch.pipeline().addLast(rtsp);
            }
            ch.pipeline().addLast(bridge);
            if (f.node().isPresent()) {
              bridge.bind(streams.open(f.node().get(), f.port(), bridge));
            } else {
              openByName(f, ch, bridge);
            }
          }
        });
    return b.bind(f.listen()).syncUninterruptibly().channel();
  }

  @SuppressWarnings("FutureReturnValueIgnored") // resolve() never fails (its contract)
  private void openByName(Forward f, Channel ch, SocketBridge bridge) {
    String name = f.name().orElseThrow();
    if (names == null) {
      log.info("forward {}: certified names are not resolved here", f);
      bridge.abort();
      return;
    }
    names.resolve(name).thenAccept(result -> loop.execute(() -> {
      if (!ch.isActive()) {
        return;
      }
      if (result instanceof NameResult.Found) {
        Stream stream = streams.open(((NameResult.Found) result).node(), f.port(), bridge);
        bridge.bind(stream);
      } else {
        String why = name + "." + Address.DOMAIN + " " + (result instanceof NameResult.Ambiguous
            ? "is claimed by several trusted networks " + result : "was not found");
        log.info("forward {}: connection from {} refused: {}", f, ch.remoteAddress(), why);
        lastErrors.put(f, "connection from " + ch.remoteAddress() + " reset: " + why);
        bridge.abort();
      }
    }));
  }

  /** Opens the stream of a UDP forward's new flow (by address now, by name once resolved). */
  @SuppressWarnings("FutureReturnValueIgnored") // resolve() never fails (its contract)
  private void openFlow(Forward f, UdpFlow flow) {
    if (f.node().isPresent()) {
      flow.bind(streams.open(f.node().get(), f.port(), flow));
      return;
    }
    String name = f.name().orElseThrow();
    if (names == null) {
      flow.close();
      return;
    }
    names.resolve(name).thenAccept(result -> loop.execute(() -> {
      if (flow.isEnded()) {
        return;
      }
      if (result instanceof NameResult.Found) {
        flow.bind(streams.open(((NameResult.Found) result).node(), f.port(), flow));
      } else {
        String why = name + "." + Address.DOMAIN + " " + (result instanceof NameResult.Ambiguous
            ? "is claimed by several trusted networks " + result : "was not found");
        log.info("forward {}: {} refused: {}", f, flow, why);
        lastErrors.put(f, flow + " refused: " + why);
        flow.close();
      }
    }));
  }

  /** Why {@code f}'s last connection was reset (name not found, stream refused…), if one was. */
  public java.util.Optional<String> lastError(Forward f) {
    return java.util.Optional.ofNullable(lastErrors.get(f));
  }

  /** The running forwards with the address each really listens on (port 0 resolved). */
  public synchronized Map<Forward, InetSocketAddress> list() {
    Map<Forward, InetSocketAddress> out = new LinkedHashMap<>();
    running.forEach((f, ch) -> out.put(f, (InetSocketAddress) ch.localAddress()));
    return out;
  }

  /** Closes every listener (streams already accepted go on until the stream layer closes). */
  @Override
  public synchronized void close() {
    apply(List.of());
  }
}
