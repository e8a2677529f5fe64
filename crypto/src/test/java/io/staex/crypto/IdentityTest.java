package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {
  // RFC 8032 section 7.1, TEST 1 and TEST 2.
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SEED_1 =
      HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final String PUBLIC_1 =
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String SIGNATURE_1 =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
  private static final byte[] SEED_2 =
      HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  private static final String SIGNATURE_2 =
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

  private final Identity identity = Fixtures.identity(1);
  private final byte[] message = "hello, staex".getBytes(StandardCharsets.UTF_8);

  @Test
  void rfc8032Vectors_keyAndSignatureAreKnownAnswers() {
    Identity one = Identity.fromSeed(SEED_1);
    Identity two = Identity.fromSeed(SEED_2);

    assertThat(one.address().publicKey()).hasToString(PUBLIC_1);
    assertThat(HEX.formatHex(one.sign(new byte[0]))).isEqualTo(SIGNATURE_1);
    assertThat(HEX.formatHex(two.sign(new byte[] {0x72}))).isEqualTo(SIGNATURE_2);
  }

  @Property(tries = 100)
  void signature_verifiesWithTheAddress(@ForAll @Size(32) byte[] seed, @ForAll byte[] msg) {
    Identity id = Identity.fromSeed(seed);

    byte[] sig = id.sign(msg);

    assertThat(sig).hasSize(64);
    assertThat(id.address().verify(msg, sig)).isTrue();
  }

  @Test
  void everyFlippedSignatureBit_failsVerify() {
    byte[] sig = identity.sign(message);

    for (int bit = 0; bit < sig.length * 8; bit++) {
      byte[] bad = sig.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(identity.address().verify(message, bad)).as("bit %d flipped", bit).isFalse();
    }
  }

  @Test
  void everyFlippedMessageBit_failsVerify() {
    byte[] sig = identity.sign(message);

    for (int bit = 0; bit < message.length * 8; bit++) {
      byte[] bad = message.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(identity.address().verify(bad, sig)).as("bit %d flipped", bit).isFalse();
    }
    assertThat(identity.address().verify(Arrays.copyOf(message, message.length + 1), sig)).isFalse();
  }

  @Test
  void signatureOfAnotherIdentity_failsVerify() {
    byte[] sig = Fixtures.identity(2).sign(message);

    assertThat(identity.address().verify(message, sig)).isFalse();
  }

  @Test
  void toString_showsAddressButNoKeyMaterial() {
    Identity id = Identity.fromSeed(SEED_1);
    String s = id.toString();

    assertThat(s).contains(id.address().toString()).contains("redacted");
    for (String secret : encodings(SEED_1)) {
      assertThat(s).doesNotContainIgnoringCase(secret);
    }
    for (String secret : encodings(identity.exportSeed())) {
      assertThat(identity.toString()).doesNotContainIgnoringCase(secret);
    }
  }

  @Test
  void destroy_thenSignThrows() {
    Identity id = Fixtures.identity(3);
    String address = id.address().toString();

    id.destroy();

    assertThatThrownBy(() -> id.sign(message))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("destroyed")
        .hasMessageContaining(id.address().shortText());
    assertThatThrownBy(id::exportSeed).isInstanceOf(IllegalStateException.class);
    assertThat(id.address()).hasToString(address);
  }

  @Test
  void sameRandomSeed_sameIdentity_otherSeed_otherIdentity() {
    assertThat(Fixtures.identity(5).address()).isEqualTo(Fixtures.identity(5).address());
    assertThat(Fixtures.identity(5).address()).isNotEqualTo(Fixtures.identity(6).address());
  }

  @Test
  void fromSeed_copiesTheCallersArray() {
    byte[] seed = SEED_1.clone();
    Identity id = Identity.fromSeed(seed);

    Arrays.fill(seed, (byte) 0);

    assertThat(id.address().publicKey()).hasToString(PUBLIC_1);
    assertThat(id.exportSeed()).isEqualTo(SEED_1);
  }

  @Test
  void exportSeed_isACopy() {
    Identity id = Identity.fromSeed(SEED_1);

    Arrays.fill(id.exportSeed(), (byte) 0);

    assertThat(HEX.formatHex(id.sign(new byte[0]))).isEqualTo(SIGNATURE_1);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 31, 33, 64})
  void seedOfWrongSize_refused(int size) {
    assertThatThrownBy(() -> Identity.fromSeed(new byte[size]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(size + " bytes (expected: 32)");
  }

  private static String[] encodings(byte[] secret) {
    return new String[] {
      HEX.formatHex(secret),
      HEX.formatHex(secret).substring(0, 16),
      Base64.getEncoder().encodeToString(secret),
      Base64.getEncoder().withoutPadding().encodeToString(secret).substring(0, 16),
      Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
      Arrays.toString(secret)
    };
  }
}
