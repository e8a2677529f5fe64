package io.staex.proxy.link.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.staex.proxy.frame.LinkFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the idle handler's events into keepalives: write-idle sends a KEEPALIVE record,
 * read-idle (nothing at all for interval × missed) closes the link with "keepalive timeout".
 * Incoming KEEPALIVE frames end here. Read-idle while reading is paused on purpose ({@code
 * AUTO_READ} off) is ignored. Stateless apart from the shared counters.
 */
final class KeepaliveHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(KeepaliveHandler.class);
  private static final OutboundRecord KEEPALIVE = LinkPipeline.KEEPALIVE_RECORD;

  private final LinkConfig config;

  KeepaliveHandler(LinkConfig config) {
    this.config = config;
  }

  LinkConfig config() {
    return config;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof LinkFrame.Keepalive)) {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // voidPromise: a failed write fires exceptionCaught
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    switch (((IdleStateEvent) evt).state()) {
      case WRITER_IDLE -> ctx.writeAndFlush(KEEPALIVE, ctx.voidPromise());
      case READER_IDLE -> {
        if (!ctx.channel().config().isAutoRead()) {
          // We paused reading (Link.setReading(false)): silence is ours, not the peer's. The
          // read timeout is restarted on resume, so it starts again from there.
          config.stats().pausedReadIdles.increment();
          return;
        }
        config.stats().keepaliveTimeouts.increment();
        log.debug("link with {}: nothing for {}; closing", ctx.channel().remoteAddress(),
            config.settings().readTimeout());
        LinkPipeline.close(ctx.channel(), "keepalive timeout");
      }
      default -> { }
    }
  }
}
