package io.staex.crypto.internal.noise;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * An X25519 key pair: a static key (long-lived, owned by the caller) or an ephemeral one (owned
 * and destroyed by the {@link HandshakeState} that generated it).
 *
 * <p>A final class, not a record: it has no {@code equals}, and {@link #toString()} shows only the
 * public half. {@link #destroy()} overwrites the private key with zeros; any later use of the
 * private key throws {@link IllegalStateException}.
 */
public final class NoiseKeyPair implements Destroyable {

  private final byte[] privateKey;
  private final NoisePublicKey publicKey;
  private boolean destroyed;

  private NoiseKeyPair(byte[] privateKey) {
    this(privateKey, NoisePublicKey.of(Curve25519.publicKey(privateKey)));
  }

  private NoiseKeyPair(byte[] privateKey, NoisePublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** GENERATE_KEYPAIR(): a new random key pair. */
  public static NoiseKeyPair generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return new NoiseKeyPair(Curve25519.generatePrivateKey(random));
  }

  /**
   * Builds the key pair of a copy of the given X25519 private key (32 bytes, clamped or not:
   * X25519 clamps when it multiplies). The caller may zero its own array afterwards.
   *
   * @throws IllegalArgumentException if the length is not 32
   */
  public static NoiseKeyPair fromPrivateKey(byte[] x25519PrivateKey) {
    checkLength(x25519PrivateKey);
    return new NoiseKeyPair(x25519PrivateKey.clone());
  }

  private static void checkLength(byte[] x25519PrivateKey) {
    Objects.requireNonNull(x25519PrivateKey, "x25519PrivateKey");
    if (x25519PrivateKey.length != Curve25519.DH_LENGTH) {
      throw new IllegalArgumentException(
          "X25519 private key: " + x25519PrivateKey.length + " bytes (expected: "
              + Curve25519.DH_LENGTH + ")");
    }
  }

  /**
   * As {@link #fromPrivateKey}, with the public half the caller already knows, so that no
   * scalar multiplication makes it again: a node's static key, whose public half is the map of
   * its Ed25519 address ({@code KeyConversion}). The caller vouches that the two belong together;
   * a public half that does not only makes every handshake of this key fail.
   *
   * @throws IllegalArgumentException if either is not 32 bytes
   */
  public static NoiseKeyPair of(byte[] x25519PrivateKey, NoisePublicKey publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    checkLength(x25519PrivateKey);
    return new NoiseKeyPair(x25519PrivateKey.clone(), publicKey);
  }

  /** Returns the public half. */
  public NoisePublicKey publicKey() {
    return publicKey;
  }

  /** The private key itself, for this package only; never modify or hand it out. */
  byte[] privateKey() {
    if (destroyed) {
      throw new IllegalStateException("key pair " + publicKey + " was destroyed");
    }
    return privateKey;
  }

  /** Overwrites the private key with zeros. Idempotent. */
  @Override
  public void destroy() {
    Arrays.fill(privateKey, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "NoiseKeyPair[public=" + HexFormat.of().formatHex(publicKey.rawBytes())
        + ", private=<redacted>" + (destroyed ? ", destroyed" : "") + "]";
  }
}
