package io.staex.crypto.internal.record;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM from the JDK with a caller-chosen counter nonce ({@code 0^32 || counter}).
 *
 * <p><b>Insecure by name</b>: encrypting two messages under one key with one counter breaks
 * confidentiality and lets an attacker forge tags. Only {@code RecordSealer}, which owns a
 * strictly increasing counter, may call {@link #encrypt}. Nothing outside the record layer
 * should use this class.
 *
 * <p>One {@link Cipher} is cached and re-initialised per message: cheaper than
 * {@code Cipher.getInstance} per message (see {@code docs/record-layer.md}), and correct because
 * every {@code init} starts from a clean state — a failed decryption is never retried on the
 * same cipher state.
 *
 * <p>Secrets: the key is copied in and zeroed by {@link #destroy()}. The JDK keeps its own
 * copies (the AES key schedule inside the cipher, the last key for GCM's IV-reuse check); they
 * cannot be wiped from outside and become garbage with this object.
 *
 * <p>Not safe for concurrent use.
 */
public final class InsecureNonceAesGcm {

  /** The JCE transformation. */
  public static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private static final int TAG_BITS = RecordFormat.TAG_SIZE * Byte.SIZE;
  /** Noise's maxnonce, 2^64 − 1: reserved for {@link #nextKey()}, never used by a record. */
  private static final long MAX_NONCE = -1L;

  private final RawAesKey key;
  private final Cipher cipher;
  private final byte[] nonce = new byte[RecordFormat.NONCE_SIZE];

  /** Copies {@code key} (32 bytes); the caller keeps ownership of its array. */
  public InsecureNonceAesGcm(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != RecordFormat.KEY_SIZE) {
      throw new IllegalArgumentException(
          "key: " + key.length + " bytes (expected: " + RecordFormat.KEY_SIZE + ")");
    }
    this.key = new RawAesKey(key.clone());
    try {
      this.cipher = Cipher.getInstance(TRANSFORMATION);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks " + TRANSFORMATION, e);
    }
  }

  /**
   * Encrypts {@code in[off..off+len)} with nonce {@code counter} into {@code out} at
   * {@code outOff}: ciphertext then tag, {@code len + 16} bytes. Buffers may overlap.
   *
   * @return the bytes written
   */
  public int encrypt(long counter, byte[] in, int off, int len, byte[] aad, byte[] out,
      int outOff) {
    checkLive();
    RecordFormat.writeNonce(nonce, counter);
    return encryptWithNonce(nonce, in, off, len, aad, out, outOff);
  }

  /**
   * {@link #encrypt} under a whole 12-byte nonce instead of a counter: the same cipher
   * configuration, for known-answer tests whose nonces do not start with four zero bytes
   * (Wycheproof). Never for records.
   */
  int encryptWithNonce(byte[] nonce, byte[] in, int off, int len, byte[] aad, byte[] out,
      int outOff) {
    try {
      return run(Cipher.ENCRYPT_MODE, nonce, in, off, len, aad, out, outOff);
    } catch (AEADBadTagException e) {
      throw new AssertionError("encryption checks no tag", e);
    }
  }

  /**
   * Authenticates and decrypts {@code in[off..off+len)} (ciphertext then tag) with nonce
   * {@code counter} into {@code out} at {@code outOff}. On failure nothing of the plaintext is
   * left in {@code out[outOff..outOff+len-16)}: that range is zeroed.
   *
   * @return the plaintext bytes written
   * @throws AEADBadTagException if the tag does not match
   */
  public int decrypt(long counter, byte[] in, int off, int len, byte[] aad, byte[] out,
      int outOff) throws AEADBadTagException {
    checkLive();
    RecordFormat.writeNonce(nonce, counter);
    return decryptWithNonce(nonce, in, off, len, aad, out, outOff);
  }

  /** {@link #decrypt} under a whole 12-byte nonce; as {@link #encryptWithNonce}, tests only. */
  int decryptWithNonce(byte[] nonce, byte[] in, int off, int len, byte[] aad, byte[] out,
      int outOff) throws AEADBadTagException {
    try {
      return run(Cipher.DECRYPT_MODE, nonce, in, off, len, aad, out, outOff);
    } catch (AEADBadTagException e) {
      Arrays.fill(out, outOff, outOff + len - RecordFormat.TAG_SIZE, (byte) 0);
      throw e;
    }
  }

  /**
   * Noise's REKEY: the first 32 bytes of ENCRYPT(k, maxnonce = 2^64 − 1, empty AAD, 32 zero
   * bytes). Records never use that nonce (their counters stay below 2^60).
   *
   * <p>REKEY is deterministic, and the opener may compute it twice under one key (a forged
   * record claims the next epoch, then the genuine one arrives). Repeating the same
   * (key, nonce, plaintext) only repeats the same output, but the JDK refuses a repeated
   * key and IV on one GCM cipher object, so each call uses a cipher of its own.
   *
   * @return a fresh array the caller owns and must zero
   */
  public byte[] nextKey() {
    checkLive();
    byte[] block = new byte[RecordFormat.KEY_SIZE + RecordFormat.TAG_SIZE];
    byte[] rekeyNonce = new byte[RecordFormat.NONCE_SIZE];
    RecordFormat.writeNonce(rekeyNonce, MAX_NONCE);
    try {
      Cipher rekey = Cipher.getInstance(TRANSFORMATION);
      rekey.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, rekeyNonce));
      rekey.doFinal(new byte[RecordFormat.KEY_SIZE], 0, RecordFormat.KEY_SIZE, block, 0);
      return Arrays.copyOf(block, RecordFormat.KEY_SIZE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM rekey failed unexpectedly", e);
    } finally {
      Arrays.fill(block, (byte) 0);
    }
  }

  /** Zeroes the key; every later call fails with {@link IllegalStateException}. */
  public void destroy() {
    key.destroy();
  }

  public boolean isDestroyed() {
    return key.isDestroyed();
  }

  @Override
  public String toString() {
    return "InsecureNonceAesGcm[key=<redacted>" + (isDestroyed() ? ", destroyed" : "") + "]";
  }

  private int run(int mode, byte[] nonce, byte[] in, int off, int len, byte[] aad, byte[] out,
      int outOff) throws AEADBadTagException {
    checkLive();
    if (nonce.length != RecordFormat.NONCE_SIZE) {
      throw new IllegalArgumentException(
          "nonce: " + nonce.length + " bytes (expected: " + RecordFormat.NONCE_SIZE + ")");
    }
    try {
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(in, off, len, out, outOff);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      // Sizes are checked by the callers and counters never repeat: this is a bug.
      throw new IllegalStateException("AES-GCM failed unexpectedly", e);
    }
  }

  private void checkLive() {
    if (key.isDestroyed()) {
      throw new IllegalStateException("key destroyed");
    }
  }

  /**
   * A raw AES key we can zero. ({@code SecretKeySpec} cannot be destroyed on JDK 17.) The JDK
   * reads it through {@link #getEncoded()}, which hands out a copy on each {@code init}.
   */
  private static final class RawAesKey implements SecretKey {
    private final byte[] bytes;
    private boolean destroyed;

    RawAesKey(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String getAlgorithm() {
      return "AES";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      if (destroyed) {
        throw new IllegalStateException("key destroyed");
      }
      return bytes.clone();
    }

    @Override
    public void destroy() {
      Arrays.fill(bytes, (byte) 0);
      destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
      return destroyed;
    }

    @Override
    public String toString() {
      return "RawAesKey[<redacted>]";
    }
  }
}
