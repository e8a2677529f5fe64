package io.staex.proxy.frame;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Immutable bytes carried by a frame (a payload, a Noise message, a record, stream data), with
 * value equality. Copies on the way in and on the way out, so no holder can change it.
 *
 * <p>{@link #toString()} shows the length only: frame contents must never reach a log.
 */
public final class FrameBytes {
  private static final FrameBytes EMPTY = new FrameBytes(new byte[0]);

  private final byte[] data;

  private FrameBytes(byte[] data) {
    this.data = data;
  }

  /** No bytes. */
  public static FrameBytes empty() {
    return EMPTY;
  }

  /** A copy of {@code data}. */
  public static FrameBytes copyOf(byte[] data) {
    return new FrameBytes(data.clone());
  }

  /** A copy of {@code len} bytes of {@code data} from {@code off}. */
  public static FrameBytes copyOf(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    return new FrameBytes(Arrays.copyOfRange(data, off, off + len));
  }

  /** A copy of the readable bytes of {@code buf}; its indices do not move. */
  public static FrameBytes copyOf(ByteBuf buf) {
    return readFrom(buf, buf.readerIndex(), buf.readableBytes());
  }

  /** A copy of {@code buf[index..index+len)}, read with absolute gets. */
  static FrameBytes readFrom(ByteBuf buf, int index, int len) {
    byte[] data = new byte[len];
    buf.getBytes(index, data);
    return new FrameBytes(data);
  }

  public int size() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  /** A fresh copy of the bytes. */
  public byte[] toByteArray() {
    return data.clone();
  }

  /** Copies the bytes into {@code dst} at {@code off}. */
  public void copyTo(byte[] dst, int off) {
    System.arraycopy(data, 0, dst, off, data.length);
  }

  /** Writes the bytes to {@code out} (the caller keeps owning {@code out}). */
  public void writeTo(ByteBuf out) {
    out.writeBytes(data);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FrameBytes && Arrays.equals(data, ((FrameBytes) other).data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  /** The length only, never the contents. */
  @Override
  public String toString() {
    return "FrameBytes[" + data.length + " bytes]";
  }
}
