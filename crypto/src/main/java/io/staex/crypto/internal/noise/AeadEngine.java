package io.staex.crypto.internal.noise;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * One {@link CipherState}'s handle on the JCE, so that transport records do not pay for a
 * {@code Cipher.getInstance} each (about 2 microseconds, half the cost of a 1400-byte AES-GCM
 * record).
 *
 * <ul>
 *   <li>AESGCM: one cached {@link Cipher}, initialised again for every message. The JDK refuses
 *       to encrypt with the key and IV of the previous initialisation; the counter never repeats
 *       one, and if a caller's {@code setNonce} made it, that refusal is the right outcome.
 *   <li>ChaChaPoly: a fresh {@link Cipher} per message, as in {@link NoiseCipher}: the JDK refuses
 *       a repeated key and nonce even when decrypting, so a cached instance would refuse the
 *       genuine message after a forged one with the same nonce.
 * </ul>
 *
 * <p>The key spec is rebuilt whenever the cipher state's key array changes (the state replaces,
 * never edits, its key). Not safe for concurrent use, like its owner.
 */
final class AeadEngine {

  private final NoiseCipher function;
  private Cipher cachedCipher;
  /** The key array {@link #keySpec} was made from; compared by identity. */
  private byte[] keySpecSource;
  private SecretKeySpec keySpec;

  AeadEngine(NoiseCipher function) {
    this.function = function;
  }

  byte[] encrypt(byte[] key, long nonce, byte[] ad, byte[] plaintext) {
    try {
      return init(Cipher.ENCRYPT_MODE, key, nonce, ad).doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(function + " encryption refused by the JCE provider", e);
    }
  }

  byte[] decrypt(byte[] key, long nonce, byte[] ad, byte[] ciphertext) throws NoiseException {
    function.checkCiphertextLength(ciphertext);
    try {
      return init(Cipher.DECRYPT_MODE, key, nonce, ad).doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw function.authenticationFailed(nonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(function + " decryption refused by the JCE provider", e);
    }
  }

  /** Forgets the key spec and the cached cipher. */
  void clear() {
    keySpecSource = null;
    keySpec = null;
    cachedCipher = null;
  }

  private Cipher init(int mode, byte[] key, long nonce, byte[] ad)
      throws GeneralSecurityException {
    if (key != keySpecSource) {
      keySpec = function.keySpec(key);
      keySpecSource = key;
    }
    Cipher cipher;
    if (function == NoiseCipher.AESGCM) {
      if (cachedCipher == null) {
        cachedCipher = function.newCipher();
      }
      cipher = cachedCipher;
    } else {
      cipher = function.newCipher();
    }
    cipher.init(mode, keySpec, function.parameters(nonce));
    if (ad.length > 0) {
      cipher.updateAAD(ad);
    }
    return cipher;
  }
}
