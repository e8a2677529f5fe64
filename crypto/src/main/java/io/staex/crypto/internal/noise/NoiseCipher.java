package io.staex.crypto.internal.noise;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise cipher functions of section 12.3 / 12.4: AEAD with a 32-byte key, a 64-bit counter
 * nonce and a 16-byte tag appended to the ciphertext.
 *
 * <ul>
 *   <li>{@code AESGCM}: AES-256-GCM, 96-bit nonce = 32 zero bits || big-endian counter.
 *   <li>{@code ChaChaPoly}: ChaCha20-Poly1305 (RFC 8439), 96-bit nonce = 32 zero bits ||
 *       little-endian counter.
 * </ul>
 *
 * <p>Both use the JDK provider. The functions here create and initialise a fresh {@link Cipher}
 * for every call; {@link CipherState} goes through an {@link AeadEngine}, which caches the AES-GCM
 * instance where that is safe and explains why ChaCha20-Poly1305 is never cached.
 *
 * <p>The methods that take a nonce are package-private: everything else goes through
 * {@link CipherState}, which owns the counter. The JCE copies the key into its own objects, which
 * cannot be wiped; that is a limit of the JCE, not something this class can fix.
 */
public enum NoiseCipher {
  /** AES-256-GCM. */
  AESGCM("AESGCM", "AES/GCM/NoPadding", "AES") {
    @Override
    AlgorithmParameterSpec parameters(long nonce) {
      byte[] iv = new byte[NONCE_LENGTH];
      ByteBuffer.wrap(iv).order(ByteOrder.BIG_ENDIAN).putLong(4, nonce);
      return new GCMParameterSpec(TAG_LENGTH * 8, iv);
    }
  },
  /** ChaCha20-Poly1305. */
  CHACHAPOLY("ChaChaPoly", "ChaCha20-Poly1305", "ChaCha20") {
    @Override
    AlgorithmParameterSpec parameters(long nonce) {
      byte[] iv = new byte[NONCE_LENGTH];
      ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN).putLong(4, nonce);
      return new IvParameterSpec(iv);
    }
  };

  /** Key length in bytes for every cipher function. */
  public static final int KEY_LENGTH = 32;
  /** Length of the authentication tag appended to every ciphertext. */
  public static final int TAG_LENGTH = 16;

  private static final int NONCE_LENGTH = 12;
  /** The nonce 2^64-1, reserved for {@link #rekey(byte[])}. */
  private static final long MAX_NONCE = -1L;

  private final String noiseName;
  private final String transformation;
  private final String keyAlgorithm;

  NoiseCipher(String noiseName, String transformation, String keyAlgorithm) {
    this.noiseName = noiseName;
    this.transformation = transformation;
    this.keyAlgorithm = keyAlgorithm;
  }

  /** Returns the name used in Noise protocol names, e.g. {@code ChaChaPoly}. */
  public String noiseName() {
    return noiseName;
  }

  /**
   * Finds a cipher function by its Noise name.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static NoiseCipher named(String noiseName) {
    for (NoiseCipher c : values()) {
      if (c.noiseName.equals(noiseName)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown cipher function '" + noiseName + "' (expected one of: AESGCM, ChaChaPoly)");
  }

  abstract AlgorithmParameterSpec parameters(long nonce);

  /** ENCRYPT(k, n, ad, plaintext): returns ciphertext || tag. */
  byte[] encrypt(byte[] key, long nonce, byte[] ad, byte[] plaintext) {
    try {
      return init(Cipher.ENCRYPT_MODE, key, nonce, ad).doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(noiseName + " encryption failed in the JCE provider", e);
    }
  }

  /** DECRYPT(k, n, ad, ciphertext): returns the plaintext or fails authentication. */
  byte[] decrypt(byte[] key, long nonce, byte[] ad, byte[] ciphertext) throws NoiseException {
    checkCiphertextLength(ciphertext);
    try {
      return init(Cipher.DECRYPT_MODE, key, nonce, ad).doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw authenticationFailed(nonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(noiseName + " decryption failed in the JCE provider", e);
    }
  }

  void checkCiphertextLength(byte[] ciphertext) throws NoiseException {
    if (ciphertext.length < TAG_LENGTH) {
      throw new NoiseException(
          NoiseException.Reason.BAD_LENGTH,
          "ciphertext: " + ciphertext.length + " bytes (expected: at least the " + TAG_LENGTH
              + "-byte tag)");
    }
  }

  NoiseException authenticationFailed(long nonce) {
    return new NoiseException(
        NoiseException.Reason.DECRYPT_FAILED,
        noiseName + " authentication failed at nonce " + Long.toUnsignedString(nonce));
  }

  /** REKEY(k): the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). */
  byte[] rekey(byte[] key) {
    byte[] out = encrypt(key, MAX_NONCE, new byte[0], new byte[KEY_LENGTH]);
    byte[] next = Arrays.copyOf(out, KEY_LENGTH);
    Arrays.fill(out, (byte) 0);
    return next;
  }

  private Cipher init(int mode, byte[] key, long nonce, byte[] ad)
      throws GeneralSecurityException {
    Objects.requireNonNull(ad, "ad");
    Cipher cipher = newCipher();
    cipher.init(mode, keySpec(key), parameters(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    return cipher;
  }

  Cipher newCipher() throws GeneralSecurityException {
    return Cipher.getInstance(transformation);
  }

  SecretKeySpec keySpec(byte[] key) {
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key: " + key.length + " bytes (expected: " + KEY_LENGTH + ")");
    }
    return new SecretKeySpec(key, keyAlgorithm);
  }

  /** Returns the Noise name. */
  @Override
  public String toString() {
    return noiseName;
  }
}
