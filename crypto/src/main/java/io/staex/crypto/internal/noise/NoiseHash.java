package io.staex.crypto.internal.noise;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * The Noise hash functions of section 12.5 - 12.8, each with its {@code HASHLEN} and the
 * {@code BLOCKLEN} that HMAC (RFC 2104) uses.
 *
 * <p>SHA256 and SHA512 come from the JDK; BLAKE2s (32-byte output) and BLAKE2b (64-byte output),
 * unkeyed, from BouncyCastle. A new digest object is made per call, so the constants are stateless.
 */
public enum NoiseHash {
  /** SHA-256: HASHLEN 32, BLOCKLEN 64. */
  SHA256("SHA256", 32, 64),
  /** SHA-512: HASHLEN 64, BLOCKLEN 128. */
  SHA512("SHA512", 64, 128),
  /** BLAKE2s-256: HASHLEN 32, BLOCKLEN 64. */
  BLAKE2S("BLAKE2s", 32, 64),
  /** BLAKE2b-512: HASHLEN 64, BLOCKLEN 128. */
  BLAKE2B("BLAKE2b", 64, 128);

  private final String noiseName;
  private final int hashLength;
  private final int blockLength;

  NoiseHash(String noiseName, int hashLength, int blockLength) {
    this.noiseName = noiseName;
    this.hashLength = hashLength;
    this.blockLength = blockLength;
  }

  /** Returns the name used in Noise protocol names, e.g. {@code BLAKE2s}. */
  public String noiseName() {
    return noiseName;
  }

  /** Returns {@code HASHLEN}, the output length in bytes. */
  public int hashLength() {
    return hashLength;
  }

  /** Returns {@code BLOCKLEN}, the block length HMAC pads its key to. */
  public int blockLength() {
    return blockLength;
  }

  /**
   * Finds a hash function by its Noise name.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static NoiseHash named(String noiseName) {
    for (NoiseHash h : values()) {
      if (h.noiseName.equals(noiseName)) {
        return h;
      }
    }
    throw new IllegalArgumentException(
        "unknown hash function '" + noiseName
            + "' (expected one of: SHA256, SHA512, BLAKE2s, BLAKE2b)");
  }

  /** HASH(parts[0] || parts[1] || ...). */
  public byte[] hash(byte[]... parts) {
    return switch (this) {
      case SHA256 -> jdk("SHA-256", parts);
      case SHA512 -> jdk("SHA-512", parts);
      case BLAKE2S -> bouncyCastle(new Blake2sDigest(256), parts);
      case BLAKE2B -> bouncyCastle(new Blake2bDigest(512), parts);
    };
  }

  private static byte[] jdk(String algorithm, byte[]... parts) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from the JDK", e);
    }
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  private static byte[] bouncyCastle(Digest digest, byte[]... parts) {
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }

  /** Returns the Noise name. */
  @Override
  public String toString() {
    return noiseName;
  }
}
