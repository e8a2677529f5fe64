package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoiseProtocolTest {

  @Test
  void parse_findsEveryPart_andNameRoundTrips() {
    NoiseProtocol p = NoiseProtocol.parse("Noise_IK_25519_AESGCM_SHA256");
    assertThat(p.pattern()).isEqualTo(HandshakePatterns.named("IK"));
    assertThat(p.cipher()).isEqualTo(NoiseCipher.AESGCM);
    assertThat(p.hash()).isEqualTo(NoiseHash.SHA256);
    for (String pattern : HandshakePatterns.names()) {
      for (NoiseCipher cipher : NoiseCipher.values()) {
        for (NoiseHash hash : NoiseHash.values()) {
          String name = "Noise_" + pattern + "_25519_" + cipher.noiseName() + "_" + hash.noiseName();
          assertThat(NoiseProtocol.parse(name).name()).isEqualTo(name);
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "Noise_IK_448_AESGCM_SHA256 | unsupported DH function '448'",
    "Noise_IKpsk2_25519_AESGCM_SHA256 | unknown or unsupported handshake pattern 'IKpsk2'",
    "Noise_IK_25519_AESGCM_SHA3 | unknown hash function 'SHA3'",
    "Noise_IK_25519_AES256_SHA256 | unknown cipher function 'AES256'",
    "NoisePSK_IK_25519_AESGCM_SHA256 | expected: Noise_<pattern>_<dh>_<cipher>_<hash>",
    "Noise_IK_25519_AESGCM | expected: Noise_<pattern>_<dh>_<cipher>_<hash>",
    "Noise_IK_25519+Kyber1024_AESGCM_SHA256 | unsupported DH function '25519+Kyber1024'"
  })
  void unknownParts_areNamedInTheError(String name, String message) {
    assertThatThrownBy(() -> NoiseProtocol.parse(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageContaining(name);
  }
}
