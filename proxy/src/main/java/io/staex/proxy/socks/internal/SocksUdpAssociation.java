package io.staex.proxy.socks.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.staex.crypto.Address;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.loop.LogEvery;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.socks.SocksTarget;
import io.staex.proxy.socks.SocksTargets;
import io.staex.proxy.stream.Streams;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpFlow;
import io.staex.proxy.udp.UdpForwardSocket;
import io.staex.proxy.udp.UdpSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SOCKS5 UDP ASSOCIATE (RFC 1928 §7): a UDP relay socket on the SOCKS listen address, the
 * client's datagrams (each with its SOCKS UDP header) sent to {@code .staex} destinations as
 * {@link UdpFlow}s, one stream per destination (node and port), and the answers sent back with
 * the header of the destination as the client wrote it.
 *
 * <pre>
 *   only datagrams from the client: its IP as given in the request (or, when that is 0.0.0.0
 *     or ::, the TCP connection's), its port as given (or, when 0, the first datagram's)
 *                                                     else dropped, counted foreign_source
 *   FRAG != 0 (no reassembly)                         dropped, counted fragment
 *   a header that does not parse                      dropped, counted malformed
 *   not a .staex destination (Destination.of, the one place that decides), unknown name
 *                                                     dropped, counted destination
 *   more destinations than udp.max-flows-per-association    dropped, counted flow_limit
 * </pre>
 *
 * The association ends with its TCP control connection (either side closing it): the relay
 * socket closes and every flow ends. Confined to the streams' loop; refusals are logged at most
 * once a minute per association.
 */
final class SocksUdpAssociation {
  private static final Logger log = LoggerFactory.getLogger(SocksUdpAssociation.class);

  private final Streams streams;
  private final SocksTargets targets;
  private final UdpSettings settings;
  private final UdpCounters counters;
  private final Channel control;
  private final InetAddress clientIp;
  /** The client's UDP port: as given, or learnt from its first datagram (0 until then). */
  private int clientPort;
  /** Flows by the destination's header bytes (ATYP, DST.ADDR, DST.PORT) as the client wrote. */
  private final Map<String, UdpFlow> flows = new HashMap<>();
  private final LogEvery refusalLog = new LogEvery(Duration.ofMinutes(1));
  private Channel relay;

  private SocksUdpAssociation(Streams streams, SocksTargets targets, UdpSettings settings,
      UdpCounters counters, Channel control, InetAddress clientIp, int clientPort) {
    this.streams = streams;
    this.targets = targets;
    this.settings = settings;
    this.counters = counters;
    this.control = control;
    this.clientIp = clientIp;
    this.clientPort = clientPort;
  }

