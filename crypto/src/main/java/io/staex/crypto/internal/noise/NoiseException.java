package io.staex.crypto.internal.noise;

import java.util.Objects;

/**
 * Bytes from a peer could not be processed as a Noise message: authentication failed, the length is
 * wrong, or a received key is of low order. This is the only checked exception of the package; it
 * always means "drop the message (and, during a handshake, the handshake)".
 *
 * <p>The message names what went wrong for logs at debug level; never send it to the peer.
 */
public final class NoiseException extends Exception {

  /** Why a message was refused; useful as a counter label. */
  public enum Reason {
    /** The AEAD tag did not verify: wrong key, wrong associated data, or modified bytes. */
    DECRYPT_FAILED,
    /** The message is too short for its tokens or longer than 65535 bytes. */
    BAD_LENGTH,
    /** A Diffie-Hellman result was all zeros: the remote public key is of low order. */
    LOW_ORDER_KEY,
    /** The receive nonce reached the reserved value 2^64-1. */
    NONCE_EXHAUSTED
  }

  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason why the message was refused
   * @param message what was expected and what was found, without secret bytes
   */
  public NoiseException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Returns why the message was refused. */
  public Reason reason() {
    return reason;
  }
}
