package io.staex.crypto.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Converts Ed25519 keys to X25519 keys with the standard birational map between the Edwards and
 * Montgomery forms of Curve25519 (RFC 7748 section 4.1), so that a node's Ed25519 identity key is
 * also its Noise static key and its address alone is enough to start a handshake. The results are
 * those of libsodium's {@code crypto_sign_ed25519_pk_to_curve25519} and
 * {@code crypto_sign_ed25519_sk_to_curve25519}.
 *
 * <ul>
 *   <li>Public key: decode the Edwards point (x, y) per RFC 8032 section 5.1.3 and return
 *       {@code u = (1 + y) / (1 - y) mod p}, 32 bytes little-endian.
 *   <li>Private key: the first 32 bytes of SHA-512(seed), clamped: the same scalar Ed25519 signs
 *       with, so {@code X25519(convertPrivate(seed), 9) == convertPublic(publicKey(seed))}.
 * </ul>
 *
 * <p>A public key is refused with an {@link IllegalArgumentException} naming the reason if its
 * encoding is not canonical ({@code y >= p}, or {@code x = 0} with the sign bit set), if it is the
 * neutral element ({@code y = 1}, where u is undefined), if it is not on the curve, if it has
 * small order, or if it is not in the prime-order subgroup. Honest keys never are.
 *
 * <p>Plain {@link BigInteger} arithmetic: this runs once per peer, and clarity beats speed (about a
 * millisecond, most of it the subgroup check). Not constant-time, which is fine for public keys;
 * the private-key conversion involves no arithmetic beyond the hash.
 */
public final class KeyConversion {

  /** Length of Ed25519 and X25519 keys and seeds. */
  public static final int KEY_LENGTH = 32;

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  /** d = -121665 / 121666 mod p. */
  private static final BigInteger D = BigInteger.valueOf(-121665)
      .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  /** The order of the prime-order subgroup: 2^252 + 27742317777372353535851937790883648493. */
  private static final BigInteger L = BigInteger.TWO.pow(252)
      .add(new BigInteger("27742317777372353535851937790883648493"));
  /** A square root of -1 mod p: 2^((p-1)/4). */
  private static final BigInteger SQRT_M1 =
      BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
  private static final Point NEUTRAL =
      new Point(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO);

  private KeyConversion() {}

