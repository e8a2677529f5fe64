package io.staex.crypto.internal.noise;

import java.util.Objects;
import java.util.Optional;

/**
 * What a completed handshake hands over: the two transport cipher states, seen from this side,
 * the handshake hash for channel binding, and the peer's static key if the pattern carried one.
 *
 * <p>For one-way patterns only the initiator's {@link #sender()} and the responder's
 * {@link #receiver()} exist; the other state is destroyed and throws if used.
 *
 * <p>Not safe for concurrent use; {@link #destroy()} zeroes both keys.
 */
public final class HandshakeResult {

  private final CipherState sender;
  private final CipherState receiver;
  private final byte[] handshakeHash;
  private final NoisePublicKey remoteStaticKey;

  HandshakeResult(
      CipherState sender, CipherState receiver, byte[] handshakeHash,
      NoisePublicKey remoteStaticKey) {
    this.sender = Objects.requireNonNull(sender, "sender");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.handshakeHash = handshakeHash.clone();
    this.remoteStaticKey = remoteStaticKey;
  }

  /** The cipher state that encrypts what this side sends. */
  public CipherState sender() {
    return sender;
  }

  /** The cipher state that decrypts what this side receives. */
  public CipherState receiver() {
    return receiver;
  }

  /** A copy of the final handshake hash {@code h}, identical on both sides. */
  public byte[] handshakeHash() {
    return handshakeHash.clone();
  }

  /** The peer's static public key, if the pattern sent it or it was known in advance. */
  public Optional<NoisePublicKey> remoteStaticKey() {
    return Optional.ofNullable(remoteStaticKey);
  }

  /** Destroys both cipher states. */
  public void destroy() {
    sender.destroy();
    receiver.destroy();
  }
}
