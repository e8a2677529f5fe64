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
import io.staex.crypto.Address;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.stream.SocketBridge;
import io.staex.proxy.socks.SocksTarget;
import io.staex.proxy.socks.SocksTargets;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.Streams;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  private final SocksTargets targets;
  /** Loop-confined, as every field. Bytes behind the request, owned until the stream has them. */
  private final List<ByteBuf> early = new ArrayList<>();
  private boolean requested;

  /** UDP ASSOCIATE's limits and counters; null: UDP ASSOCIATE is refused as unsupported. */
  private final UdpSettings udpSettings;
  private final UdpCounters udpCounters;

  SocksConnectHandler(Streams streams, SocksTargets targets) {
    this(streams, targets, null, null);
  }

  SocksConnectHandler(Streams streams, SocksTargets targets, UdpSettings udpSettings,
      UdpCounters udpCounters) {
    this.streams = streams;
    this.targets = targets;
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
    lookup(Destination.of(request.dstAddrType(), request.dstAddr())).whenComplete((r, e) ->
        ctx.executor().execute(() -> decided(ctx, request.dstPort(), to, r, e)));
  }

  /** Either a node or a refusal. */
  private record Decision(Address node, Socks5CommandStatus status, String why) {
    static Decision refused(Socks5CommandStatus status, String why) {
      return new Decision(null, status, why);
    }
  }

  private CompletableFuture<Decision> lookup(Destination d) {
    if (d instanceof Destination.Node) {
      return CompletableFuture.completedFuture(
          new Decision(((Destination.Node) d).address(), null, null));
    }
    if (d instanceof Destination.Refused) {
      Destination.Refused r = (Destination.Refused) d;
      return CompletableFuture.completedFuture(Decision.refused(r.status(), r.why()));
    }
    if (d instanceof Destination.Ip) {
      Optional<Address> a = targets.resolve(((Destination.Ip) d).address());
      return CompletableFuture.completedFuture(a.map(n -> new Decision(n, null, null))
          .orElse(Decision.refused(Socks5CommandStatus.FORBIDDEN,
              "not an address of the resolver's pool (direct connections are not allowed)")));
    }
    return targets.resolve(((Destination.Name) d).domain()).thenApply(t -> {
      if (t instanceof SocksTarget.Node) {
        return new Decision(((SocksTarget.Node) t).address(), null, null);
      }
      return Decision.refused(Socks5CommandStatus.HOST_UNREACHABLE,
          t instanceof SocksTarget.Ambiguous ? "more than one node claims the name"
              : "no node has the name");
    });
  }

  private void decided(ChannelHandlerContext ctx, int port, String to, Decision d,
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
    if (d.node() == null) {
      refuse(ctx, d.status(), to, d.why());
      return;
    }
    connect(ctx, d.node(), port, to);
  }

  private void connect(ChannelHandlerContext ctx, Address node, int port, String to) {
    Channel ch = ctx.channel();
    SocketBridge bridge = new SocketBridge(ch,
        why -> log.info("SOCKS client {} -> {}: reset: {}", ch.remoteAddress(), to, why),
        new Reply(ch, to));
    ctx.pipeline().addAfter(ctx.name(), null, bridge);
    ctx.pipeline().remove(HandshakeGuard.class);
    Stream stream = streams.open(node, port, bridge);
    bridge.bind(stream);
    for (ByteBuf b : early) {
      try {
        stream.write(b);
      } finally {
        b.release();
      }
    }
    early.clear();
    ctx.pipeline().remove(this);
    if (ctx.pipeline().get(Socks5CommandRequestDecoder.class) != null) {
      ctx.pipeline().remove(Socks5CommandRequestDecoder.class);
    }
  }

  /** UDP ASSOCIATE: the control connection leaves the handshake; the association takes it. */
  private void associate(ChannelHandlerContext ctx, Socks5CommandRequest request) {
    ctx.pipeline().remove(HandshakeGuard.class);
    if (ctx.pipeline().get(Socks5CommandRequestDecoder.class) != null) {
      ctx.pipeline().remove(Socks5CommandRequestDecoder.class);
    }
    SocksUdpAssociation.start(ctx, request, streams, targets, udpSettings, udpCounters);
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