  /**
   * Binds the relay socket and answers the request (SUCCESS with the relay's address, or
   * FAILURE); from then on the control connection only says when the association ends.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  static void start(ChannelHandlerContext ctx, Socks5CommandRequest request, Streams streams,
      SocksTargets targets, UdpSettings settings, UdpCounters counters) {
    Channel control = ctx.channel();
    InetSocketAddress peer = (InetSocketAddress) control.remoteAddress();
    InetAddress given = null;
    if (!request.dstAddrType().equals(Socks5AddressType.DOMAIN)) {
      byte[] raw = NetUtil.createByteArrayFromIpAddressString(request.dstAddr());
      try {
        given = raw == null ? null : InetAddress.getByAddress(raw);
      } catch (java.net.UnknownHostException e) {
        given = null;
      }
    }
    InetAddress clientIp = given == null || given.isAnyLocalAddress() ? peer.getAddress() : given;
    SocksUdpAssociation a = new SocksUdpAssociation(streams, targets, settings, counters,
        control, clientIp, request.dstPort());
    InetAddress bindIp = ((InetSocketAddress) control.localAddress()).getAddress();
    EventLoop loop = control.eventLoop();
    new Bootstrap()
        .group(loop)
        .channel(Transports.datagramChannelType(loop))
        .option(ChannelOption.RCVBUF_ALLOCATOR,
            new FixedRecvByteBufAllocator(UdpForwardSocket.RECEIVE_BUFFER + 262))
        .handler(a.new Relay())
        .bind(new InetSocketAddress(bindIp, 0)).addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess() || !control.isActive()) {
            log.info("SOCKS client {}: UDP ASSOCIATE failed: {}", peer,
                f.isSuccess() ? "client gone" : f.cause().toString());
            f.channel().close();
            control.writeAndFlush(SocksReplies.reply(Socks5CommandStatus.FAILURE))
                .addListener(ChannelFutureListener.CLOSE);
            return;
          }
          a.relay = f.channel();
          InetSocketAddress bound = (InetSocketAddress) a.relay.localAddress();
          control.pipeline().addLast(a.new Control());
          control.config().setAutoRead(true);
          control.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
              bound.getAddress() instanceof java.net.Inet6Address ? Socks5AddressType.IPv6
                  : Socks5AddressType.IPv4, bound.getAddress().getHostAddress(),
              bound.getPort())).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
          log.info("SOCKS client {}: UDP association on {} for {}:{}", peer, bound,
              clientIp.getHostAddress(), request.dstPort() == 0 ? "*" : request.dstPort());
        });
  }

  /** The control connection: anything the client sends is discarded; its close ends all. */
  private final class Control extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
        ctx.close(); // the client ended its side: the association ends (RFC 1928 §7)
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
    public void channelInactive(ChannelHandlerContext ctx) {
      if (relay != null) {
        relay.close();
      }
      ctx.fireChannelInactive();
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The relay socket: the client's datagrams in, the answers out. */
  private final class Relay extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      InetSocketAddress from = packet.sender();
      if (!from.getAddress().equals(clientIp)
          || (clientPort != 0 && from.getPort() != clientPort)) {
        refused(UdpCounters.Drop.FOREIGN_SOURCE, "datagram from " + from
            + ", not the associated client " + clientIp.getHostAddress() + ":"
            + (clientPort == 0 ? "*" : clientPort));
        return;
      }
      clientPort = from.getPort();
      ByteBuf in = packet.content();
      if (in.readableBytes() < 4) {
        refused(UdpCounters.Drop.MALFORMED, "datagram of " + in.readableBytes() + " bytes");
        return;
      }
      if (in.getByte(in.readerIndex() + 2) != 0) {
        refused(UdpCounters.Drop.FRAGMENT, "fragment " + in.getByte(in.readerIndex() + 2)
            + " (fragments are not reassembled)");
        return;
      }
      int start = in.readerIndex();
      Header h = Header.read(in);
      if (h == null) {
        refused(UdpCounters.Drop.MALFORMED, "a SOCKS UDP header that does not parse");
        return;
      }
      byte[] header = new byte[h.length];
      in.getBytes(start, header);
      String key = new String(header, StandardCharsets.ISO_8859_1);
      UdpFlow flow = flows.get(key);
      if (flow == null) {
        Destination d = Destination.of(h.type, h.host);
        if (d instanceof Destination.Refused) {
          refused(UdpCounters.Drop.DESTINATION, h.host + ":" + h.port + ": "
              + ((Destination.Refused) d).why());
          return;
        }
        if (flows.size() >= settings.maxFlowsPerAssociation()) {
          refused(UdpCounters.Drop.FLOW_LIMIT, h.host + ":" + h.port + ": " + flows.size()
              + " destinations, the most one association reaches"
              + " (udp.max-flows-per-association)");
          return;
        }
        flow = newFlow(ctx.channel().eventLoop(), key, header, h);
        flows.put(key, flow);
        open(flow, d, h);
        if (flow.isEnded()) {
          return;
        }
      }
      in.readerIndex(start + h.length);
      flow.fromLocal(in);
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
      counters.drop(UdpCounters.Drop.UNREACHABLE); // an ICMP error for an earlier answer
    }
  }

  private UdpFlow newFlow(EventLoop loop, String key, byte[] header, Header h) {
    String name = "SOCKS client " + control.remoteAddress() + " UDP to " + h.host + ":" + h.port;
    return new UdpFlow(loop, settings, counters, name, new UdpFlow.Local() {
      @Override
      public void send(ByteBuf payload) {
        if (relay == null || !relay.isActive() || clientPort == 0) {
          return;
        }
        ByteBuf out = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(header), payload.retain());
        relay.writeAndFlush(new DatagramPacket(out, new InetSocketAddress(clientIp, clientPort)))
            .addListener(counters.sendFailures());
      }

      @Override
      public void ended(UdpFlow f, boolean idle, ResetReason reset) {
        flows.remove(key, f);
        if (reset != null) {
          log.info("{}: reset: {}", f, reset);
        }
      }
    });
  }

  /** The flow's node: at once for an address, after a lookup for a name or a pool address. */
  @SuppressWarnings("FutureReturnValueIgnored") // thenAccept sees every outcome
  private void open(UdpFlow flow, Destination d, Header h) {
    if (d instanceof Destination.Node) {
      flow.bind(streams.open(((Destination.Node) d).address(), h.port, flow));
      return;
    }
    if (d instanceof Destination.Ip) {
      Optional<Address> node = targets.resolve(((Destination.Ip) d).address());
      if (node.isEmpty()) {
        refused(UdpCounters.Drop.DESTINATION, h.host + ": not an address of the resolver's"
            + " pool (direct traffic is not allowed)");
        flow.close();
        return;
      }
      flow.bind(streams.open(node.get(), h.port, flow));
      return;
    }
    targets.resolve(((Destination.Name) d).domain()).whenComplete((t, e) ->
        control.eventLoop().execute(() -> {
          if (flow.isEnded()) {
            return;
          }
          if (t instanceof SocksTarget.Node) {
            flow.bind(streams.open(((SocksTarget.Node) t).address(), h.port, flow));
          } else {
            refused(UdpCounters.Drop.DESTINATION, h.host + ": " + (e != null ? "lookup failed"
                : t instanceof SocksTarget.Ambiguous ? "more than one node claims the name"
                    : "no node has the name"));
            flow.close();
          }
        }));
  }

  private void refused(UdpCounters.Drop why, String what) {
    counters.drop(why);
    if (refusalLog.due(control.eventLoop().ticker().nanoTime())) {
      log.info("SOCKS client {}: UDP datagram dropped ({}): {}{}", control.remoteAddress(),
          why.label(), what, refusalLog.takeSkipped());
    }
  }

  /** A SOCKS UDP request header (RSV RSV FRAG ATYP DST.ADDR DST.PORT): its destination. */
  private record Header(Socks5AddressType type, String host, int port, int length) {
    /** From {@code in}'s reader index (not moved); null if it does not parse. */
    static Header read(ByteBuf in) {
      int i = in.readerIndex() + 3;
      int end = in.writerIndex();
      if (i >= end) {
        return null;
      }
      byte atyp = in.getByte(i++);
      String host;
      Socks5AddressType type;
      if (atyp == 1 || atyp == 4) {
        int n = atyp == 1 ? 4 : 16;
        if (i + n + 2 > end) {
          return null;
        }
        byte[] a = new byte[n];
        in.getBytes(i, a);
        i += n;
        try {
          host = InetAddress.getByAddress(a).getHostAddress();
        } catch (java.net.UnknownHostException e) {
          return null;
        }
        type = atyp == 1 ? Socks5AddressType.IPv4 : Socks5AddressType.IPv6;
      } else if (atyp == 3) {
        if (i >= end) {
          return null;
        }
        int n = in.getUnsignedByte(i++);
        if (n == 0 || i + n + 2 > end) {
          return null;
        }
        host = in.toString(i, n, StandardCharsets.US_ASCII);
        i += n;
        type = Socks5AddressType.DOMAIN;
      } else {
        return null;
      }
      int port = in.getUnsignedShort(i);
      i += 2;
      if (port == 0) {
        return null;
      }
      return new Header(type, host, port, i - in.readerIndex());
    }
  }
}
