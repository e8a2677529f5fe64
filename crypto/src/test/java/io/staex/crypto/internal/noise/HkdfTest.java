package io.staex.crypto.internal.noise;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HkdfTest {

  private static final HexFormat HEX = HexFormat.of();

  /** RFC 4231 test case 2: a key shorter than the block. */
  @Test
  void hmac_rfc4231Case2() {
    byte[] key = "Jefe".getBytes(US_ASCII);
    byte[] data = "what do ya want for nothing?".getBytes(US_ASCII);
    assertThat(HEX.formatHex(Hkdf.hmac(NoiseHash.SHA256, key, data)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertThat(HEX.formatHex(Hkdf.hmac(NoiseHash.SHA512, key, data)))
        .isEqualTo("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  }

  /** RFC 4231 test case 6: a 131-byte key, longer than both block lengths, is hashed first. */
  @Test
  void hmac_rfc4231Case6_keyLongerThanBlock() {
    byte[] key = new byte[131];
    Arrays.fill(key, (byte) 0xaa);
    byte[] data = "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(US_ASCII);
    assertThat(HEX.formatHex(Hkdf.hmac(NoiseHash.SHA256, key, data)))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assertThat(HEX.formatHex(Hkdf.hmac(NoiseHash.SHA512, key, data)))
        .isEqualTo("80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
            + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
  }

  @Test
  void hmac_dataInPartsEqualsConcatenation() {
    byte[] key = new byte[] {1, 2, 3};
    assertThat(Hkdf.hmac(NoiseHash.BLAKE2B, key, new byte[] {4}, new byte[] {5, 6}))
        .isEqualTo(Hkdf.hmac(NoiseHash.BLAKE2B, key, new byte[] {4, 5, 6}));
  }

  /**
   * RFC 5869 test case 3 (SHA-256, empty salt and info): Noise's HKDF is RFC 5869 with the chaining
   * key as salt and no info, so outputs 1 and 2 are the first 64 bytes of the OKM.
   */
  @Test
  void hkdf_rfc5869Case3() {
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    byte[][] out = Hkdf.hkdf(NoiseHash.SHA256, new byte[0], ikm, 2);
    assertThat(HEX.formatHex(out[0]))
        .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d");
    assertThat(HEX.formatHex(out[1])).startsWith("9d201395faa4b61a96c8");
  }

  @Test
  void hkdf_threeOutputs_extendTheTwoOutputs() {
    byte[] ck = NoiseHash.BLAKE2S.hash(new byte[] {7});
    byte[][] two = Hkdf.hkdf(NoiseHash.BLAKE2S, ck, new byte[] {9}, 2);
    byte[][] three = Hkdf.hkdf(NoiseHash.BLAKE2S, ck, new byte[] {9}, 3);
    assertThat(three[0]).isEqualTo(two[0]);
    assertThat(three[1]).isEqualTo(two[1]);
    assertThat(three[2]).isEqualTo(
        Hkdf.hmac(NoiseHash.BLAKE2S, Hkdf.hmac(NoiseHash.BLAKE2S, ck, new byte[] {9}), two[1],
            new byte[] {3}));
  }

  @Test
  void hkdf_otherOutputCounts_areRefused() {
    assertThatThrownBy(() -> Hkdf.hkdf(NoiseHash.SHA256, new byte[32], new byte[0], 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: 2 or 3");
  }
}
