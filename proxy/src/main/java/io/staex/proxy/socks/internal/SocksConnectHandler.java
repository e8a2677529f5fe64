package io.staex.proxy.socks.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.util.ReferenceCountUtil;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.stream.SocketBridge;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.staex.proxy.exit.ExitDialer;
import io.staex.proxy.socks.Route;
import io.staex.proxy.socks.Router;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.Streams;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpSettings;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request phase: CONNECT, and UDP ASSOCIATE when UDP is set up ({@link
 * SocksUdpAssociation}; BIND, and UDP ASSOCIATE otherwise, hear COMMAND_UNSUPPORTED), the
 * destination mapped to a node ({@link Destination}, {@link SocksTargets}), then a stream
 * opened to it with a {@link SocketBridge} in this handler's place. The reply waits for the
 * stream: SUCCESS once the peer accepted it, else the code {@link SocksReplies} maps from the
 * reset reason; then the socket is the stream.
 *
 * <p>Reading stops at the request; bytes the client sent right behind it (one read at most)
 * are kept here and go into the stream, which holds them until it is connected.
 */
final class SocksConnectHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SocksConnectHandler.class);

  private final Streams streams;
  private final Router router;
  /** Loop-confined, as every field. Bytes behind the request, owned until the stream has them. */
  private final List<ByteBuf> early = new ArrayList<>();
  private boolean requested;

  /** UDP ASSOCIATE's limits and counters; null: UDP ASSOCIATE is refused as unsupported. */
  private final UdpSettings udpSettings;
  private final UdpCounters udpCounters;

  SocksConnectHandler(Streams streams, Router router) {
    this(streams, router, null, null);
  }

  SocksConnectHandler(Streams streams, Router router, UdpSettings udpSettings,
      UdpCounters udpCounters) {
    this.streams = streams;
    this.router = router;
    this.udpSettings = udpSettings;
    this.udpCounters = udpCounters;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // whenComplete sees every outcome; closes need none
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf && requested) {
      early.add((ByteBuf) msg);
      return;
    }
    if (!(msg instanceof Socks5CommandRequest) || requested) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    requested = true;
    Socks5CommandRequest request = (Socks5CommandRequest) msg;
    if (request.decoderResult().isFailure()) {
      // RFC 1928 §6: a request that can't be served still gets a reply, then the close.
      Throwable cause = request.decoderResult().cause();
      ctx.channel().config().setAutoRead(false);
      refuse(ctx, SocksReplies.ofBadRequest(cause), "?", "bad request: " + cause);
      return;
    }
    ctx.channel().config().setAutoRead(false);
    String to = request.dstAddr() + ":" + request.dstPort();
    if (request.type().equals(Socks5CommandType.UDP_ASSOCIATE) && udpSettings != null) {
      associate(ctx, request); // docs/udp.md: SocksUdpAssociation
      return;
    }
    if (!request.type().equals(Socks5CommandType.CONNECT)) {
      refuse(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED, to,
          request.type() + " (expected: CONNECT)");
      return;
    }
    router.route(request.dstAddr(), !request.dstAddrType().equals(Socks5AddressType.DOMAIN))
        .whenComplete((r, e) ->
        ctx.executor().execute(() -> decided(ctx, request.dstPort(), to, r, e)));
  }

  private void decided(ChannelHandlerContext ctx, int port, String to, Route r,
      Throwable failed) {
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      return; // closed meanwhile (timeout, client gone): handlerRemoved released the early bytes
    }
    if (failed != null) {
      log.warn("SOCKS client {}: looking up {} failed", ctx.channel().remoteAddress(), to,
          failed);
      refuse(ctx, Socks5CommandStatus.FAILURE, to, "lookup failed: " + failed);
      return;
    }
    if (r instanceof Route.Refused) {
      Route.Refused no = (Route.Refused) r;
      refuse(ctx, Destinations.status(no.refusal()), to, no.why());
      return;
    }
    connect(ctx, r, port, to);
  }

  private void connect(ChannelHandlerContext ctx, Route route, int port, String to) {
    Channel ch = ctx.channel();
    SocketBridge bridge = new SocketBridge(ch,
        why -> log.info("SOCKS client {} -> {}: reset: {}", ch.remoteAddress(), to, why),
        new Reply(ch, to));
    ctx.pipeline().addAfter(ctx.name(), null, bridge);
    ctx.pipeline().remove(HandshakeGuard.class);
    if (route instanceof Route.Internet) {
      Route.Internet internet = (Route.Internet) route;
      List<ByteBuf> held = new ArrayList<>(early);
      early.clear();
      // Early bytes wait for the exit that connects: a failed exit must not swallow them.
      ExitDialer.open(streams, internet.exits(), internet.host(), port, bridge, bridge::bind);
      ch.pipeline().addBefore(ch.pipeline().context(bridge).name(), null,
          new HeldBytes(held));
    } else {
      Stream stream = streams.open(((Route.Overlay) route).node(), port, bridge);
      bridge.bind(stream);
      for (ByteBuf b : early) {
        try {
          stream.write(b);
        } finally {
          b.release();
        }
      }
      early.clear();
    }
    ctx.pipeline().remove(this);
    if (ctx.pipeline().get(Socks5CommandRequestDecoder.class) != null) {
      ctx.pipeline().remove(Socks5CommandRequestDecoder.class);
    }
  }

  /**
   * Bytes the client sent behind its CONNECT to an exit destination: passed on to the bridge
   * once the stream is connected (the reply sent), when reading starts; released if it never
   * is.
   */
  private static final class HeldBytes extends io.netty.channel.ChannelDuplexHandler {
    private final List<ByteBuf> held;

    HeldBytes(List<ByteBuf> held) {
      this.held = held;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
      // The bridge turned reading on: the stream is connected. Pass the held bytes first.
      List<ByteBuf> out = new ArrayList<>(held);
      held.clear();
      ctx.pipeline().remove(this);
      for (ByteBuf b : out) {
        ctx.fireChannelRead(b);
      }
      ctx.read();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      for (ByteBuf b : held) {
        b.release();
      }
      held.clear();
    }
  }

  /** UDP ASSOCIATE: the control connection leaves the handshake; the association takes it. */
  private void associate(ChannelHandlerContext ctx, Socks5CommandRequest request) {
    ctx.pipeline().remove(HandshakeGuard.class);
    if (ctx.pipeline().get(Socks5CommandRequestDecoder.class) != null) {
      ctx.pipeline().remove(Socks5CommandRequestDecoder.class);
    }
    SocksUdpAssociation.start(ctx, request, streams, router.targets(), udpSettings,
        udpCounters);
    ctx.pipeline().remove(this);
  }

  private void refuse(ChannelHandlerContext ctx, Socks5CommandStatus status, String to,
      String why) {
    log.info("SOCKS client {} -> {}: {} ({})", ctx.channel().remoteAddress(), to, status, why);
    ctx.writeAndFlush(SocksReplies.reply(status)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    for (ByteBuf b : early) {
      b.release();
    }
    early.clear();
  }

  /** Answers the client once the stream's connect phase ended. */
  private static final class Reply implements SocketBridge.ConnectListener {
    private final Channel channel;
    private final String to;

    Reply(Channel channel, String to) {
      this.channel = channel;
      this.to = to;
    }

    @Override
    public void connected(Stream stream) {
      channel.writeAndFlush(SocksReplies.reply(Socks5CommandStatus.SUCCESS))
          .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void refused(Stream stream, ResetReason reason) {
      Socks5CommandStatus status = SocksReplies.of(reason);
      log.info("SOCKS client {} -> {}: {} (stream reset: {})", channel.remoteAddress(), to,
          status, reason);
      channel.writeAndFlush(SocksReplies.reply(status)).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
