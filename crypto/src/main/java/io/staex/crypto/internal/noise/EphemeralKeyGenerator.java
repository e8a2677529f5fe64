package io.staex.crypto.internal.noise;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Where a {@link HandshakeState} gets its ephemeral key pairs (the {@code e} token).
 *
 * <p>Production code uses {@link #random(SecureRandom)}. Tests pass a generator that returns the
 * fixed ephemeral keys of published test vectors; that is the only reason this is an interface.
 * Every call must return a new {@link NoiseKeyPair} object: the handshake destroys it when done.
 */
@FunctionalInterface
public interface EphemeralKeyGenerator {

  /** Returns a fresh key pair, now owned by the caller. */
  NoiseKeyPair generate();

  /** A generator of random key pairs drawn from {@code random}. */
  static EphemeralKeyGenerator random(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return () -> NoiseKeyPair.generate(random);
  }
}
