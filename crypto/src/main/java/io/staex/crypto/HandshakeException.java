package io.staex.crypto;

import java.util.Optional;

/**
 * A handshake message that was refused; the handshake is then failed and must be abandoned.
 *
 * <p>For logs and counters only: never tell the peer why (it learns only that no answer came),
 * except a version mismatch ({@link Reason#VERSION}), which says nothing about trust.
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
    REJECTED,
    /**
     * The peer speaks another version of the protocol ({@link #peerVersion()}); the message
     * says which side to upgrade. The one refusal whose reason the peer learns: see {@link
     * #answer()}.
     */
    VERSION
  }

  private final Reason reason;
  private final Rejection rejection;
  private final byte[] answer;
  private final int peerVersion;

  HandshakeException(Reason reason, Rejection rejection, String message) {
    this(reason, rejection, message, null, 0);
  }

  HandshakeException(Reason reason, Rejection rejection, String message, byte[] answer,
      int peerVersion) {
    super(message, null, false, false);
    this.reason = reason;
    this.rejection = rejection;
    this.answer = answer;
    this.peerVersion = peerVersion;
  }

  /**
   * For {@link Reason#VERSION} on the responder: a handshake message 2 that carries only this
   * node's version, to send before closing so that the initiator can say why too.
   */
  public Optional<byte[]> answer() {
    return Optional.ofNullable(answer).map(byte[]::clone);
  }

  /** For {@link Reason#VERSION}: the version the peer speaks; else 0. */
  public int peerVersion() {
    return peerVersion;
  }

  public Reason reason() {
    return reason;
  }

  /** For {@link Reason#REJECTED}: why the certificate was refused. */
  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }
}
