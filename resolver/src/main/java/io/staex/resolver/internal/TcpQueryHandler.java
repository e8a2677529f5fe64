package io.staex.resolver.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One length-delimited frame, one query (RFC 1035 §4.2.2); answers may leave in another order
 * than the queries came (RFC 7766 §6.2.1.1), matched by id. A query that is dropped (no id)
 * closes the connection, as does the idle timeout. Stateless, so sharable.
 */
@Sharable
public final class TcpQueryHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private static final Logger log = LoggerFactory.getLogger(TcpQueryHandler.class);

  private final QueryAnswerer answerer;

  public TcpQueryHandler(QueryAnswerer answerer) {
    this.answerer = answerer;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // answer() never fails; a failed write closes
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    byte[] query = ByteBufUtil.getBytes(frame);
    InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    CompletableFuture<byte[]> response = answerer.answer(query, false, client);
    if (response == null) {
      log.debug("closing {}: a {}-byte query without id", ctx.channel().remoteAddress(),
          query.length);
      ctx.close();
      return;
    }
    response.thenAccept(bytes -> ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes))
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE));
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      log.debug("closing idle {}", ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