  /**
   * Maps an Ed25519 public key to the X25519 public key of the same secret.
   *
   * @param ed25519PublicKey the 32-byte encoded Edwards point
   * @return the 32-byte little-endian u-coordinate
   * @throws IllegalArgumentException if the key is not a canonically encoded point of the
   *     prime-order subgroup other than the neutral element
   */
  public static byte[] convertPublic(byte[] ed25519PublicKey) {
    Objects.requireNonNull(ed25519PublicKey, "ed25519PublicKey");
    checkLength("Ed25519 public key", ed25519PublicKey);
    byte[] littleEndian = ed25519PublicKey.clone();
    boolean xOdd = (littleEndian[31] & 0x80) != 0;
    littleEndian[31] &= 0x7f;
    BigInteger y = fromLittleEndian(littleEndian);
    if (y.compareTo(P) >= 0) {
      throw refused("non-canonical encoding (y >= p)");
    }
    if (y.equals(BigInteger.ONE)) {
      throw refused("the neutral element (y = 1), where u = (1 + y) / (1 - y) is undefined");
    }
    BigInteger x = recoverX(y, xOdd);
    Point point = new Point(x, y, BigInteger.ONE, x.multiply(y).mod(P));
    if (multiply(point, BigInteger.valueOf(8)).isNeutral()) {
      throw refused("a point of small order");
    }
    if (!multiply(point, L).isNeutral()) {
      throw refused("not in the prime-order subgroup (it has a small-order component)");
    }
    BigInteger u = BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).modInverse(P)).mod(P);
    return toLittleEndian(u);
  }

  /**
   * The map alone, for a key that BouncyCastle's {@code Ed25519.validatePublicKeyFull} already
   * accepted (every {@code Address} key is): the same result as {@link #convertPublic} for such
   * keys, in one field inversion instead of two scalar multiplications, which matters on the
   * handshake path. For any other key use {@link #convertPublic}.
   */
  public static byte[] convertValidatedPublic(byte[] ed25519PublicKey) {
    checkLength("Ed25519 public key", ed25519PublicKey);
    byte[] littleEndian = ed25519PublicKey.clone();
    littleEndian[31] &= 0x7f;
    BigInteger y = fromLittleEndian(littleEndian);
    BigInteger u = BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).modInverse(P)).mod(P);
    return toLittleEndian(u);
  }

  /**
   * Maps an Ed25519 private key (the 32-byte RFC 8032 seed) to the X25519 private key of the
   * same secret. The caller owns, and should zero, both arrays.
   *
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public static byte[] convertPrivate(byte[] ed25519Seed) {
    Objects.requireNonNull(ed25519Seed, "ed25519Seed");
    checkLength("Ed25519 seed", ed25519Seed);
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-512").digest(ed25519Seed);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is missing from the JDK", e);
    }
    byte[] scalar = Arrays.copyOf(hash, KEY_LENGTH);
    Arrays.fill(hash, (byte) 0);
    scalar[0] &= (byte) 248;
    scalar[31] &= 127;
    scalar[31] |= 64;
    return scalar;
  }

  /** RFC 8032 section 5.1.3 steps 2-4: x from y and the sign bit, or refuse. */
  private static BigInteger recoverX(BigInteger y, boolean xOdd) {
    BigInteger y2 = y.multiply(y).mod(P);
    BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
    BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
    BigInteger v3 = v.pow(3).mod(P);
    BigInteger v7 = v3.multiply(v3).multiply(v).mod(P);
    // candidate = (u/v)^((p+3)/8), computed as u * v^3 * (u * v^7)^((p-5)/8)
    BigInteger candidate = u.multiply(v3)
        .multiply(u.multiply(v7).mod(P).modPow(P.subtract(BigInteger.valueOf(5)).shiftRight(3), P))
        .mod(P);
    BigInteger vx2 = v.multiply(candidate).multiply(candidate).mod(P);
    BigInteger x;
    if (vx2.equals(u)) {
      x = candidate;
    } else if (vx2.equals(P.subtract(u).mod(P))) {
      x = candidate.multiply(SQRT_M1).mod(P);
    } else {
      throw refused("not a point on the curve (x^2 has no square root)");
    }
    if (x.signum() == 0 && xOdd) {
      throw refused("non-canonical encoding (x = 0 with the sign bit set)");
    }
    return x.testBit(0) == xOdd ? x : P.subtract(x);
  }

  /** k * point by double-and-add. Variable time: public inputs only. */
  private static Point multiply(Point point, BigInteger k) {
    Point result = NEUTRAL;
    for (int i = k.bitLength() - 1; i >= 0; i--) {
      result = result.add(result);
      if (k.testBit(i)) {
        result = result.add(point);
      }
    }
    return result;
  }

  /** An Edwards point in extended coordinates: x = X/Z, y = Y/Z, x*y = T/Z. */
  private record Point(BigInteger x, BigInteger y, BigInteger z, BigInteger t) {

    /** The complete addition law of RFC 8032 section 5.1.4 (a = -1); also doubles. */
    Point add(Point q) {
      BigInteger a = y.subtract(x).multiply(q.y.subtract(q.x)).mod(P);
      BigInteger b = y.add(x).multiply(q.y.add(q.x)).mod(P);
      BigInteger c = t.multiply(BigInteger.TWO).multiply(D).multiply(q.t).mod(P);
      BigInteger d = z.multiply(BigInteger.TWO).multiply(q.z).mod(P);
      BigInteger e = b.subtract(a);
      BigInteger f = d.subtract(c);
      BigInteger g = d.add(c);
      BigInteger h = b.add(a);
      return new Point(e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P),
          e.multiply(h).mod(P));
    }

    boolean isNeutral() {
      return x.signum() == 0 && y.subtract(z).mod(P).signum() == 0;
    }
  }

  private static void checkLength(String what, byte[] bytes) {
    if (bytes.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          what + ": " + bytes.length + " bytes (expected: " + KEY_LENGTH + ")");
    }
  }

  private static IllegalArgumentException refused(String reason) {
    return new IllegalArgumentException(
        "Ed25519 public key cannot be converted to X25519: " + reason);
  }

  private static BigInteger fromLittleEndian(byte[] littleEndian) {
    byte[] bigEndian = new byte[littleEndian.length];
    for (int i = 0; i < littleEndian.length; i++) {
      bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
    }
    return new BigInteger(1, bigEndian);
  }

  private static byte[] toLittleEndian(BigInteger value) {
    byte[] out = new byte[KEY_LENGTH];
    byte[] bigEndian = value.toByteArray(); // may have a leading sign byte, never more than 33
    for (int i = 0; i < KEY_LENGTH && i < bigEndian.length; i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return out;
  }
}
