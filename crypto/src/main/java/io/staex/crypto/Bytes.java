package io.staex.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable sequence of bytes with value equality, for public data such as keys and
 * signatures. Copies on the way in and on the way out, so no holder can change it.
 *
 * <p>Not for secrets: {@link #toString()} prints the bytes in hex.
 */
public final class Bytes {
  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  /** A copy of {@code data}. */
  public static Bytes copyOf(byte[] data) {
    return new Bytes(data.clone());
  }

  /** A copy of {@code len} bytes of {@code data} from {@code off}. */
  public static Bytes copyOf(byte[] data, int off, int len) {
    return new Bytes(Arrays.copyOfRange(data, off, off + len));
  }

  /** A fresh copy of the bytes. */
  public byte[] toByteArray() {
    return data.clone();
  }

  /** Copies the bytes into {@code dst} at {@code off}. */
  public void copyTo(byte[] dst, int off) {
    System.arraycopy(data, 0, dst, off, data.length);
  }

  /** Whether the bytes equal {@code other} (public data: no constant time needed). */
  boolean sameAs(byte[] other) {
    return Arrays.equals(data, other);
  }

  public int size() {
    return data.length;
  }

  public byte get(int index) {
    return data[index];
  }

  /** Whether the bytes equal {@code other}'s, in time independent of where they differ. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes && java.security.MessageDigest.isEqual(data, ((Bytes) other).data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  /** Lower-case hex. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(data);
  }
}
