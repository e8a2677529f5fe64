package io.staex.crypto.internal.noise;

import java.util.Arrays;

/**
 * HMAC (RFC 2104) over a {@link NoiseHash}, with the hash's own block length, and the Noise
 * {@code HKDF(chaining_key, input_key_material, num_outputs)} of section 4.3, which is RFC 5869
 * HKDF with the chaining key as salt and an empty info.
 *
 * <p>Every intermediate array is zeroed before returning; outputs belong to the caller.
 */
final class Hkdf {

  private static final byte IPAD = 0x36;
  private static final byte OPAD = 0x5c;

  private Hkdf() {}

  /** HMAC-HASH(key, data[0] || data[1] || ...). */
  static byte[] hmac(NoiseHash hash, byte[] key, byte[]... data) {
    byte[] block = key.length > hash.blockLength()
        ? Arrays.copyOf(hash.hash(key), hash.blockLength())
        : Arrays.copyOf(key, hash.blockLength());
    byte[] inner = new byte[block.length];
    byte[] outer = new byte[block.length];
    for (int i = 0; i < block.length; i++) {
      inner[i] = (byte) (block[i] ^ IPAD);
      outer[i] = (byte) (block[i] ^ OPAD);
    }
    byte[][] innerParts = new byte[data.length + 1][];
    innerParts[0] = inner;
    System.arraycopy(data, 0, innerParts, 1, data.length);
    byte[] innerHash = hash.hash(innerParts);
    byte[] mac = hash.hash(outer, innerHash);
    zero(block, inner, outer, innerHash);
    return mac;
  }

  /**
   * HKDF(chaining_key, input_key_material, num_outputs) for 2 or 3 outputs of HASHLEN bytes each.
   */
  static byte[][] hkdf(NoiseHash hash, byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
    if (outputs != 2 && outputs != 3) {
      throw new IllegalArgumentException("outputs: " + outputs + " (expected: 2 or 3)");
    }
    byte[] tempKey = hmac(hash, chainingKey, inputKeyMaterial);
    byte[][] out = new byte[outputs][];
    out[0] = hmac(hash, tempKey, new byte[] {1});
    for (int i = 1; i < outputs; i++) {
      out[i] = hmac(hash, tempKey, out[i - 1], new byte[] {(byte) (i + 1)});
    }
    zero(tempKey);
    return out;
  }

  /** Overwrites every given array with zeros; nulls are skipped. */
  static void zero(byte[]... arrays) {
    for (byte[] a : arrays) {
      if (a != null) {
        Arrays.fill(a, (byte) 0);
      }
    }
  }
}
