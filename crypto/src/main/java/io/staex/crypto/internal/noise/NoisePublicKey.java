package io.staex.crypto.internal.noise;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An X25519 public key as it travels in Noise messages: 32 bytes, immutable.
 *
 * <p>Equality compares the bytes (in constant time, which costs nothing here); {@link #toString()}
 * prints them in hex, which is fine for a public key.
 */
public final class NoisePublicKey {

  /** Length of an X25519 public key in bytes. */
  public static final int LENGTH = Curve25519.DH_LENGTH;

  private final byte[] bytes;

  private NoisePublicKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps a copy of the given 32 bytes. No curve check is made here: a low-order key is refused
   * when it is first used in a DH ({@link NoiseException.Reason#LOW_ORDER_KEY}).
   *
   * @throws IllegalArgumentException if the length is not 32
   */
  public static NoisePublicKey of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "X25519 public key: " + bytes.length + " bytes (expected: " + LENGTH + ")");
    }
    return new NoisePublicKey(bytes.clone());
  }

  /** Returns a copy of the 32 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The bytes themselves, for this package only; never modify or hand them out. */
  byte[] rawBytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoisePublicKey && MessageDigest.isEqual(bytes, ((NoisePublicKey) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "NoisePublicKey[" + HexFormat.of().formatHex(bytes) + "]";
  }
}
