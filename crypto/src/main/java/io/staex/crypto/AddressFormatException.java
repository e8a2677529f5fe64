package io.staex.crypto;

/** Text that is not a valid staex address; {@link #reason()} says why. */
public final class AddressFormatException extends IllegalArgumentException {
  /** Why the text was refused, one value per distinct mistake. */
  public enum Reason {
    /** Not 55 characters (after removing an optional {@code .staex} suffix). */
    LENGTH,
    /** A character outside base32's {@code a-z2-7}. */
    ALPHABET,
    /** The last character carries bits that must be zero: not the canonical form. */
    NOT_CANONICAL,
    /** The two checksum bytes do not match: most likely a typo. */
    CHECKSUM,
    /** Well formed, but the 32 bytes are not a valid Ed25519 public key. */
    NOT_A_KEY
  }

  private final Reason reason;

  AddressFormatException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
