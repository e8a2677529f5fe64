package io.staex.crypto.internal.noise;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class NoiseHashTest {

  private static final HexFormat HEX = HexFormat.of();

  /** FIPS 180-2 and RFC 7693 appendix A/B answers for the message "abc". */
  @ParameterizedTest
  @CsvSource({
    "SHA256, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "SHA512, ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    "BLAKE2S, 508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
    "BLAKE2B, ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
        + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
  })
  void abc_hashesToThePublishedValue(NoiseHash hash, String expected) {
    assertThat(HEX.formatHex(hash.hash("abc".getBytes(US_ASCII)))).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(NoiseHash.class)
  void parts_hashLikeTheirConcatenation(NoiseHash hash) {
    byte[] whole = hash.hash("abcdef".getBytes(US_ASCII));
    byte[] parts = hash.hash("ab".getBytes(US_ASCII), new byte[0], "cdef".getBytes(US_ASCII));
    assertThat(parts).isEqualTo(whole).hasSize(hash.hashLength());
  }

  @Test
  void lengths_matchTheSpecification() {
    assertThat(NoiseHash.SHA256.hashLength()).isEqualTo(32);
    assertThat(NoiseHash.SHA256.blockLength()).isEqualTo(64);
    assertThat(NoiseHash.BLAKE2S.hashLength()).isEqualTo(32);
    assertThat(NoiseHash.BLAKE2S.blockLength()).isEqualTo(64);
    assertThat(NoiseHash.SHA512.hashLength()).isEqualTo(64);
    assertThat(NoiseHash.SHA512.blockLength()).isEqualTo(128);
    assertThat(NoiseHash.BLAKE2B.hashLength()).isEqualTo(64);
    assertThat(NoiseHash.BLAKE2B.blockLength()).isEqualTo(128);
  }

  @Test
  void named_findsNoiseNames_andRejectsOthers() {
    assertThat(NoiseHash.named("BLAKE2s")).isEqualTo(NoiseHash.BLAKE2S);
    assertThat(NoiseHash.named("SHA512")).isEqualTo(NoiseHash.SHA512);
    assertThatThrownBy(() -> NoiseHash.named("SHA3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'SHA3'")
        .hasMessageContaining("SHA256, SHA512, BLAKE2s, BLAKE2b");
  }
}
