package io.staex.proxy.link.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.staex.crypto.RecordException;
import io.staex.crypto.RecordLayer;
import io.staex.crypto.RecordSealer;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.link.LinkSettings;

/**
 * {@link OutboundRecord} → {@code u32 length || RecordSealer output}, the length being the
 * record's AAD. The cipher works on arrays: frames are encoded straight into a reused plaintext
 * array, sealed into a reused array, and copied once into the outgoing buffer. Owned by the
 * channel's event loop.
 */
final class RecordSealHandler extends ChannelOutboundHandlerAdapter {
  private final RecordSealer sealer;
  private final byte[] aad = new byte[LinkPipeline.RECORD_LENGTH_SIZE];
  private final byte[] plaintext = new byte[FrameLimits.MAX_LINK_RECORD_PLAINTEXT];
  /** Frames are encoded straight into {@link #plaintext} through this view: no copy per record. */
  private final ByteBuf plaintextBuf = Unpooled.wrappedBuffer(plaintext);
  private final byte[] sealed = new byte[LinkSettings.MAX_RECORD_SIZE];

  private final ChannelLink link;

  RecordSealHandler(RecordSealer sealer, ChannelLink link) {
    this.sealer = sealer;
    this.link = link;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // the caller's promise carries the outcome
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    assert ctx.executor().inEventLoop();
    if (!(msg instanceof OutboundRecord)) {
      ctx.write(msg, promise);
      return;
    }
    int length;
    try {
      length = seal((OutboundRecord) msg);
    } catch (RecordException | RuntimeException e) {
      // Counter exhausted (a link would need 2^60 records) or frames that do not fit.
      promise.setFailure(e);
      LinkPipeline.close(ctx.channel(), "cannot seal: " + e);
      return;
    }
    ByteBuf out = ctx.alloc().ioBuffer(LinkPipeline.RECORD_LENGTH_SIZE + length);
    out.writeInt(length).writeBytes(sealed, 0, length);
    link.sent(LinkPipeline.RECORD_LENGTH_SIZE + length);
    ctx.write(out, promise);
  }

  private int seal(OutboundRecord record) throws RecordException {
    plaintextBuf.clear();
    int n = LinkFrameCodec.encodeRecord(record.frames(), plaintextBuf);
    int length = n + RecordLayer.OVERHEAD;
    aad[0] = (byte) (length >>> 24);
    aad[1] = (byte) (length >>> 16);
    aad[2] = (byte) (length >>> 8);
    aad[3] = (byte) length;
    return sealer.seal(plaintext, 0, n, aad, sealed, 0);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    sealer.destroy();
  }
}
