package io.staex.crypto;

import java.util.Optional;

/**
 * A handshake message that was refused; the handshake is then failed and must be abandoned.
 *
 * <p>For logs and counters only: never tell the peer why (it learns only that no answer came).
 * Stackless, because peers can cause it at will.
 */
public final class HandshakeException extends Exception {
  /** What went wrong, one value per kind. */
  public enum Reason {
    /** Not a valid Noise message for this state: wrong length, bad tag, low-order key. */
    NOISE,
    /** Decrypted, but the payload is not ours (version, lengths, certificate structure). */
    MALFORMED,
    /** The peer's certificate does not pass the trust policy; see {@link #rejection()}. */
    REJECTED
  }

  private final Reason reason;
  private final Rejection rejection;

  HandshakeException(Reason reason, Rejection rejection, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.rejection = rejection;
  }

  public Reason reason() {
    return reason;
  }

  /** For {@link Reason#REJECTED}: why the certificate was refused. */
  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }
}
