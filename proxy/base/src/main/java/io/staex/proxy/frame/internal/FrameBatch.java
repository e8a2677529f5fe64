package io.staex.proxy.frame.internal;

import io.netty.buffer.ByteBuf;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import java.util.ArrayList;
import java.util.List;

/** Decodes a plaintext that holds one or more frames back to back (a link record, a stream batch). */
public final class FrameBatch {
  /** Reads the one frame at the buffer's reader index. */
  @FunctionalInterface
  public interface FrameDecoder<T> {
    T read(ByteBuf in) throws FrameDecodeException;
  }

  private FrameBatch() {}

  /**
   * All frames in the readable bytes of {@code plaintext}, which must hold 1 to {@code maxSize}
   * bytes. Ownership: the caller keeps {@code plaintext}; on success its reader index is at its
   * writer index, on failure where it was. Errors name {@code what}, the frame and its offset.
   */
  public static <T> List<T> decode(ByteBuf plaintext, int maxSize, String what, FrameDecoder<T> decoder)
      throws FrameDecodeException {
    int size = plaintext.readableBytes();
    if (size > maxSize) {
      throw new FrameDecodeException(
          Reason.LIMIT, what + ": " + size + " bytes (expected: at most " + maxSize + ")");
    }
    if (size == 0) {
      throw new FrameDecodeException(Reason.LENGTH, what + ": 0 bytes (expected: at least one frame)");
    }
    int start = plaintext.readerIndex();
    List<T> frames = new ArrayList<>();
    while (plaintext.isReadable()) {
      int offset = plaintext.readerIndex() - start;
      try {
        frames.add(decoder.read(plaintext));
      } catch (FrameDecodeException e) {
        plaintext.readerIndex(start);
        throw new FrameDecodeException(e.reason(),
            what + ", frame " + frames.size() + " at offset " + offset + ": " + e.getMessage());
      }
    }
    return frames;
  }
}
