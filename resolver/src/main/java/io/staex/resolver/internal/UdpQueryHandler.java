package io.staex.resolver.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One datagram, one query: copies it out (the packet is released on return), answers it
 * asynchronously and sends the response to the sender. Stateless, so sharable.
 */
@Sharable
public final class UdpQueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(UdpQueryHandler.class);

  private final QueryAnswerer answerer;

  public UdpQueryHandler(QueryAnswerer answerer) {
    this.answerer = answerer;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // answer() never fails; clients retry lost UDP
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    byte[] query = ByteBufUtil.getBytes(packet.content());
    CompletableFuture<byte[]> response = answerer.answer(query, true, packet.sender().getAddress());
    if (response == null) {
      log.debug("dropped a {}-byte datagram from {}", query.length, packet.sender());
      return;
    }
    response.thenAccept(bytes -> {
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), packet.sender()));
      }
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A UDP socket error (e.g. an ICMP unreachable for an earlier answer) concerns one peer.
    log.debug("udp: {}", cause.toString());
  }
}
