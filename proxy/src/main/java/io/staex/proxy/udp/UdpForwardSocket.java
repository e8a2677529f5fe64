package io.staex.proxy.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of one UDP forward: each client address/port that sends to it is one
 * {@link UdpFlow} (one stream to the forward's node and port), answered from this socket. At
 * most {@link UdpSettings#maxFlowsPerForward()} flows at once: a datagram from a further client
 * is dropped and counted ({@code flow_limit}, one WARN line a minute). Closing the socket (the
 * forward stopped) ends its flows.
 *
 * <p>Confined to the stream layer's loop.
 */
public final class UdpForwardSocket extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(UdpForwardSocket.class);
  /**
   * The receive buffer per datagram: one byte more than a stream datagram carries, so that an
   * oversized one is seen as such (dropped, counted) rather than cut short in silence.
   */
  public static final int RECEIVE_BUFFER = FrameLimits.MAX_DATAGRAM + 1;

  /** Opens the stream of a new flow ({@link UdpFlow#bind}), or closes the flow if it cannot. */
  public interface Opener {
    void open(UdpFlow flow);
  }

  private final String name;
  private final UdpSettings settings;
  private final UdpCounters counters;
  private final Opener opener;
  private final Map<InetSocketAddress, UdpFlow> flows = new LinkedHashMap<>();
  private final LogEvery limitLog = new LogEvery(Duration.ofMinutes(1));
  private Channel channel;

  private UdpForwardSocket(String name, UdpSettings settings, UdpCounters counters,
      Opener opener) {
    this.name = name;
    this.settings = settings;
    this.counters = counters;
    this.opener = opener;
  }

  /**
   * Binds a UDP socket on {@code listen} on {@code loop} (blocks until bound; throws as Netty's
   * bind does) whose clients become flows opened by {@code opener}.
   *
   * @param name the forward, for log lines
   */
  public static Channel bind(EventLoop loop, InetSocketAddress listen, String name,
      UdpSettings settings, UdpCounters counters, Opener opener) {
    UdpForwardSocket handler = new UdpForwardSocket(name, settings, counters, opener);
    Channel ch = new Bootstrap()
        .group(loop)
        .channel(Transports.datagramChannelType(loop))
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
        .handler(handler)
        .bind(listen).syncUninterruptibly().channel();
    handler.channel = ch;
    return ch;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress client = packet.sender();
    ByteBuf data = packet.content();
    if (data.readableBytes() > FrameLimits.MAX_DATAGRAM) {
      counters.drop(UdpCounters.Drop.TOO_BIG); // before a flow is made for it
      return;
    }
    UdpFlow flow = flows.get(client);
    if (flow == null) {
      if (flows.size() >= settings.maxFlowsPerForward()) {
        counters.drop(UdpCounters.Drop.FLOW_LIMIT);
        if (limitLog.due(ctx.channel().eventLoop().ticker().nanoTime())) {
          log.warn("forward {}: datagram from {} dropped: {} flows open, the most one forward"
              + " carries (udp.max-flows-per-forward){}", name, client, flows.size(),
              limitLog.takeSkipped());
        }
        return;
      }
      flow = newFlow(ctx.channel().eventLoop(), client);
      flows.put(client, flow);
      opener.open(flow);
      if (flow.isEnded()) {
        return;
      }
    }
    flow.fromLocal(data);
  }

  private UdpFlow newFlow(EventLoop loop, InetSocketAddress client) {
    String flowName = "forward " + name + " flow from " + client.getAddress().getHostAddress()
        + ":" + client.getPort();
    return new UdpFlow(loop, settings, counters, flowName, new UdpFlow.Local() {
      @Override
      public void send(ByteBuf payload) {
        if (channel != null && channel.isActive()) {
          channel.writeAndFlush(new DatagramPacket(payload.retain(), client))
              .addListener(counters.sendFailures());
        }
      }

      @Override
      public void ended(UdpFlow flow, boolean idle, ResetReason reset) {
        flows.remove(client, flow);
        if (reset != null) {
          log.info("{} reset: {}", flow, reset);
        } else {
          log.debug("{} ended{}", flow, idle ? " (idle)" : "");
        }
      }
    });
  }

  /** The flows now (for tests): clients to flows. */
  int flowCount() {
    return flows.size();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (UdpFlow f : new ArrayList<>(flows.values())) {
      f.close();
    }
    flows.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // an ICMP error for an earlier datagram to a client: the socket goes on serving the rest
    counters.drop(UdpCounters.Drop.UNREACHABLE);
    log.debug("forward {}: {}", name, cause.toString());
  }
}
