package io.staex.proxy.link.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.link.LinkListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a link's pipeline: frames and the link's life to the {@link LinkListener};
 * exceptions (a length over the limit from the framer, I/O errors) close the link. {@code up}
 * is owned by the channel's event loop.
 */
final class LinkHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(LinkHandler.class);

  private final ChannelLink link;
  private final LinkConfig config;
  private final LinkListener listener;
  private boolean up;

  LinkHandler(ChannelLink link, LinkConfig config) {
    this.link = link;
    this.config = config;
    this.listener = config.listener();
  }

  /**
   * Called once, before any frame: by {@link LinkPipeline#recordPhase} on the initiator, on the
   * first record's {@link LinkPipeline.Confirmed} event on the responder.
   */
  void linkUp() {
    if (up || !link.isActive()) {
      return;
    }
    up = true;
    config.stats().linksUp.increment();
    log.debug("link up with {}", link);
    try {
      listener.linkUp(link);
    } catch (RuntimeException e) {
      log.warn("link listener failed in linkUp for {}", link, e);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    assert ctx.executor().inEventLoop();
    if (!(msg instanceof LinkFrame) || !up) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      listener.frame(link, (LinkFrame) msg);
    } catch (RuntimeException e) {
      log.warn("link listener failed on a {} frame from {}", ((LinkFrame) msg).type(), link, e);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == LinkPipeline.Confirmed.EVENT) {
      linkUp();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (up) {
      listener.writabilityChanged(link);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (up) {
      up = false;
      String reason = ctx.channel().attr(LinkPipeline.CLOSE_REASON).get();
      try {
        listener.linkDown(link, reason == null ? "closed by peer" : reason);
      } catch (RuntimeException e) {
        log.warn("link listener failed in linkDown for {}", link, e);
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      config.stats().badRecords.increment();
      log.debug("link with {}: {}; closing", link, cause.getMessage());
      LinkPipeline.close(ctx.channel(), "bad record");
    } else if (cause instanceof java.io.IOException) {
      log.debug("link with {}: {}", link, cause.toString());
      LinkPipeline.close(ctx.channel(), "connection lost");
    } else {
      log.debug("link with {}: {}; closing", link, cause.toString());
      LinkPipeline.close(ctx.channel(), "error: " + cause.getClass().getSimpleName());
    }
  }
}
