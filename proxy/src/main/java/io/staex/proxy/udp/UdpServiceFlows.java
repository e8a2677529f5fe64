package io.staex.proxy.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.loop.LogEvery;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.stream.Stream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service side of UDP flows: each accepted stream to a UDP service gets its own UDP socket,
 * connected to the service's target, so the device sees one peer (address and port) per client
 * flow and answers it there; the kernel drops datagrams from any other source on a connected
 * socket. At most {@link UdpSettings#maxFlowsPerService()} flows per service port: a further
 * OPEN is refused {@code LIMIT} and counted ({@code flow_limit}, one WARN line a minute).
 *
 * <p>Confined to the stream layer's loop.
 */
public final class UdpServiceFlows {
  private static final Logger log = LoggerFactory.getLogger(UdpServiceFlows.class);

  private final EventLoop loop;
  private final UdpSettings settings;
  private final UdpCounters counters;
  /** Open flows per service port. */
  private final Map<Integer, Integer> perPort = new HashMap<>();
  private final LogEvery limitLog = new LogEvery(Duration.ofMinutes(1));

  public UdpServiceFlows(EventLoop loop, UdpSettings settings, UdpCounters counters) {
    this.loop = Objects.requireNonNull(loop, "loop");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  public UdpCounters counters() {
    return counters;
  }

  /**
   * Connects {@code stream} (allowed already) to {@code target} by a new UDP socket, or refuses
   * it at the flow limit or when the socket cannot be made.
   *
   * @param name the service, for log lines
   */
  public void open(Stream stream, InetSocketAddress target, String name) {
    int port = stream.port();
    int open = perPort.getOrDefault(port, 0);
    if (open >= settings.maxFlowsPerService()) {
      counters.drop(UdpCounters.Drop.FLOW_LIMIT);
      if (limitLog.due(loop.ticker().nanoTime())) {
        log.warn("{}: flow from {} refused: {} flows open, the most one service takes"
            + " (udp.max-flows-per-service){}", name, stream.peer().shortText(), open,
            limitLog.takeSkipped());
      }
      stream.refuse(ResetReason.LIMIT);
      return;
    }
    perPort.merge(port, 1, Integer::sum);
    Relay relay = new Relay();
    String flowName = name + " flow from " + stream.peer().shortText();
    UdpFlow flow = new UdpFlow(loop, settings, counters, flowName, new UdpFlow.Local() {
      @Override
      public void send(ByteBuf payload) {
        Channel ch = relay.channel;
        if (ch != null && ch.isActive()) {
          ch.writeAndFlush(payload.retain()).addListener(counters.sendFailures());
        }
      }

      @Override
      @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
      public void ended(UdpFlow f, boolean idle, ResetReason reset) {
        perPort.merge(port, -1, Integer::sum);
        perPort.remove(port, 0);
        Channel ch = relay.channel;
        if (ch != null) {
          ch.close();
        }
        log.debug("{} ended{}{}", f, idle ? " (idle)" : "", reset == null ? "" : ": " + reset);
      }
    });
    relay.flow = flow;
    ChannelFuture connect = new Bootstrap()
        .group(loop)
        .channel(Transports.datagramChannelType(loop))
        .option(ChannelOption.RCVBUF_ALLOCATOR,
            new FixedRecvByteBufAllocator(UdpForwardSocket.RECEIVE_BUFFER))
        .handler(relay)
        .connect(target);
    relay.channel = connect.channel();
    connect.addListener(f -> {
      if (stream.isFinished() || flow.isEnded()) {
        flow.close();
        return;
      }
      if (!f.isSuccess()) {
        log.info("{}: cannot reach {}: {}", flowName, target, f.cause().toString());
        stream.refuse(ResetReason.UNREACHABLE);
        flow.close();
        return;
      }
      flow.accepted(stream);
    });
  }

  /** The flow's socket towards the device: its datagrams go into the flow. */
  private final class Relay extends SimpleChannelInboundHandler<Object> {
    Channel channel;
    UdpFlow flow;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      ByteBuf data = msg instanceof DatagramPacket ? ((DatagramPacket) msg).content()
          : (ByteBuf) msg;
      if (data.readableBytes() > FrameLimits.MAX_DATAGRAM) {
        counters.drop(UdpCounters.Drop.TOO_BIG);
        return;
      }
      flow.fromLocal(data);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP port unreachable from the device, for an earlier datagram: the flow goes on
      counters.drop(UdpCounters.Drop.UNREACHABLE);
      log.debug("{}: {}", flow, cause.toString());
    }
  }
}
