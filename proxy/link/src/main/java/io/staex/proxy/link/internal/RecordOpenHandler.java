package io.staex.proxy.link.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.staex.crypto.RecordException;
import io.staex.crypto.RecordLayer;
import io.staex.crypto.RecordOpener;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.link.LinkSettings;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code u32 length || sealed record} (one frame of the record framer) → the link frames of its
 * plaintext, one {@code fireChannelRead} each. The record is copied out of the buffer (often a
 * composite of socket reads) into the loop's {@link RecordScratch} and opened from there into an
 * array of exactly the plaintext's size, which the decoded frames then share (a packet's payload
 * is a view of it). Not in place: the JDK skips its combined AES-GCM intrinsic for an in-place
 * decryption. A record that does not open (tampered, replayed, too old) or whose plaintext does
 * not decode closes the link: nothing of it is delivered, input after it is discarded, and the
 * received buffer is released on every path. Owned by the channel's event loop.
 */
final class RecordOpenHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RecordOpenHandler.class);

  private final RecordOpener opener;
  private final LinkConfig config;
  private final byte[] aad = new byte[LinkPipeline.RECORD_LENGTH_SIZE];
  private boolean failed;
  private boolean confirmed;

  private final ChannelLink link;

  RecordOpenHandler(RecordOpener opener, LinkConfig config, ChannelLink link) {
    this.opener = opener;
    this.config = config;
    this.link = link;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    assert ctx.executor().inEventLoop();
    if (!(msg instanceof ByteBuf) || failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    List<LinkFrame> frames;
    ByteBuf record = (ByteBuf) msg;
    int length = record.readableBytes() - LinkPipeline.RECORD_LENGTH_SIZE;
    if (length < RecordLayer.OVERHEAD || length > LinkSettings.MAX_RECORD_SIZE) {
      record.release();
      fail(ctx, "record of " + length + " bytes (expected: " + RecordLayer.OVERHEAD + "~"
          + LinkSettings.MAX_RECORD_SIZE + ")");
      return;
    }
    link.received(LinkPipeline.RECORD_LENGTH_SIZE + length);
    try {
      frames = open(record, length);
    } catch (RecordException e) {
      fail(ctx, "record refused: " + e.reason());
      return;
    } catch (FrameDecodeException e) {
      fail(ctx, "frame refused: " + e.getMessage());
      return;
    } finally {
      record.release();
    }
    if (!confirmed) {
      confirmed = true;
      ctx.fireUserEventTriggered(LinkPipeline.Confirmed.EVENT);
    }
    for (LinkFrame frame : frames) {
      ctx.fireChannelRead(frame);
    }
  }

  private List<LinkFrame> open(ByteBuf record, int length)
      throws RecordException, FrameDecodeException {
    record.getBytes(record.readerIndex(), aad);
    byte[] sealed = RecordScratch.get().array;
    record.getBytes(record.readerIndex() + LinkPipeline.RECORD_LENGTH_SIZE, sealed, 0, length);
    // The frames adopt this array: a packet's payload is a view of it, not a copy. If the record
    // is refused, the opener has zeroed it and it is dropped.
    byte[] plaintext = new byte[length - RecordLayer.OVERHEAD];
    int n = opener.open(sealed, 0, length, aad, plaintext, 0);
    return LinkFrameCodec.decodeRecord(FrameBytes.adopt(plaintext, 0, n));
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    failed = true;
    config.stats().badRecords.increment();
    log.debug("link with {}: {}; closing", ctx.channel().remoteAddress(), reason);
    LinkPipeline.close(ctx.channel(), "bad record");
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    opener.destroy();
  }
}
