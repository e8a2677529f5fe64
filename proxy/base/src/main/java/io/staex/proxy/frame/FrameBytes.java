package io.staex.proxy.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Objects;

/**
 * Immutable bytes carried by a frame (a payload, a Noise message, a record, stream data), with
 * value equality. No holder can change them: {@link #copyOf} copies on the way in and every
 * accessor copies on the way out, except {@link #read}, whose reader promises not to write.
 *
 * <p>Copies are what the data path costs, so bytes are shared where that is safe: {@link
 * #slice} is a view of the same bytes, decoders that read from a {@code FrameBytes} hand out
 * views of it, and {@link #adopt} takes over an array its creator will never write again (a
 * sealed record, an opened plaintext) instead of copying it.
 *
 * <p>{@link #toString()} shows the length only: frame contents must never reach a log.
 */
public final class FrameBytes {
  private static final FrameBytes EMPTY = new FrameBytes(new byte[0], 0, 0);

  private final byte[] data;
  private final int off;
  private final int len;

  private FrameBytes(byte[] data, int off, int len) {
    this.data = data;
    this.off = off;
    this.len = len;
  }

  /** Reads bytes in place; it must not write to {@code array}, nor keep it. */
  @FunctionalInterface
  public interface ArrayReader<T, E extends Exception> {
    T read(byte[] array, int off, int len) throws E;
  }

  /** No bytes. */
  public static FrameBytes empty() {
    return EMPTY;
  }

  /** A copy of {@code data}. */
  public static FrameBytes copyOf(byte[] data) {
    return new FrameBytes(data.clone(), 0, data.length);
  }

  /** A copy of {@code len} bytes of {@code data} from {@code off}. */
  public static FrameBytes copyOf(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    return new FrameBytes(Arrays.copyOfRange(data, off, off + len), 0, len);
  }

  /** A copy of the readable bytes of {@code buf}; its indices do not move. */
  public static FrameBytes copyOf(ByteBuf buf) {
    return readFrom(buf, buf.readerIndex(), buf.readableBytes());
  }

  /** A copy of {@code buf[index..index+len)}, read with absolute gets. */
  public static FrameBytes readFrom(ByteBuf buf, int index, int len) {
    byte[] data = new byte[len];
    buf.getBytes(index, data);
    return new FrameBytes(data, 0, len);
  }

  /**
   * {@code data[off..off+len)} without a copy: the caller hands the array over and must never
   * write to it again (it may still read it).
   */
  public static FrameBytes adopt(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    return new FrameBytes(data, off, len);
  }

  /** All of {@code data} without a copy; see {@link #adopt(byte[], int, int)}. */
  public static FrameBytes adopt(byte[] data) {
    return new FrameBytes(data, 0, data.length);
  }

  public int size() {
    return len;
  }

  public boolean isEmpty() {
    return len == 0;
  }

  /** The bytes {@code [index..index+length)} of this, sharing them (no copy). */
  public FrameBytes slice(int index, int length) {
    Objects.checkFromIndexSize(index, length, len);
    return length == len ? this : new FrameBytes(data, off + index, length);
  }

  /** A fresh copy of the bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(data, off, off + len);
  }

  /** Copies the bytes into {@code dst} at {@code dstOff}. */
  public void copyTo(byte[] dst, int dstOff) {
    System.arraycopy(data, off, dst, dstOff, len);
  }

  /** Writes the bytes to {@code out} (the caller keeps owning {@code out}). */
  public void writeTo(ByteBuf out) {
    out.writeBytes(data, off, len);
  }

  /**
   * Lets {@code reader} read the bytes where they are (a cipher, a decoder): no copy. The
   * reader must not write to the array it is given, nor keep it beyond the call.
   */
  public <T, E extends Exception> T read(ArrayReader<T, E> reader) throws E {
    return reader.read(data, off, len);
  }

  /**
   * A read-only buffer over the bytes (no copy), for decoders; it needs no release. Indices
   * start at 0.
   */
  public ByteBuf asReadOnlyBuffer() {
    return Unpooled.wrappedBuffer(data, off, len).asReadOnly();
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof FrameBytes)) {
      return false;
    }
    FrameBytes o = (FrameBytes) other;
    return Arrays.equals(data, off, off + len, o.data, o.off, o.off + o.len);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + data[i];
    }
    return h;
  }

  /** The length only, never the contents. */
  @Override
  public String toString() {
    return "FrameBytes[" + len + " bytes]";
  }
}
