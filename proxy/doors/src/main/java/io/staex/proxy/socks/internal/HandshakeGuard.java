package io.staex.proxy.socks.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a SOCKS handshake: closes the client if it has not reached its stream within the
 * timeout (silent, half a greeting, a slow name), if it ends its input meanwhile, or on any
 * error of the handshake handlers (it sits behind them). Holds one pending-handshake slot,
 * given back when it is removed (the handshake ended) or the channel closes.
 */
final class HandshakeGuard extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HandshakeGuard.class);

  private final Duration timeout;
  private final Runnable releaseSlot;
  /** Loop-confined, as every field. */
  private ScheduledFuture<?> timer;
  private boolean released;

  HandshakeGuard(Duration timeout, Runnable releaseSlot) {
    this.timeout = timeout;
    this.releaseSlot = releaseSlot;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> {
      log.debug("SOCKS client {} closed: no CONNECT within {}", ctx.channel().remoteAddress(),
          timeout);
      ctx.close();
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      log.debug("SOCKS client {} closed: input ended in the handshake",
          ctx.channel().remoteAddress());
      ctx.close();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("SOCKS client {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void release() {
    if (!released) {
      released = true;
      timer.cancel(false);
      releaseSlot.run();
    }
  }
}
