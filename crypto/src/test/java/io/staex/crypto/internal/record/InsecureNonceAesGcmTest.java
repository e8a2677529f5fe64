package io.staex.crypto.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InsecureNonceAesGcmTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEY = HEX.parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @Test
  void emptyPlaintext_matchesGcmSpecTestCase13() {
    // McGrew & Viega, "The GCM Mode of Operation", test case 13: K = 0^256, IV = 0^96.
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(new byte[32]);
    byte[] out = new byte[16];
    aead.encrypt(0, new byte[0], 0, 0, new byte[0], out, 0);
    assertThat(HEX.formatHex(out)).isEqualTo("530f8afbc74536b9a963b4f1c4cb738b");
  }

  @Test
  void oneZeroBlock_matchesGcmSpecTestCase14() {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(new byte[32]);
    byte[] out = new byte[32];
    aead.encrypt(0, new byte[16], 0, 16, new byte[0], out, 0);
    assertThat(HEX.formatHex(out)).isEqualTo(
        "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
  }

  @Property(tries = 200)
  void encrypt_matchesBouncyCastle(@ForAll @Size(max = 300) byte[] plaintext,
      @ForAll @Size(max = 40) byte[] aad,
      @ForAll @LongRange(min = 0, max = (1L << 60) - 1) long counter) throws Exception {
    byte[] out = new byte[plaintext.length + 16];
    new InsecureNonceAesGcm(KEY).encrypt(counter, plaintext, 0, plaintext.length, aad, out, 0);
    assertThat(out).isEqualTo(bouncyCastleEncrypt(KEY, counter, aad, plaintext));
  }

  @Property(tries = 200)
  void decrypt_invertsEncrypt(@ForAll @Size(max = 300) byte[] plaintext,
      @ForAll @Size(max = 40) byte[] aad, @ForAll @LongRange(min = 0) long counter)
      throws Exception {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(KEY);
    byte[] sealed = new byte[plaintext.length + 16];
    aead.encrypt(counter, plaintext, 0, plaintext.length, aad, sealed, 0);
    byte[] opened = new byte[plaintext.length];
    assertThat(aead.decrypt(counter, sealed, 0, sealed.length, aad, opened, 0))
        .isEqualTo(plaintext.length);
    assertThat(opened).isEqualTo(plaintext);
  }

  @Test
  void nextKey_isNoiseRekey() throws Exception {
    // REKEY(k) = first 32 bytes of ENCRYPT(k, 2^64 - 1, empty, 32 zero bytes).
    byte[] expected = Arrays.copyOf(bouncyCastleEncrypt(KEY, -1L, new byte[0], new byte[32]), 32);
    assertThat(new InsecureNonceAesGcm(KEY).nextKey()).isEqualTo(expected);
  }

  @Test
  void nextKey_twiceOnOneInstance_givesTheSameKey() {
    // The JDK refuses a repeated key and IV on one GCM cipher; REKEY must not trip over it.
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(KEY);
    assertThat(aead.nextKey()).isEqualTo(aead.nextKey());
  }

  @Test
  void nextKey_isDeterministicAndDiffersFromTheKey() {
    byte[] a = new InsecureNonceAesGcm(KEY).nextKey();
    assertThat(new InsecureNonceAesGcm(KEY).nextKey()).isEqualTo(a);
    assertThat(a).isNotEqualTo(KEY).hasSize(32);
  }

  @Test
  void everyBitFlipOfCiphertextOrAad_failsAndLeavesNoPlaintext() throws Exception {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(KEY);
    byte[] plaintext = "attack at dawn, bring coffee".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] aad = HEX.parseHex("0102030405");
    byte[] sealed = new byte[plaintext.length + 16];
    aead.encrypt(7, plaintext, 0, plaintext.length, aad, sealed, 0);
    for (int bit = 0; bit < sealed.length * 8; bit++) {
      byte[] flipped = flip(sealed, bit);
      byte[] out = new byte[plaintext.length];
      Arrays.fill(out, (byte) 0x77);
      assertThatThrownBy(() -> aead.decrypt(7, flipped, 0, flipped.length, aad, out, 0))
          .isInstanceOf(AEADBadTagException.class);
      assertThat(out).containsOnly(0);
    }
    for (int bit = 0; bit < aad.length * 8; bit++) {
      byte[] flippedAad = flip(aad, bit);
      assertThatThrownBy(() -> aead.decrypt(7, sealed, 0, sealed.length, flippedAad,
          new byte[plaintext.length], 0)).isInstanceOf(AEADBadTagException.class);
    }
    assertThatThrownBy(() -> aead.decrypt(8, sealed, 0, sealed.length, aad,
        new byte[plaintext.length], 0)).isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void decryptAfterFailure_stillWorks() throws Exception {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(KEY);
    byte[] sealed = new byte[20];
    aead.encrypt(1, new byte[4], 0, 4, new byte[0], sealed, 0);
    assertThatThrownBy(() -> aead.decrypt(1, flip(sealed, 3), 0, 20, new byte[0], new byte[4], 0))
        .isInstanceOf(AEADBadTagException.class);
    assertThat(aead.decrypt(1, sealed, 0, 20, new byte[0], new byte[4], 0)).isEqualTo(4);
  }

  @Test
  void distinctCounters_giveDistinctCiphertexts() {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(KEY);
    Set<String> seen = new HashSet<>();
    for (long counter = 0; counter < 1000; counter++) {
      byte[] out = new byte[32];
      aead.encrypt(counter, new byte[16], 0, 16, new byte[0], out, 0);
      assertThat(seen.add(HEX.formatHex(out))).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 16, 24, 31, 33, 64})
  void badKeySize_isRejected(int size) {
    assertThatThrownBy(() -> new InsecureNonceAesGcm(new byte[size]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: 32");
  }

  @Test
  void key_isCopied() {
    byte[] key = KEY.clone();
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(key);
    Arrays.fill(key, (byte) 0);
    byte[] out = new byte[16];
    aead.encrypt(0, new byte[0], 0, 0, new byte[0], out, 0);
    byte[] expected = new byte[16];
    new InsecureNonceAesGcm(KEY).encrypt(0, new byte[0], 0, 0, new byte[0], expected, 0);
    assertThat(out).isEqualTo(expected);
  }

  @Test
  void destroyed_refusesEveryOperation() {
    InsecureNonceAesGcm aead = new InsecureNonceAesGcm(KEY);
    aead.destroy();
    assertThat(aead.isDestroyed()).isTrue();
    assertThatThrownBy(() -> aead.encrypt(0, new byte[0], 0, 0, new byte[0], new byte[16], 0))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> aead.decrypt(0, new byte[16], 0, 16, new byte[0], new byte[0], 0))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(aead::nextKey).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toString_showsNoKey() {
    assertThat(new InsecureNonceAesGcm(KEY).toString())
        .contains("redacted").doesNotContain("0001020304").doesNotContain("AAECAw");
  }

  static byte[] bouncyCastleEncrypt(byte[] key, long counter, byte[] aad, byte[] plaintext)
      throws InvalidCipherTextException {
    byte[] nonce = new byte[12];
    RecordFormat.writeNonce(nonce, counter);
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    byte[] out = new byte[gcm.getOutputSize(plaintext.length)];
    int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 0);
    gcm.doFinal(out, n);
    return out;
  }

  static byte[] flip(byte[] in, int bit) {
    byte[] out = in.clone();
    out[bit / 8] ^= (byte) (1 << (bit % 8));
    return out;
  }
}
