package io.staex.crypto.internal;

/**
 * RFC 4648 base32 in lower case without padding, strict: decoding accepts either case but
 * refuses characters outside the alphabet and non-zero bits after the last full byte, so that
 * every byte string has exactly one text form (a lower-cased copy of it).
 */
public final class Base32 {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
      VALUES[Character.toUpperCase(ALPHABET[i])] = i;
    }
  }

  private Base32() {}

  /** Number of characters that encode {@code bytes} bytes. */
  public static int encodedLength(int bytes) {
    return (bytes * 8 + 4) / 5;
  }

  public static String encode(byte[] data) {
    StringBuilder out = new StringBuilder(encodedLength(data.length));
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /** Index of the first character outside the alphabet, or -1. */
  public static int firstInvalidChar(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 128 || VALUES[c] < 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Decodes {@code text}, which must hold only alphabet characters (see {@link
   * #firstInvalidChar}); returns null when it is not the encoding of any bytes: the unused
   * trailing bits are not zero, or the length is 1, 3 or 6 modulo 8 (a character left over).
   */
  public static byte[] decode(CharSequence text) {
    int len = text.length();
    byte[] out = new byte[len * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int pos = 0;
    for (int i = 0; i < len; i++) {
      int v = VALUES[text.charAt(i)];
      if (v < 0) {
        throw new IllegalArgumentException("not a base32 character at index " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[pos++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    if (bits >= 5 || (buffer & ((1 << bits) - 1)) != 0) {
      return null;
    }
    return out;
  }
}
