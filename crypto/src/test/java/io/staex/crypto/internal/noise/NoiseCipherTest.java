package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NoiseCipherTest {

  private static final byte[] KEY = HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] AD = "associated".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PLAINTEXT = "the plaintext".getBytes(StandardCharsets.US_ASCII);
  private static final long NONCE = 0x0102030405060708L;

  /** AESGCM's nonce is 4 zero bytes and the counter big-endian (section 12.4). */
  @Test
  void aesGcm_nonceIsZeroPrefixedBigEndianCounter() throws Exception {
    byte[] iv = HexFormat.of().parseHex("000000000102030405060708");
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, iv));
    jdk.updateAAD(AD);
    assertThat(NoiseCipher.AESGCM.encrypt(KEY, NONCE, AD, PLAINTEXT))
        .isEqualTo(jdk.doFinal(PLAINTEXT));
  }

  /** ChaChaPoly's nonce is 4 zero bytes and the counter little-endian (section 12.3). */
  @Test
  void chaChaPoly_nonceIsZeroPrefixedLittleEndianCounter() throws Exception {
    byte[] iv = HexFormat.of().parseHex("000000000807060504030201");
    Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "ChaCha20"), new IvParameterSpec(iv));
    jdk.updateAAD(AD);
    assertThat(NoiseCipher.CHACHAPOLY.encrypt(KEY, NONCE, AD, PLAINTEXT))
        .isEqualTo(jdk.doFinal(PLAINTEXT));
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void roundTrip_appendsA16ByteTag(NoiseCipher cipher) throws NoiseException {
    byte[] ciphertext = cipher.encrypt(KEY, 7, AD, PLAINTEXT);
    assertThat(ciphertext).hasSize(PLAINTEXT.length + NoiseCipher.TAG_LENGTH);
    assertThat(cipher.decrypt(KEY, 7, AD, ciphertext)).isEqualTo(PLAINTEXT);
    assertThat(cipher.decrypt(KEY, 7, new byte[0], cipher.encrypt(KEY, 7, new byte[0],
        new byte[0]))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void everyBitFlip_ofCiphertextOrAd_failsAuthentication(NoiseCipher cipher) {
    byte[] ciphertext = cipher.encrypt(KEY, 1, AD, PLAINTEXT);
    for (int bit = 0; bit < ciphertext.length * 8; bit++) {
      byte[] flipped = flip(ciphertext, bit);
      assertThatThrownBy(() -> cipher.decrypt(KEY, 1, AD, flipped))
          .isInstanceOf(NoiseException.class);
    }
    for (int bit = 0; bit < AD.length * 8; bit++) {
      byte[] flipped = flip(AD, bit);
      assertThatThrownBy(() -> cipher.decrypt(KEY, 1, flipped, ciphertext))
          .isInstanceOf(NoiseException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void wrongNonce_failsAuthentication_andSameNonceThenStillWorks(NoiseCipher cipher)
      throws NoiseException {
    byte[] ciphertext = cipher.encrypt(KEY, 5, AD, PLAINTEXT);
    assertThatThrownBy(() -> cipher.decrypt(KEY, 6, AD, ciphertext))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.DECRYPT_FAILED);
    // A forged message first, the genuine one with the same nonce next: the JDK must not refuse
    // the key and nonce pair as "reused" (ChaCha20-Poly1305 does on a cached Cipher object).
    assertThatThrownBy(() -> cipher.decrypt(KEY, 5, AD, flip(ciphertext, 0)))
        .isInstanceOf(NoiseException.class);
    assertThat(cipher.decrypt(KEY, 5, AD, ciphertext)).isEqualTo(PLAINTEXT);
    assertThat(cipher.decrypt(KEY, 5, AD, ciphertext)).isEqualTo(PLAINTEXT);
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void ciphertextShorterThanTag_isBadLength(NoiseCipher cipher) {
    assertThatThrownBy(() -> cipher.decrypt(KEY, 0, AD, new byte[15]))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.BAD_LENGTH);
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void keyOfWrongSize_isRefused(NoiseCipher cipher) {
    assertThatThrownBy(() -> cipher.encrypt(new byte[16], 0, AD, PLAINTEXT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key: 16 bytes (expected: 32)");
  }

  /** REKEY(k) = the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes) (section 4.2). */
  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void rekey_isEncryptionOfZerosUnderTheMaximumNonce(NoiseCipher cipher) {
    byte[] expected = Arrays.copyOf(cipher.encrypt(KEY, -1L, new byte[0], new byte[32]), 32);
    assertThat(cipher.rekey(KEY)).isEqualTo(expected).isNotEqualTo(KEY);
    assertThat(cipher.rekey(KEY)).isEqualTo(expected);
  }

  @Test
  void named_findsNoiseNames_andRejectsOthers() {
    assertThat(NoiseCipher.named("AESGCM")).isEqualTo(NoiseCipher.AESGCM);
    assertThat(NoiseCipher.named("ChaChaPoly")).isEqualTo(NoiseCipher.CHACHAPOLY);
    assertThatThrownBy(() -> NoiseCipher.named("Salsa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Salsa'")
        .hasMessageContaining("AESGCM, ChaChaPoly");
  }

  static byte[] flip(byte[] bytes, int bit) {
    byte[] copy = bytes.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }
}
