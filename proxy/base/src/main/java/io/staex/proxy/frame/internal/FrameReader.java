package io.staex.proxy.frame.internal;

import io.netty.buffer.ByteBuf;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameDecodeException.Reason;

/**
 * Bounds-checked reading of one frame from a {@link ByteBuf}, with errors that say what, where
 * and what was expected.
 *
 * <p>Reads with absolute gets from the buffer's reader index up to its writer index (or a
 * smaller {@code end}); the buffer's indices move only on {@link #commit()}, so a frame that
 * fails to decode leaves the buffer as it was. Never retains or releases the buffer. Every
 * count and length is checked against the bytes left before the caller allocates for it.
 * Offsets in messages are relative to where the frame starts.
 */
public final class FrameReader {
  private final ByteBuf buf;
  private final String what;
  private final int start;
  private final int end;
  /** The immutable bytes {@code buf} shows (index i of both is the same byte), or null. */
  private final FrameBytes source;
  private int index;

  /** A reader of the frame {@code what} (e.g. "link frame") at {@code buf}'s reader index. */
  public FrameReader(ByteBuf buf, String what) {
    this(buf, what, buf.writerIndex(), null);
  }

  /**
   * A reader whose {@link #bytes} are views of {@code source} instead of copies: {@code buf}
   * must be {@code source.asReadOnlyBuffer()} (or show the same bytes at the same indices).
   */
  public FrameReader(ByteBuf buf, String what, FrameBytes source) {
    this(buf, what, buf.writerIndex(), source);
  }

  private FrameReader(ByteBuf buf, String what, int end, FrameBytes source) {
    this.buf = buf;
    this.what = what;
    this.source = source;
    this.start = buf.readerIndex();
    this.end = end;
    this.index = start;
  }

  /** Names the frame being read, once its type is known. */
  public FrameReader named(String name) {
    FrameReader named = new FrameReader(buf, name, end, source);
    named.index = index;
    return named;
  }

  public int u8(String field) throws FrameDecodeException {
    return buf.getUnsignedByte(take(field, 1));
  }

  public int u16(String field) throws FrameDecodeException {
    return buf.getUnsignedShort(take(field, 2));
  }

  public long u32(String field) throws FrameDecodeException {
    return buf.getUnsignedInt(take(field, 4));
  }

  public long u64(String field) throws FrameDecodeException {
    return buf.getLong(take(field, 8));
  }

  /**
   * Skips {@code n} bytes of {@code field} and returns the absolute index where they start.
   *
   * @throws FrameDecodeException TRUNCATED if fewer than {@code n} bytes are left
   */
  public int take(String field, int n) throws FrameDecodeException {
    if (n < 0 || remaining() < n) {
      throw new FrameDecodeException(Reason.TRUNCATED, what + ": " + field + " at offset "
          + offset() + " needs " + n + " bytes, " + remaining() + " left");
    }
    int at = index;
    index += n;
    return at;
  }

  /**
   * The next {@code n} bytes of {@code field}: a view of the source if this reader has one,
   * else a copy.
   *
   * @throws FrameDecodeException TRUNCATED if fewer than {@code n} bytes are left
   */
  public FrameBytes bytes(String field, int n) throws FrameDecodeException {
    int at = take(field, n);
    return source != null ? source.slice(at, n) : FrameBytes.readFrom(buf, at, n);
  }

  /** Bytes left before the end of the input. */
  public int remaining() {
    return end - index;
  }

  /** Where the next field starts, relative to the start of the frame. */
  public int offset() {
    return index - start;
  }

  /** The absolute index where the frame starts. */
  public int start() {
    return start;
  }

  public ByteBuf buffer() {
    return buf;
  }

  /** An error about the field that ends at the current offset. */
  public FrameDecodeException error(Reason reason, String message) {
    return new FrameDecodeException(reason, what + ": " + message);
  }

  /**
   * {@code field} holds {@code value}, which must be at most {@code max}.
   *
   * @throws FrameDecodeException LIMIT otherwise
   */
  public void checkAtMost(String field, long value, long max) throws FrameDecodeException {
    if (value > max) {
      throw error(Reason.LIMIT, field + ": " + value + " (expected: at most " + max + ")");
    }
  }

  /** Moves the buffer's reader index past what was read. */
  public void commit() {
    buf.readerIndex(index);
  }
}
