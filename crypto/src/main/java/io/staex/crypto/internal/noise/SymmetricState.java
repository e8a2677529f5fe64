package io.staex.crypto.internal.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The Noise {@code SymmetricState} of section 5.2: a {@link CipherState}, the chaining key
 * {@code ck} and the handshake hash {@code h}.
 *
 * <p>Not safe for concurrent use. {@link #destroy()} zeroes {@code ck}, {@code h} and the key;
 * any later call throws {@link IllegalStateException}.
 */
public final class SymmetricState {

  private final NoiseHash hash;
  private final CipherState cipherState;
  private byte[] ck;
  private byte[] h;
  private boolean destroyed;

  /**
   * InitializeSymmetric(protocol_name): {@code h} is the name padded with zeros to HASHLEN if it
   * fits, else HASH(name); {@code ck = h}; the key is empty.
   *
   * @param protocolName the full protocol name, e.g. {@code Noise_IK_25519_AESGCM_SHA256}
   */
  public SymmetricState(NoiseCipher cipher, NoiseHash hash, String protocolName) {
    this.hash = Objects.requireNonNull(hash, "hash");
    this.cipherState = new CipherState(Objects.requireNonNull(cipher, "cipher"));
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    this.h = name.length <= hash.hashLength()
        ? Arrays.copyOf(name, hash.hashLength())
        : hash.hash(name);
    this.ck = h.clone();
  }

  /** MixKey(input_key_material): {@code ck, temp_k = HKDF(ck, ikm, 2)}; InitializeKey(temp_k). */
  public void mixKey(byte[] inputKeyMaterial) {
    checkUsable();
    byte[][] out = Hkdf.hkdf(hash, ck, inputKeyMaterial, 2);
    replaceChainingKey(out[0]);
    initializeTruncatedKey(out[1]);
  }

  /** MixHash(data): {@code h = HASH(h || data)}. */
  public void mixHash(byte[] data) {
    checkUsable();
    byte[] next = hash.hash(h, data);
    Hkdf.zero(h);
    h = next;
  }

  /**
   * MixKeyAndHash(input_key_material): {@code ck, temp_h, temp_k = HKDF(ck, ikm, 3)};
   * MixHash(temp_h); InitializeKey(temp_k). Used by PSK patterns only.
   */
  public void mixKeyAndHash(byte[] inputKeyMaterial) {
    checkUsable();
    byte[][] out = Hkdf.hkdf(hash, ck, inputKeyMaterial, 3);
    replaceChainingKey(out[0]);
    mixHash(out[1]);
    Hkdf.zero(out[1]);
    initializeTruncatedKey(out[2]);
  }

  /** GetHandshakeHash(): a copy of {@code h}. */
  public byte[] handshakeHash() {
    checkUsable();
    return h.clone();
  }

  /** Whether the cipher state has a key, i.e. whether a MixKey happened. */
  public boolean hasKey() {
    checkUsable();
    return cipherState.hasKey();
  }

  /** EncryptAndHash(plaintext): {@code ciphertext = EncryptWithAd(h, plaintext)}; MixHash(it). */
  public byte[] encryptAndHash(byte[] plaintext) {
    checkUsable();
    byte[] ciphertext = cipherState.encryptWithAd(h, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  /**
   * DecryptAndHash(ciphertext): {@code plaintext = DecryptWithAd(h, ciphertext)}; MixHash(the
   * ciphertext), only if decryption succeeded.
   */
  public byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
    checkUsable();
    byte[] plaintext = cipherState.decryptWithAd(h, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  }

  /**
   * Split(): {@code temp_k1, temp_k2 = HKDF(ck, empty, 2)}, each truncated to 32 bytes, as the
   * keys of two new cipher states. This state stays usable (e.g. for {@link #handshakeHash()}).
   */
  public CipherStatePair split() {
    checkUsable();
    byte[][] out = Hkdf.hkdf(hash, ck, new byte[0], 2);
    CipherState c1 = new CipherState(cipherState.cipher());
    CipherState c2 = new CipherState(cipherState.cipher());
    byte[] k1 = Arrays.copyOf(out[0], NoiseCipher.KEY_LENGTH);
    byte[] k2 = Arrays.copyOf(out[1], NoiseCipher.KEY_LENGTH);
    c1.initializeKey(k1);
    c2.initializeKey(k2);
    Hkdf.zero(out[0], out[1], k1, k2);
    return new CipherStatePair(c1, c2);
  }

  /** Zeroes {@code ck}, {@code h} and the key. Idempotent. */
  public void destroy() {
    Hkdf.zero(ck, h);
    cipherState.destroy();
    destroyed = true;
  }

  private void replaceChainingKey(byte[] next) {
    Hkdf.zero(ck);
    ck = next;
  }

  /** InitializeKey with the first 32 bytes of a HASHLEN output, zeroing the output. */
  private void initializeTruncatedKey(byte[] tempK) {
    byte[] key = Arrays.copyOf(tempK, NoiseCipher.KEY_LENGTH);
    cipherState.initializeKey(key);
    Hkdf.zero(tempK, key);
  }

  private void checkUsable() {
    if (destroyed) {
      throw new IllegalStateException("symmetric state was destroyed");
    }
  }
}
