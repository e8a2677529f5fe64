package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Curve25519Test {

  private static final HexFormat HEX = HexFormat.of();
  private static final String ALICE_PRIVATE =
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  private static final String ALICE_PUBLIC =
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
  private static final String BOB_PRIVATE =
      "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
  private static final String BOB_PUBLIC =
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
  private static final String SHARED =
      "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

  /** RFC 7748 section 6.1. */
  @Test
  void rfc7748_publicKeysAndSharedSecret() throws NoiseException {
    assertThat(HEX.formatHex(Curve25519.publicKey(HEX.parseHex(ALICE_PRIVATE))))
        .isEqualTo(ALICE_PUBLIC);
    assertThat(HEX.formatHex(Curve25519.publicKey(HEX.parseHex(BOB_PRIVATE))))
        .isEqualTo(BOB_PUBLIC);
    assertThat(HEX.formatHex(Curve25519.dh(HEX.parseHex(ALICE_PRIVATE), HEX.parseHex(BOB_PUBLIC))))
        .isEqualTo(SHARED);
    assertThat(HEX.formatHex(Curve25519.dh(HEX.parseHex(BOB_PRIVATE), HEX.parseHex(ALICE_PUBLIC))))
        .isEqualTo(SHARED);
  }

  /** u-coordinates of points of order 1, 2, 4 and 8 (and non-canonical encodings of them). */
  @ParameterizedTest
  @ValueSource(strings = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
  })
  void lowOrderPublicKey_isRefused(String publicKey) {
    assertThatThrownBy(() -> Curve25519.dh(HEX.parseHex(ALICE_PRIVATE), HEX.parseHex(publicKey)))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("low order")
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.LOW_ORDER_KEY);
  }
}
