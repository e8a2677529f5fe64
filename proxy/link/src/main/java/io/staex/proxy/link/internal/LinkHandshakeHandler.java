package io.staex.proxy.link.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.staex.crypto.Address;
import io.staex.crypto.Handshake;
import io.staex.crypto.HandshakeException;
import io.staex.crypto.Purpose;
import io.staex.proxy.link.LinkCredentials;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link Handshake} ({@link Purpose#LINK}) over the handshake framer: the initiator
 * writes message 1 when the connection is up and reads message 2; the responder reads message 1
 * and answers message 2. Then it installs the record phase ({@link LinkPipeline#recordPhase})
 * and removes itself.
 *
 * <p>A refused message (HandshakeException: wrong network, revoked, not Noise…) or a timeout
 * closes the connection without a word to the peer, with one debug line and a count. On the
 * accepting side the first message has a shorter deadline of its own ({@code
 * firstMessageTimeout}), so that a silent or trickling client gives up its startup slot soon.
 * Fields are owned by the channel's event loop.
 */
final class LinkHandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(LinkHandshakeHandler.class);
  private static final byte[] NO_DATA = new byte[0];

  private final LinkConfig config;
  /** The parent we dial; null on the accepting side. */
  private final Address expectedPeer;
  /** How long the first message may take to arrive in full; null: no deadline of its own. */
  private final Duration firstMessageTimeout;
  /** Null before handlerAdded and after the handshake ended, either way. */
  private Handshake handshake;
  private ScheduledFuture<?> timeout;
  private ScheduledFuture<?> firstTimeout;
  private boolean sentFirst;

  LinkHandshakeHandler(LinkConfig config, Address expectedPeer, Duration firstMessageTimeout) {
    this.config = config;
    this.expectedPeer = expectedPeer;
    this.firstMessageTimeout = firstMessageTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    assert ctx.executor().inEventLoop();
    LinkCredentials c = config.credentials();
    handshake = expectedPeer == null
        ? Handshake.responder(c.identity(), c.certificate(), c.policy(), Purpose.LINK, c.clock(),
            c.random())
        : Handshake.initiator(c.identity(), c.certificate(), expectedPeer, c.policy(),
            Purpose.LINK, c.clock(), c.random());
    timeout = ctx.executor().schedule(() -> timedOut(ctx),
        config.settings().handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    if (firstMessageTimeout != null) {
      firstTimeout = ctx.executor().schedule(() -> firstMessageTimedOut(ctx),
          firstMessageTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (expectedPeer != null && !sentFirst && handshake != null) {
      sentFirst = true;
      write(ctx, handshake.writeMessage(NO_DATA));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    assert ctx.executor().inEventLoop();
    if (!(msg instanceof ByteBuf) || handshake == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (firstTimeout != null) {
      firstTimeout.cancel(false);
    }
    byte[] message;
    ByteBuf frame = (ByteBuf) msg;
    try {
      message = ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
    try {
      handshake.readMessage(message);
    } catch (HandshakeException e) {
      if (e.reason() == HandshakeException.Reason.VERSION) {
        config.stats().versionRefused.increment();
      }
      refuse(ctx, e.reason() + ": " + e.getMessage(), e.answer());
      return;
    } catch (IllegalStateException e) {
      refuse(ctx, "message out of turn", Optional.empty());
      return;
    }
    if (expectedPeer == null) {
      write(ctx, handshake.writeMessage(NO_DATA));
    }
    Handshake.Established established = handshake.established();
    handshake = null;
    timeout.cancel(false);
    log.debug("link handshake with {} at {} done", established.peer(),
        ctx.channel().remoteAddress());
    LinkPipeline.recordPhase(ctx.channel(), config, established, expectedPeer != null);
  }

  private void write(ChannelHandlerContext ctx, byte[] message) {
    ctx.writeAndFlush(framed(ctx, message)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  private static ByteBuf framed(ChannelHandlerContext ctx, byte[] message) {
    ByteBuf out = ctx.alloc().buffer(LinkPipeline.HANDSHAKE_LENGTH_SIZE + message.length);
    return out.writeShort(message.length).writeBytes(message);
  }

  /**
   * Refuses the handshake: counted, logged as a warning at most once a minute (a peer can cause
   * these at will), and closed — after {@code answer} if the refusal has one to say to the peer
   * (another protocol version: the responder tells its own, so the initiator can say why too).
   */
  private void refuse(ChannelHandlerContext ctx, String reason, Optional<byte[]> answer) {
    config.stats().handshakesRefused.increment();
    String more = config.stats().refusalLogDue(ctx.executor().ticker().nanoTime());
    if (more != null) {
      // A peer can cause these at will: one line a minute, the rest counted (status).
      log.warn("link handshake {} {} refused: {}{}{}", expectedPeer == null ? "from" : "with",
          ctx.channel().remoteAddress(), reason, expectedPeer == null && reason.startsWith("NOISE")
              ? " (it dialled another key than this node's: is its parents[].key this node's"
                  + " address?)" : "", more);
    } else {
      log.debug("link handshake with {} refused: {}", ctx.channel().remoteAddress(), reason);
    }
    end();
    String why = "handshake refused: " + reason;
    if (answer.isPresent()) {
      ctx.writeAndFlush(framed(ctx, answer.get()))
          .addListener(f -> LinkPipeline.close(ctx.channel(), why));
    } else {
      LinkPipeline.close(ctx.channel(), why);
    }
  }

  private void timedOut(ChannelHandlerContext ctx) {
    if (handshake == null) {
      return;
    }
    config.stats().handshakeTimeouts.increment();
    log.debug("link handshake with {} timed out", ctx.channel().remoteAddress());
    end();
    LinkPipeline.close(ctx.channel(), "handshake timeout");
  }

  private void firstMessageTimedOut(ChannelHandlerContext ctx) {
    if (handshake == null) {
      return;
    }
    config.stats().firstMessageTimeouts.increment();
    log.debug("link handshake with {}: no first message within {}",
        ctx.channel().remoteAddress(), firstMessageTimeout);
    end();
    LinkPipeline.close(ctx.channel(), "first handshake message timeout");
  }

  /** Abandons an unfinished handshake, zeroing its keys. */
  private void end() {
    if (handshake != null) {
      handshake.destroy();
      handshake = null;
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (firstTimeout != null) {
      firstTimeout.cancel(false);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    end();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("link handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    end();
    LinkPipeline.close(ctx.channel(), "handshake failed: " + (cause.getMessage() != null
        ? cause.getMessage() : cause.getClass().getSimpleName()));
  }
}
