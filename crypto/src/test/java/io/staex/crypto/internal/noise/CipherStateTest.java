package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CipherStateTest {

  private static final byte[] KEY = HexFormat.of().parseHex(
      "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000");
  private static final byte[] AD = {1, 2, 3};
  private static final byte[] NO_AD = new byte[0];

  private static CipherState keyed(NoiseCipher cipher) {
    CipherState state = new CipherState(cipher);
    state.initializeKey(KEY);
    return state;
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void emptyKey_passesBytesThrough(NoiseCipher cipher) throws NoiseException {
    CipherState state = new CipherState(cipher);
    assertThat(state.hasKey()).isFalse();
    assertThat(state.encryptWithAd(AD, new byte[] {9, 8})).containsExactly(9, 8);
    assertThat(state.decryptWithAd(AD, new byte[] {7})).containsExactly(7);
    assertThat(state.nonce()).isZero();
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void nonce_advancesOncePerMessage_andMatchesTheCipherFunction(NoiseCipher cipher)
      throws NoiseException {
    CipherState sender = keyed(cipher);
    CipherState receiver = keyed(cipher);
    for (long n = 0; n < 3; n++) {
      byte[] plaintext = {(byte) n};
      byte[] ciphertext = sender.encryptWithAd(AD, plaintext);
      assertThat(ciphertext).isEqualTo(cipher.encrypt(KEY, n, AD, plaintext));
      assertThat(receiver.decryptWithAd(AD, ciphertext)).isEqualTo(plaintext);
      assertThat(sender.nonce()).isEqualTo(n + 1);
      assertThat(receiver.nonce()).isEqualTo(n + 1);
    }
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void failedDecrypt_leavesNonceUnchanged_soTheGenuineMessageStillDecrypts(NoiseCipher cipher)
      throws NoiseException {
    CipherState sender = keyed(cipher);
    CipherState receiver = keyed(cipher);
    byte[] genuine = sender.encryptWithAd(AD, new byte[] {42});
    assertThatThrownBy(() -> receiver.decryptWithAd(AD, NoiseCipherTest.flip(genuine, 3)))
        .isInstanceOf(NoiseException.class);
    assertThat(receiver.nonce()).isZero();
    assertThat(receiver.decryptWithAd(AD, genuine)).containsExactly(42);
    assertThat(receiver.nonce()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void reservedNonce_refusesEncryptAndDecrypt(NoiseCipher cipher) throws NoiseException {
    CipherState sender = keyed(cipher);
    CipherState receiver = keyed(cipher);
    sender.setNonce(-2L); // 2^64 - 2, the last usable nonce
    receiver.setNonce(-2L);
    assertThat(receiver.decryptWithAd(AD, sender.encryptWithAd(AD, new byte[] {1})))
        .containsExactly(1);
    assertThat(sender.nonce()).isEqualTo(-1L);
    assertThatThrownBy(() -> sender.encryptWithAd(AD, new byte[] {2}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2^64-1");
    byte[] forged = cipher.encrypt(KEY, -1L, AD, new byte[] {3});
    assertThatThrownBy(() -> receiver.decryptWithAd(AD, forged))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.NONCE_EXHAUSTED);
  }

  @Test
  void messagesLongerThan65535_areRefused() {
    CipherState keyedState = keyed(NoiseCipher.AESGCM);
    assertThat(keyedState.encryptWithAd(NO_AD, new byte[CipherState.MAX_PLAINTEXT_LENGTH]))
        .hasSize(CipherState.MAX_MESSAGE_LENGTH);
    assertThatThrownBy(() ->
        keyedState.encryptWithAd(NO_AD, new byte[CipherState.MAX_PLAINTEXT_LENGTH + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: at most 65519");
    assertThatThrownBy(() ->
        keyed(NoiseCipher.AESGCM).decryptWithAd(NO_AD, new byte[CipherState.MAX_MESSAGE_LENGTH + 1]))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.BAD_LENGTH);
    assertThatThrownBy(() ->
        new CipherState(NoiseCipher.AESGCM).encryptWithAd(NO_AD, new byte[65536]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void rekey_changesTheKeyDeterministically_andKeepsTheNonce(NoiseCipher cipher)
      throws NoiseException {
    CipherState a = keyed(cipher);
    CipherState b = keyed(cipher);
    a.setNonce(5);
    b.setNonce(5);
    byte[] before = keyed(cipher).encryptWithAd(AD, new byte[] {1});
    a.rekey();
    b.rekey();
    assertThat(a.nonce()).isEqualTo(5);
    byte[] fromA = a.encryptWithAd(AD, new byte[] {1});
    assertThat(fromA).isEqualTo(cipher.encrypt(cipher.rekey(KEY), 5, AD, new byte[] {1}));
    assertThat(b.decryptWithAd(AD, fromA)).containsExactly(1);
    assertThat(fromA).isNotEqualTo(before);
  }

  /** The cached AES-GCM engine keeps the JDK's refusal of an immediately repeated encryption IV. */
  @Test
  void aesGcm_encryptingTwiceWithTheSameNonce_isRefused() {
    CipherState state = keyed(NoiseCipher.AESGCM);
    state.encryptWithAd(AD, new byte[] {1});
    state.setNonce(0);
    assertThatThrownBy(() -> state.encryptWithAd(AD, new byte[] {2}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused by the JCE provider");
  }

  @Test
  void rekeyWithoutKey_isAProgrammingError() {
    assertThatThrownBy(() -> new CipherState(NoiseCipher.CHACHAPOLY).rekey())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void initializeKey_copiesTheKey_andResetsTheNonce() throws NoiseException {
    byte[] key = KEY.clone();
    CipherState state = new CipherState(NoiseCipher.CHACHAPOLY);
    state.initializeKey(key);
    state.setNonce(9);
    state.initializeKey(key);
    key[0] ^= 1; // the caller's array is not the state's key
    assertThat(state.nonce()).isZero();
    byte[] ciphertext = state.encryptWithAd(AD, new byte[] {5});
    assertThat(keyed(NoiseCipher.CHACHAPOLY).decryptWithAd(AD, ciphertext)).containsExactly(5);
    assertThatThrownBy(() -> state.initializeKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void destroyed_refusesEveryCall() {
    CipherState state = keyed(NoiseCipher.AESGCM);
    state.destroy();
    state.destroy();
    assertThat(state.isDestroyed()).isTrue();
    assertThat(state.toString()).contains("destroyed");
    assertThatThrownBy(() -> state.encryptWithAd(AD, new byte[1]))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> state.decryptWithAd(AD, new byte[17]))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(state::hasKey).isInstanceOf(IllegalStateException.class);
  }
}
