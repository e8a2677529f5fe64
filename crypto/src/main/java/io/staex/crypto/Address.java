package io.staex.crypto;

import io.staex.crypto.internal.Base32;
import io.staex.crypto.internal.KeyConversion;
import io.staex.crypto.internal.SlotCache;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A node's or network's address: its Ed25519 public key.
 *
 * <p>Text form: lower-case base32 (RFC 4648, no padding) of {@code key (32) || checksum (2)},
 * 55 characters, which is one DNS label; {@code <address>.staex} is the host name. The checksum
 * is the first two bytes of SHA-256({@value #CHECKSUM_DOMAIN} || key) with one 5-bit character
 * of it replaced by a check character (see {@link #checksum}), so that every single changed
 * character and every swap of two different characters (fewer than 31 apart) is refused, and
 * other typos pass with odds of 2^-16. Parsing accepts upper case and refuses bad length,
 * characters, trailing bits and checksums with distinct {@link AddressFormatException.Reason}s.
 */
public final class Address implements Comparable<Address> {
  /** Bytes of an Ed25519 public key. */
  public static final int KEY_SIZE = 32;
  /** Bytes of the checksum appended before encoding. */
  public static final int CHECKSUM_SIZE = 2;
  /** Characters of the text form. */
  public static final int TEXT_LENGTH = Base32.encodedLength(KEY_SIZE + CHECKSUM_SIZE);
  /** The top-level pseudo-domain of overlay host names. */
  public static final String DOMAIN = "staex";

  static final String CHECKSUM_DOMAIN = "staex address checksum";

  /**
   * Addresses made lately, in slots by key. Making one costs about as much as checking a
   * signature (the key's point is decompressed and multiplied by the group order to refuse
   * small-order and mixed-order keys, then a SHA-256 checksum), and a handshake made each peer's
   * twice from its certificate: a third of a handshake's CPU (HandshakeBench). Direct-mapped, so
   * it holds at most 1 024 and a flood of new keys only evicts.
   */
  private static final SlotCache<Address> MADE = new SlotCache<>(1024);

  private final Bytes key;
  private final String text;
  /** The decompressed key, validated: signature checks skip decompressing it again. */
  private final Ed25519.PublicPoint point;
  /**
   * The X25519 form of the key (the Noise static key), made on first use: a field inversion
   * in BigInteger arithmetic that a handshake otherwise paid twice for the peer and once for
   * itself (issue 15, first contact). Only this class writes it; racing writers store equal
   * arrays.
   */
  private volatile byte[] x25519;

  private Address(byte[] key, Ed25519.PublicPoint point) {
    this.key = Bytes.copyOf(key);
    this.point = point;
    byte[] raw = new byte[KEY_SIZE + CHECKSUM_SIZE];
    System.arraycopy(key, 0, raw, 0, KEY_SIZE);
    System.arraycopy(checksum(key), 0, raw, KEY_SIZE, CHECKSUM_SIZE);
    this.text = Base32.encode(raw);
  }

  /**
   * The address of a 32-byte Ed25519 public key.
   *
   * @throws AddressFormatException NOT_A_KEY if the bytes are not a valid public key
   */
  public static Address of(byte[] publicKey) {
    if (publicKey.length != KEY_SIZE) {
      throw new AddressFormatException(
          AddressFormatException.Reason.NOT_A_KEY,
          "public key: " + publicKey.length + " bytes (expected: " + KEY_SIZE + ")");
    }
    Address made = made(publicKey);
    if (made != null) {
      return made;
    }
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(publicKey, 0);
    if (point == null) {
      throw new AddressFormatException(
          AddressFormatException.Reason.NOT_A_KEY, "not a valid Ed25519 public key");
    }
    Address a = new Address(publicKey, point);
    MADE.put(publicKey, a);
    return a;
  }

  /** The address of {@code key} if it was made lately ({@link #MADE}), else null. */
  private static Address made(byte[] key) {
    Address a = MADE.get(key);
    return a != null && a.key.sameAs(key) ? a : null;
  }

  /**
   * Parses the text form; case-insensitive, surrounding white space ignored, and an optional
   * {@code .staex} (or {@code .staex.}) suffix accepted.
   */
  public static Address parse(String text) {
    String s = stripDomain(text.strip());
    if (s.length() != TEXT_LENGTH) {
      throw new AddressFormatException(
          AddressFormatException.Reason.LENGTH,
          "address '" + abbreviate(s) + "': " + s.length() + " characters (expected: "
              + TEXT_LENGTH + ")");
    }
    int bad = Base32.firstInvalidChar(s);
    if (bad >= 0) {
      throw new AddressFormatException(
          AddressFormatException.Reason.ALPHABET,
          "address '" + abbreviate(s) + "': character '" + s.charAt(bad) + "' at position "
              + (bad + 1) + " (expected: a-z or 2-7)");
    }
    byte[] raw = Base32.decode(s);
    if (raw == null) {
      throw new AddressFormatException(
          AddressFormatException.Reason.NOT_CANONICAL,
          "address '" + abbreviate(s) + "': last character '" + s.charAt(TEXT_LENGTH - 1)
              + "' is not canonical (a typo in the last character?)");
    }
    byte[] key = Arrays.copyOf(raw, KEY_SIZE);
    Address made = made(key);
    if (made != null && made.text.equalsIgnoreCase(s)) {
      return made; // the same text, so the same checksum: checked when it was made
    }
    byte[] sum = checksum(key);
    if (sum[0] != raw[KEY_SIZE] || sum[1] != raw[KEY_SIZE + 1]) {
      throw new AddressFormatException(
          AddressFormatException.Reason.CHECKSUM,
          "address '" + abbreviate(s) + "': checksum mismatch (a typo somewhere?)");
    }
    return of(key);
  }

  /** The 32-byte Ed25519 public key. */
  public Bytes publicKey() {
    return key;
  }

  /** {@code <address>.staex}. */
  public String hostName() {
    return text + "." + DOMAIN;
  }

  /** Verifies an Ed25519 signature by this key over {@code message}. */
  public boolean verify(byte[] message, byte[] signature) {
    return signature.length == Ed25519.SIGNATURE_SIZE
        && Ed25519.verify(signature, 0, point, message, 0, message.length);
  }

  /**
   * The X25519 public key of the same secret (RFC 7748 section 4.1's map), for Noise. The
   * array is shared: callers copy it and never write to it.
   */
  byte[] x25519PublicKey() {
    byte[] u = x25519;
    if (u == null) {
      u = KeyConversion.convertValidatedPublic(key.toByteArray());
      x25519 = u;
    }
    return u;
  }

  /** A short prefix for logs and tables, e.g. {@code abcdefgh…}. */
  public String shortText() {
    return text.substring(0, 8) + "…";
  }

  /** The 55-character text form. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address && ((Address) o).key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public int compareTo(Address other) {
    return text.compareTo(other.text);
  }

  private static String stripDomain(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.endsWith("." + DOMAIN + ".")) {
      return s.substring(0, s.length() - DOMAIN.length() - 2);
    }
    if (lower.endsWith("." + DOMAIN)) {
      return s.substring(0, s.length() - DOMAIN.length() - 1);
    }
    return s;
  }

  private static String abbreviate(String s) {
    return s.length() <= 70 ? s : s.substring(0, 67) + "...";
  }

  /** x^-1 in GF(32): x * (x^4 + x) = x^5 + x^2 = 1. */
  private static final int X_INVERSE = 0b10010;

  /**
   * The two checksum bytes of {@code key}: SHA-256({@value #CHECKSUM_DOMAIN} || key), except
   * the 54th text character c_53 (bits 6..2 of the second byte), chosen so that the 55
   * character values c_0..c_54, as a polynomial over GF(32) = GF(2)[x]/(x^5 + x^2 + 1),
   * vanish at x: sum c_i x^(54-i) = 0. A changed character adds e x^k (e, x nonzero), a swap adds
   * (a + b)(x^j + x^k), nonzero unless j - k is a multiple of 31 (the order of x), so neither
   * can yield another valid text; a hash alone lets 1 in 65536 typos through.
   */
  static byte[] checksum(byte[] key) {
    byte[] raw = Arrays.copyOf(key, KEY_SIZE + CHECKSUM_SIZE);
    byte[] hash = sha256(key);
    raw[KEY_SIZE] = hash[0];
    raw[KEY_SIZE + 1] = (byte) (hash[1] & ~(31 << 2));
    int check = times(polynomialAtX(raw), X_INVERSE);
    raw[KEY_SIZE + 1] |= (byte) (check << 2);
    return Arrays.copyOfRange(raw, KEY_SIZE, raw.length);
  }

  /** sum c_i x^(54-i) over the base32 characters of {@code raw} (Horner's rule). */
  private static int polynomialAtX(byte[] raw) {
    int acc = 0;
    for (int i = 0; i < TEXT_LENGTH; i++) {
      int bit = 5 * i;
      int hi = raw[bit / 8] & 0xff;
      int lo = bit / 8 + 1 < raw.length ? raw[bit / 8 + 1] & 0xff : 0;
      acc = times(acc, 2) ^ ((((hi << 8) | lo) >>> (11 - bit % 8)) & 31);
    }
    return acc;
  }

  /** Product in GF(32) modulo x^5 + x^2 + 1. */
  private static int times(int a, int b) {
    int product = 0;
    for (int i = 0; i < 5; i++) {
      if ((b >>> i & 1) != 0) {
        product ^= a << i;
      }
    }
    for (int i = 8; i >= 5; i--) {
      if ((product >>> i & 1) != 0) {
        product ^= 0b100101 << (i - 5);
      }
    }
    return product;
  }

  private static byte[] sha256(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(CHECKSUM_DOMAIN.getBytes(StandardCharsets.US_ASCII));
      sha.update(key);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is part of every JDK", e);
    }
  }
}
