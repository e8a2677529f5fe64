package io.staex.crypto.internal.noise;

import java.util.Objects;

/**
 * A concrete Noise protocol (section 8): a handshake pattern with the DH, cipher and hash
 * functions, named like {@code Noise_IK_25519_AESGCM_SHA256}. DH is always {@code 25519}.
 *
 * @param pattern the handshake pattern
 * @param cipher the cipher function
 * @param hash the hash function
 */
public record NoiseProtocol(HandshakePattern pattern, NoiseCipher cipher, NoiseHash hash) {

  /** The only DH function implemented. */
  public static final String DH_25519 = "25519";

  private static final String PREFIX = "Noise";

  /** Checks that every part is present. */
  public NoiseProtocol {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(cipher, "cipher");
    Objects.requireNonNull(hash, "hash");
  }

  /**
   * Parses a protocol name such as {@code Noise_XX_25519_ChaChaPoly_BLAKE2s}.
   *
   * @throws IllegalArgumentException naming the part that is unknown or unsupported (a PSK or
   *     fallback modifier, DH 448, an unknown cipher or hash) and what was expected
   */
  public static NoiseProtocol parse(String name) {
    Objects.requireNonNull(name, "name");
    String[] parts = name.split("_", -1);
    if (parts.length != 5 || !parts[0].equals(PREFIX)) {
      throw new IllegalArgumentException(
          "Noise protocol name '" + name
              + "' (expected: Noise_<pattern>_<dh>_<cipher>_<hash>, e.g."
              + " Noise_IK_25519_AESGCM_SHA256)");
    }
    if (!parts[2].equals(DH_25519)) {
      throw new IllegalArgumentException(
          "unsupported DH function '" + parts[2] + "' in '" + name + "' (expected: 25519)");
    }
    try {
      return new NoiseProtocol(
          HandshakePatterns.named(parts[1]), NoiseCipher.named(parts[3]), NoiseHash.named(parts[4]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " in Noise protocol name '" + name + "'",
          e);
    }
  }

  /** Returns the protocol name, e.g. {@code Noise_IK_25519_AESGCM_SHA256}. */
  public String name() {
    return String.join(
        "_", PREFIX, pattern.name(), DH_25519, cipher.noiseName(), hash.noiseName());
  }

  @Override
  public String toString() {
    return name();
  }
}
