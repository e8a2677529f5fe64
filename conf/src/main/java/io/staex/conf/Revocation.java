package io.staex.conf;

import io.staex.crypto.Address;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of {@code staex.trust.revoked}: a node or network key ({@code <address>}), or a
 * certificate serial number ({@code serial:0a1b…}).
 */
public sealed interface Revocation permits Revocation.Key, Revocation.Serial {
  /** The prefix of the serial form. */
  String SERIAL_PREFIX = "serial:";

  /**
   * Parses an address or {@code serial:<hex>}; the hex digits may be separated by colons, as
   * {@code openssl x509 -serial} and {@code -text} print them, and case does not matter.
   *
   * @throws IllegalArgumentException (an {@link io.staex.crypto.AddressFormatException} for a bad
   *     address) saying what is wrong and what was expected
   */
  static Revocation parse(String text) {
    String s = text.strip();
    if (s.toLowerCase(Locale.ROOT).startsWith(SERIAL_PREFIX)) {
      return Serial.parseHex(s.substring(SERIAL_PREFIX.length()));
    }
    return new Key(Address.parse(s));
  }

  /** A revoked node or network key. */
  record Key(Address key) implements Revocation {
    public Key {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return key.toString();
    }
  }

  /**
   * A revoked certificate serial number: positive, at most 20 bytes (RFC 5280 section 4.1.2.2).
   */
  record Serial(BigInteger serial) implements Revocation {
    /** Most hex digits of a serial: 20 bytes. */
    public static final int MAX_HEX_DIGITS = 40;

    public Serial {
      Objects.requireNonNull(serial, "serial");
      if (serial.signum() <= 0 || serial.bitLength() > 8 * MAX_HEX_DIGITS / 2) {
        throw new IllegalArgumentException(
            "serial " + serial.toString(16) + " (expected: positive, at most "
                + MAX_HEX_DIGITS / 2 + " bytes)");
      }
    }

    static Serial parseHex(String hex) {
      String digits = hex.replace(":", "");
      if (digits.isEmpty()) {
        throw new IllegalArgumentException(
            "no hex digits after '" + SERIAL_PREFIX + "' (expected: e.g. serial:0a1b2c)");
      }
      if (digits.length() > MAX_HEX_DIGITS) {
        throw new IllegalArgumentException(
            "serial of " + digits.length() + " hex digits (expected: at most " + MAX_HEX_DIGITS
                + ")");
      }
      for (int i = 0; i < digits.length(); i++) {
        char c = digits.charAt(i);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
          throw new IllegalArgumentException(
              "character '" + c + "' in serial (expected: hex digits 0-9, a-f)");
        }
      }
      return new Serial(new BigInteger(digits, 16));
    }

    /** {@code serial:<lower-case hex>}, which {@link Revocation#parse} reads back. */
    @Override
    public String toString() {
      return SERIAL_PREFIX + serial.toString(16);
    }
  }
}
