package io.staex.proxy.link.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.staex.crypto.RecordLayer;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.link.LinkSettings;

/**
 * One array per thread (an event loop) in which the link's record handlers seal and open: a
 * record is encoded, sealed and copied out (or copied in and opened) within one call, so every
 * link of a loop can share it instead of holding arrays of its own (two of 64 KiB per link
 * before). Never used across calls, never handed out: what stays in it between calls is
 * ciphertext, and a seal that fails zeroes the plaintext it had encoded.
 *
 * <pre>
 *   0        4            12                          12 + n          12 + n + 16
 *   | length | counter    | plaintext → ciphertext    | tag           |
 *   | u32    | u64        | n bytes, sealed in place  | 16 bytes      |
 * </pre>
 *
 * The sealer encodes the frames at {@link #PLAINTEXT_OFFSET}, seals them there in place (the
 * JDK's AES-GCM encrypts in place on its fast path) and writes the header in front, so the whole
 * wire record is one run of the array. The opener copies a received record (counter onward)
 * here and opens it into the array its frames will share: not in place, because the JDK skips
 * its combined AES-GCM intrinsic for an in-place decryption (see docs/record-layer.md).
 */
final class RecordScratch {
  /** Where a record's counter starts: after the u32 length. */
  static final int RECORD_OFFSET = LinkPipeline.RECORD_LENGTH_SIZE;
  /** Where the plaintext (then the ciphertext) starts. */
  static final int PLAINTEXT_OFFSET = RECORD_OFFSET + RecordLayer.COUNTER_SIZE;

  private static final FastThreadLocal<RecordScratch> PER_THREAD = new FastThreadLocal<>() {
    @Override
    protected RecordScratch initialValue() {
      return new RecordScratch();
    }
  };

  final byte[] array = new byte[LinkPipeline.RECORD_LENGTH_SIZE + LinkSettings.MAX_RECORD_SIZE];
  /** A view of the plaintext region, for the frame encoder; its indices are reset per use. */
  private final ByteBuf plaintext =
      Unpooled.wrappedBuffer(array, PLAINTEXT_OFFSET, FrameLimits.MAX_LINK_RECORD_PLAINTEXT);

  private RecordScratch() {}

  /** This thread's scratch. */
  static RecordScratch get() {
    return PER_THREAD.get();
  }

  /** The plaintext region as an empty buffer to encode into (index 0 = {@link #PLAINTEXT_OFFSET}). */
  ByteBuf plaintext() {
    return plaintext.clear();
  }
}
