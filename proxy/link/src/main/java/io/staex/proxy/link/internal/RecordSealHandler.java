package io.staex.proxy.link.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.staex.crypto.RecordException;
import io.staex.crypto.RecordLayer;
import io.staex.crypto.RecordSealer;
import io.staex.proxy.frame.LinkFrameCodec;
import java.util.Arrays;

/**
 * {@link OutboundRecord} → {@code u32 length || RecordSealer output}, the length being the
 * record's AAD. The frames are encoded into the loop's {@link RecordScratch} behind room for the
 * header, sealed there in place, and the whole wire record is copied once into the outgoing
 * buffer: one array pass for the encoding, one for the cipher, one copy. The outgoing buffer is
 * allocated only once the record is sealed, so a failed seal has nothing to release. Owned by
 * the channel's event loop.
 */
final class RecordSealHandler extends ChannelOutboundHandlerAdapter {
  private final RecordSealer sealer;
  private final byte[] aad = new byte[LinkPipeline.RECORD_LENGTH_SIZE];
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
    RecordScratch scratch = RecordScratch.get();
    int wireLength;
    try {
      wireLength = seal((OutboundRecord) msg, scratch.plaintext(), scratch.array);
    } catch (RecordException | RuntimeException e) {
      // Counter exhausted (a link would need 2^60 records) or frames that do not fit.
      promise.setFailure(e);
      LinkPipeline.close(ctx.channel(), "cannot seal: " + e);
      return;
    }
    ByteBuf out = ctx.alloc().ioBuffer(wireLength);
    out.writeBytes(scratch.array, 0, wireLength);
    link.sent(wireLength);
    ctx.write(out, promise);
  }

  /**
   * Seals {@code record} in {@code array} ({@code plaintext} is the view of its plaintext
   * region): {@code u32 length || counter || ciphertext || tag} from offset 0.
   *
   * @return the wire record's length, header included
   */
  private int seal(OutboundRecord record, ByteBuf plaintext, byte[] array)
      throws RecordException {
    int n = 0;
    try {
      n = LinkFrameCodec.encodeRecord(record.frames(), plaintext);
      int length = n + RecordLayer.OVERHEAD;
      aad[0] = (byte) (length >>> 24);
      aad[1] = (byte) (length >>> 16);
      aad[2] = (byte) (length >>> 8);
      aad[3] = (byte) length;
      sealer.seal(array, RecordScratch.PLAINTEXT_OFFSET, n, aad, array,
          RecordScratch.RECORD_OFFSET);
      System.arraycopy(aad, 0, array, 0, aad.length);
      return LinkPipeline.RECORD_LENGTH_SIZE + length;
    } catch (RecordException | RuntimeException e) {
      // Leave no plaintext behind in the shared array (what the encoder wrote, if anything).
      Arrays.fill(array, RecordScratch.PLAINTEXT_OFFSET,
          RecordScratch.PLAINTEXT_OFFSET + Math.max(n, plaintext.writerIndex()), (byte) 0);
      throw e;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    sealer.destroy();
  }
}
