package io.staex.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyConversionTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

  /**
   * libsodium test/default/ed25519_convert.c and .exp: the key pair of this seed converts to
   * these X25519 keys.
   */
  @Test
  void libsodiumVector() {
    byte[] seed = HEX.parseHex("421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee");
    byte[] publicKey = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    assertThat(HEX.formatHex(KeyConversion.convertPublic(publicKey)))
        .isEqualTo("f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50");
    assertThat(HEX.formatHex(KeyConversion.convertPrivate(seed)))
        .isEqualTo("8052030376d47112be7f73ed7a019293dd12ad910b654455798b4667d73de166");
  }

  /**
   * RFC 8032 section 7.1 test 1's key pair, used as given by the RFC. The expected X25519 keys
   * are the ones other libsodium-compatible converters publish for it; the property below shows
   * they belong together.
   */
  @Test
  void rfc8032Test1KeyPair() {
    byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] publicKey =
        HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    assertThat(HEX.formatHex(KeyConversion.convertPublic(publicKey)))
        .isEqualTo("d85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e");
    assertThat(HEX.formatHex(KeyConversion.convertPrivate(seed)))
        .isEqualTo("307c83864f2833cb427a2ef1c00a013cfdff2768d980c0a3a520f006904de94f");
  }

  @Property(tries = 200)
  void convertedPrivateKey_matchesConvertedPublicKey(@ForAll @Size(32) byte[] seed) {
    byte[] ed25519Public = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    byte[] x25519Public = new byte[32];
    X25519.scalarMultBase(KeyConversion.convertPrivate(seed), 0, x25519Public, 0);
    assertThat(KeyConversion.convertPublic(ed25519Public)).isEqualTo(x25519Public);
  }

  @Property(tries = 200)
  void convertValidatedPublic_equalsTheCheckedConversion(@ForAll @Size(32) byte[] seed) {
    byte[] ed25519Public = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    assertThat(KeyConversion.convertValidatedPublic(ed25519Public))
        .isEqualTo(KeyConversion.convertPublic(ed25519Public));
  }

  /** Arbitrary 32 bytes: converted exactly when BouncyCastle's full validation accepts them. */
  @Property(tries = 300)
  void arbitraryBytes_areAcceptedExactlyWhenBouncyCastleFullyValidatesThem(
      @ForAll @Size(32) byte[] candidate) {
    boolean valid = Ed25519.validatePublicKeyFull(candidate, 0);
    if (valid) {
      assertThat(KeyConversion.convertPublic(candidate)).hasSize(32);
    } else {
      assertThatThrownBy(() -> KeyConversion.convertPublic(candidate))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Ed25519 public key cannot be converted to X25519: ");
    }
  }

  @ParameterizedTest
  @CsvSource({
    // y = p: the encoding of 0, but not canonical
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f, non-canonical encoding (y >= p)",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff, non-canonical encoding (y >= p)",
    // y = 1: the neutral element, with either sign bit
    "0100000000000000000000000000000000000000000000000000000000000000, the neutral element",
    "0100000000000000000000000000000000000000000000000000000000000080, the neutral element",
    // y = 2: (y^2 - 1) / (d y^2 + 1) is not a square
    "0200000000000000000000000000000000000000000000000000000000000000, not a point on the curve",
    // y = -1 = p - 1: (0, -1) has order 2; with the sign bit set, x = 0 is non-canonical
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f, a point of small order",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff, non-canonical encoding (x = 0",
    // y = 0: (+-sqrt(-1), 0) have order 4
    "0000000000000000000000000000000000000000000000000000000000000000, a point of small order",
    "0000000000000000000000000000000000000000000000000000000000000080, a point of small order",
    // points of order 8 (libsodium's blocklist)
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05, a point of small order",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a, a point of small order"
  })
  void badPublicKeys_areRefusedWithTheReason(String hex, String reason) {
    assertThatThrownBy(() -> KeyConversion.convertPublic(HEX.parseHex(hex)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  /** A valid key plus the order-2 point (0, -1) is (-x, -y): on the curve, but of mixed order. */
  @Test
  void keyWithASmallOrderComponent_isRefused() {
    byte[] seed = new byte[32];
    byte[] publicKey = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    byte[] y = publicKey.clone();
    boolean xOdd = (y[31] & 0x80) != 0;
    y[31] &= 0x7f;
    BigInteger negY = P.subtract(littleEndian(y));
    byte[] mixed = toLittleEndian(negY);
    if (!xOdd) {
      mixed[31] |= (byte) 0x80; // -x has the other parity, as x != 0
    }
    assertThatThrownBy(() -> KeyConversion.convertPublic(mixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in the prime-order subgroup");
  }

  @Test
  void wrongLengths_areRefused() {
    assertThatThrownBy(() -> KeyConversion.convertPublic(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519 public key: 31 bytes (expected: 32)");
    assertThatThrownBy(() -> KeyConversion.convertPrivate(new byte[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519 seed: 64 bytes (expected: 32)");
  }

  @Test
  void convertPrivate_isClamped() {
    byte[] scalar = KeyConversion.convertPrivate(new byte[32]);
    assertThat(scalar[0] & 7).isZero();
    assertThat(scalar[31] & 0x80).isZero();
    assertThat(scalar[31] & 0x40).isEqualTo(0x40);
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] bigEndian = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bigEndian[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, bigEndian);
  }

  private static byte[] toLittleEndian(BigInteger value) {
    byte[] bigEndian = value.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < 32 && i < bigEndian.length; i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return out;
  }
}
