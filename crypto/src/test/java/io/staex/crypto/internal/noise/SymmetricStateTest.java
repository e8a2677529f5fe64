package io.staex.crypto.internal.noise;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SymmetricStateTest {

  @Test
  void shortName_isPaddedWithZeros() {
    String name = "Noise_NN_25519_AESGCM_SHA256"; // 28 bytes <= HASHLEN 32
    SymmetricState state = new SymmetricState(NoiseCipher.AESGCM, NoiseHash.SHA256, name);
    assertThat(state.handshakeHash()).isEqualTo(Arrays.copyOf(name.getBytes(US_ASCII), 32));
    assertThat(state.hasKey()).isFalse();
  }

  @Test
  void nameOfExactlyHashLength_isUsedAsIs() {
    String exact = "Noise_XX_25519_AESGCM_SHA256_32!"; // made up, exactly 32 bytes
    SymmetricState state = new SymmetricState(NoiseCipher.AESGCM, NoiseHash.SHA256, exact);
    assertThat(state.handshakeHash()).isEqualTo(exact.getBytes(US_ASCII));
  }

  @Test
  void longName_isHashed() {
    String name = "Noise_IK_25519_ChaChaPoly_BLAKE2s"; // 33 bytes > HASHLEN 32
    SymmetricState state = new SymmetricState(NoiseCipher.CHACHAPOLY, NoiseHash.BLAKE2S, name);
    assertThat(state.handshakeHash()).isEqualTo(NoiseHash.BLAKE2S.hash(name.getBytes(US_ASCII)));
  }

  @Test
  void mixHash_isHashOfHAndData() {
    SymmetricState state = new SymmetricState(NoiseCipher.AESGCM, NoiseHash.SHA512, "Noise_NN");
    byte[] h = state.handshakeHash();
    state.mixHash(new byte[] {1, 2});
    assertThat(state.handshakeHash()).isEqualTo(NoiseHash.SHA512.hash(h, new byte[] {1, 2}));
  }

  @Test
  void beforeMixKey_encryptAndHashIsPlaintext_afterItIsAead() throws NoiseException {
    SymmetricState a = new SymmetricState(NoiseCipher.AESGCM, NoiseHash.SHA256, "Noise_test");
    SymmetricState b = new SymmetricState(NoiseCipher.AESGCM, NoiseHash.SHA256, "Noise_test");
    assertThat(a.encryptAndHash(new byte[] {5})).containsExactly(5);
    assertThat(b.decryptAndHash(new byte[] {5})).containsExactly(5);
    a.mixKey(new byte[32]);
    b.mixKey(new byte[32]);
    assertThat(a.hasKey()).isTrue();
    byte[] ciphertext = a.encryptAndHash(new byte[] {6});
    assertThat(ciphertext).hasSize(17);
    assertThat(b.decryptAndHash(ciphertext)).containsExactly(6);
    assertThat(a.handshakeHash()).isEqualTo(b.handshakeHash());
  }

  @Test
  void failedDecryptAndHash_leavesHUnchanged() {
    SymmetricState state = new SymmetricState(NoiseCipher.CHACHAPOLY, NoiseHash.SHA256, "N");
    state.mixKey(new byte[] {1});
    byte[] h = state.handshakeHash();
    assertThatThrownBy(() -> state.decryptAndHash(new byte[20]))
        .isInstanceOf(NoiseException.class);
    assertThat(state.handshakeHash()).isEqualTo(h);
  }

  @Test
  void split_givesTwoDifferentKeys_identicalOnBothSides() throws NoiseException {
    SymmetricState a = new SymmetricState(NoiseCipher.CHACHAPOLY, NoiseHash.BLAKE2B, "Noise_x");
    SymmetricState b = new SymmetricState(NoiseCipher.CHACHAPOLY, NoiseHash.BLAKE2B, "Noise_x");
    a.mixKeyAndHash(new byte[] {3});
    b.mixKeyAndHash(new byte[] {3});
    CipherStatePair pa = a.split();
    CipherStatePair pb = b.split();
    byte[] c1 = pa.initiatorToResponder().encryptWithAd(new byte[0], new byte[] {1});
    byte[] c2 = pa.responderToInitiator().encryptWithAd(new byte[0], new byte[] {1});
    assertThat(c1).isNotEqualTo(c2);
    assertThat(pb.receiving(Role.RESPONDER).decryptWithAd(new byte[0], c1)).containsExactly(1);
    assertThat(pb.receiving(Role.INITIATOR).decryptWithAd(new byte[0], c2)).containsExactly(1);
  }

  @Test
  void destroyed_refusesEveryCall() {
    SymmetricState state = new SymmetricState(NoiseCipher.AESGCM, NoiseHash.SHA256, "Noise_x");
    state.destroy();
    assertThatThrownBy(state::handshakeHash).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> state.mixHash(new byte[1])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(state::split).isInstanceOf(IllegalStateException.class);
  }
}
