package io.staex.crypto;

/** Bytes or a file that are not a {@link SignedRevocation}; the message says what is wrong. */
public final class BadRevocationException extends Exception {
  public BadRevocationException(String message) {
    super(message);
  }
}
