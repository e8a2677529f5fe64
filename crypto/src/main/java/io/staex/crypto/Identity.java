package io.staex.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key with its {@link Address}: a node's identity or a network key.
 *
 * <p>The private key never leaves this object except through {@link KeyFiles} (to its 0600
 * file) and, inside this package, to the handshake. No {@code equals}; {@link #toString()}
 * shows only the public address; {@link #destroy()} zeroes the seed. Safe for concurrent use
 * until destroyed.
 */
public final class Identity {
  /** Bytes of an Ed25519 private key seed (RFC 8032). */
  public static final int SEED_SIZE = Ed25519.SECRET_KEY_SIZE;

  private final byte[] seed;
  private final Address address;
  private volatile boolean destroyed;

  private Identity(byte[] seed) {
    this.seed = seed;
    byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed, 0, pub, 0);
    this.address = Address.of(pub);
  }

  /** A fresh identity from {@code random}. */
  public static Identity generate(SecureRandom random) {
    byte[] seed = new byte[SEED_SIZE];
    random.nextBytes(seed);
    return new Identity(seed);
  }

  /** The identity of a 32-byte seed; the seed is copied, so the caller should zero its own. */
  static Identity fromSeed(byte[] seed) {
    if (seed.length != SEED_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 seed: " + seed.length + " bytes (expected: " + SEED_SIZE + ")");
    }
    return new Identity(seed.clone());
  }

  public Address address() {
    return address;
  }

  /** An Ed25519 signature (64 bytes) over {@code message}. */
  public byte[] sign(byte[] message) {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seedForUse(), 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /** A copy of the seed, for this package only; the caller zeroes it after use. */
  byte[] exportSeed() {
    return seedForUse().clone();
  }

  /** Zeroes the private key; the identity is unusable afterwards. */
  public void destroy() {
    destroyed = true;
    Arrays.fill(seed, (byte) 0);
  }

  private byte[] seedForUse() {
    if (destroyed) {
      throw new IllegalStateException("identity " + address.shortText() + " was destroyed");
    }
    return seed;
  }

  @Override
  public String toString() {
    return "Identity[" + address + ", private key redacted]";
  }
}
