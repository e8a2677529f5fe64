package io.staex.crypto.internal.noise;

import java.util.Objects;

/**
 * The Noise {@code CipherState} of section 5.1: a key {@code k} (possibly empty) and a 64-bit
 * counter nonce {@code n}.
 *
 * <p>Encryption and decryption with an empty key return the input unchanged, as the
 * specification requires for the first handshake messages; {@link #hasKey()} tells the two apart.
 * The nonce is unsigned: {@link #nonce()} returns it as a {@code long} whose bit pattern is the
 * counter. The value 2^64-1 is reserved; once {@code n} reaches it, encryption throws
 * {@link IllegalStateException} and decryption throws {@link NoiseException} with
 * {@link NoiseException.Reason#NONCE_EXHAUSTED}. A failed decryption leaves {@code n} unchanged.
 * Transport messages are limited to 65535 bytes, so plaintexts to 65519.
 *
 * <h2>Security guarantees</h2>
 * With a key, {@link #encryptWithAd} gives confidentiality and integrity of the plaintext and
 * integrity of the associated data, as long as the same key never encrypts twice with the same
 * nonce. This class never reuses a nonce on its own; {@link #setNonce(long)} can make it do so and
 * is meant for receivers that take the nonce from a record header (with their own replay window).
 *
 * <p>Not safe for concurrent use. {@link #destroy()} zeroes the key; any later call throws
 * {@link IllegalStateException}.
 */
public final class CipherState {

  /** The largest Noise message, in bytes. */
  public static final int MAX_MESSAGE_LENGTH = 65535;
  /** The largest plaintext that fits into one Noise message once the tag is added. */
  public static final int MAX_PLAINTEXT_LENGTH = MAX_MESSAGE_LENGTH - NoiseCipher.TAG_LENGTH;

  /** 2^64-1 as an unsigned long: reserved, never used to encrypt or decrypt a message. */
  private static final long RESERVED_NONCE = -1L;

  private final NoiseCipher cipher;
  private final AeadEngine engine;
  /** The key, or null while "empty". Owned: zeroed whenever it is replaced. */
  private byte[] k;
  private long n;
  private boolean destroyed;

  /** Creates a cipher state with an empty key. */
  public CipherState(NoiseCipher cipher) {
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.engine = new AeadEngine(cipher);
  }

  /** Returns the cipher function. */
  public NoiseCipher cipher() {
    return cipher;
  }

  /**
   * InitializeKey(key): sets {@code k} to a copy of {@code key} (or to empty for {@code null}) and
   * {@code n} to 0, zeroing the previous key.
   */
  public void initializeKey(byte[] key) {
    checkUsable();
    if (key != null && key.length != NoiseCipher.KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key: " + key.length + " bytes (expected: " + NoiseCipher.KEY_LENGTH + ")");
    }
    Hkdf.zero(k);
    engine.clear();
    k = key == null ? null : key.clone();
    n = 0;
  }

  /** HasKey(): whether {@code k} is non-empty. */
  public boolean hasKey() {
    checkUsable();
    return k != null;
  }

  /** SetNonce(nonce): sets {@code n}, an unsigned 64-bit value. */
  public void setNonce(long nonce) {
    checkUsable();
    n = nonce;
  }

  /** Returns {@code n}, the nonce the next call uses, as an unsigned 64-bit value. */
  public long nonce() {
    checkUsable();
    return n;
  }

  /**
   * EncryptWithAd(ad, plaintext): with a key, returns ENCRYPT(k, n++, ad, plaintext); without
   * one, returns a copy of the plaintext.
   *
   * @throws IllegalArgumentException if the result would be longer than 65535 bytes
   * @throws IllegalStateException if {@code n} is the reserved 2^64-1: rekey or start a new
   *     handshake long before that
   */
  public byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
    checkUsable();
    Objects.requireNonNull(ad, "ad");
    Objects.requireNonNull(plaintext, "plaintext");
    int limit = k == null ? MAX_MESSAGE_LENGTH : MAX_PLAINTEXT_LENGTH;
    if (plaintext.length > limit) {
      throw new IllegalArgumentException(
          "plaintext: " + plaintext.length + " bytes (expected: at most " + limit + ")");
    }
    if (k == null) {
      return plaintext.clone();
    }
    if (n == RESERVED_NONCE) {
      throw new IllegalStateException("nonce exhausted: 2^64-1 is reserved");
    }
    byte[] ciphertext = engine.encrypt(k, n, ad, plaintext);
    n++;
    return ciphertext;
  }

  /**
   * DecryptWithAd(ad, ciphertext): with a key, returns DECRYPT(k, n, ad, ciphertext) and
   * increments {@code n}; without one, returns a copy of the ciphertext.
   *
   * @throws NoiseException if authentication fails, the ciphertext is shorter than the tag or
   *     longer than 65535 bytes, or {@code n} is the reserved 2^64-1; {@code n} is then unchanged
   */
  public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
    checkUsable();
    Objects.requireNonNull(ad, "ad");
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (ciphertext.length > MAX_MESSAGE_LENGTH) {
      throw new NoiseException(
          NoiseException.Reason.BAD_LENGTH,
          "ciphertext: " + ciphertext.length + " bytes (expected: at most " + MAX_MESSAGE_LENGTH
              + ")");
    }
    if (k == null) {
      return ciphertext.clone();
    }
    if (n == RESERVED_NONCE) {
      throw new NoiseException(
          NoiseException.Reason.NONCE_EXHAUSTED, "nonce exhausted: 2^64-1 is reserved");
    }
    byte[] plaintext = engine.decrypt(k, n, ad, ciphertext);
    n++;
    return plaintext;
  }

  /**
   * A copy of the key, for handing a split's keys to the record layer (which owns its own
   * nonces and rekeying); the caller zeroes it. Named so that every export of a secret is
   * greppable, as Tink's {@code InsecureSecretKeyAccess}.
   *
   * @throws IllegalStateException if there is no key
   */
  public byte[] insecureExportKey() {
    checkUsable();
    if (k == null) {
      throw new IllegalStateException("no key to export");
    }
    return k.clone();
  }

  /**
   * Rekey(): sets {@code k} to REKEY(k), zeroing the old key; {@code n} is unchanged.
   *
   * @throws IllegalStateException if the key is empty
   */
  public void rekey() {
    checkUsable();
    if (k == null) {
      throw new IllegalStateException("cannot rekey a cipher state without a key");
    }
    byte[] next = cipher.rekey(k);
    Hkdf.zero(k);
    engine.clear();
    k = next;
  }

  /** Zeroes the key; every later call except {@link #isDestroyed()} throws. Idempotent. */
  public void destroy() {
    Hkdf.zero(k);
    engine.clear();
    k = null;
    destroyed = true;
  }

  /** Whether {@link #destroy()} was called. */
  public boolean isDestroyed() {
    return destroyed;
  }

  private void checkUsable() {
    if (destroyed) {
      throw new IllegalStateException("cipher state was destroyed");
    }
  }

  @Override
  public String toString() {
    return "CipherState[" + cipher + (destroyed ? ", destroyed" : k == null ? ", empty" : ", n="
        + Long.toUnsignedString(n)) + "]";
  }
}
