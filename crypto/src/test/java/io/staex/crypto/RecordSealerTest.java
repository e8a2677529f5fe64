package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.RecordException.Reason;
import io.staex.crypto.internal.record.InsecureNonceAesGcm;
import io.staex.crypto.internal.record.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class RecordSealerTest {

  static final byte[] KEY = HexFormat.of().parseHex(
      "c0ffee0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d");
  private static final byte[] AAD = "frame-header".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  @Test
  void record_isCounterThenGcmCiphertextAndTag() throws Exception {
    RecordSealer sealer = new RecordSealer(KEY, 0, RecordLayer.EPOCH_SHIFT);
    sealer.seal(HELLO, 0, HELLO.length, AAD);
    byte[] record = sealer.seal(HELLO, 0, HELLO.length, AAD);

    assertThat(record).hasSize(HELLO.length + RecordLayer.OVERHEAD);
    assertThat(Arrays.copyOf(record, 8)).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 1});
    assertThat(Arrays.copyOfRange(record, 8, record.length))
        .isEqualTo(referenceGcm(KEY, 1, AAD, HELLO));
  }

  @Test
  void counters_increaseByOneAndNeverRepeat() throws Exception {
    RecordSealer sealer = new RecordSealer(KEY, 0, 3);
    Set<Long> counters = new HashSet<>();
    Set<String> bodies = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      byte[] record = sealer.seal(HELLO, 0, HELLO.length, AAD);
      long counter = RecordFormat.readCounter(record, 0);
      assertThat(counter).isEqualTo(i);
      assertThat(counters.add(counter)).isTrue();
      assertThat(bodies.add(HexFormat.of().formatHex(record, 8, record.length))).isTrue();
    }
  }

  @Test
  void epochBoundary_switchesToNoiseRekeyedKey() throws Exception {
    RecordSealer sealer = new RecordSealer(KEY, 0, 3);
    for (int i = 0; i < 8; i++) {
      sealer.seal(HELLO, 0, HELLO.length, AAD);
    }
    byte[] record = sealer.seal(HELLO, 0, HELLO.length, AAD); // counter 8: epoch 1
    byte[] epoch1Key = new InsecureNonceAesGcm(KEY).nextKey();
    assertThat(Arrays.copyOfRange(record, 8, record.length))
        .isEqualTo(referenceGcm(epoch1Key, 8, AAD, HELLO));
  }

  @Test
  void intoBuffer_writesTheSameRecordAtTheOffset() throws Exception {
    byte[] expected = new RecordSealer(KEY, 0, 20).seal(HELLO, 0, HELLO.length, AAD);
    byte[] out = new byte[3 + expected.length + 2];
    int n = new RecordSealer(KEY, 0, 20).seal(HELLO, 0, HELLO.length, AAD, out, 3);
    assertThat(n).isEqualTo(expected.length);
    assertThat(Arrays.copyOfRange(out, 3, 3 + n)).isEqualTo(expected);
    assertThat(out[0]).isZero();
    assertThat(out[out.length - 1]).isZero();
  }

  @Test
  void inPlace_withPlaintextAfterTheCounterSlot_works() throws Exception {
    byte[] expected = new RecordSealer(KEY, 0, 20).seal(HELLO, 0, HELLO.length, AAD);
    byte[] buf = new byte[HELLO.length + RecordLayer.OVERHEAD];
    System.arraycopy(HELLO, 0, buf, RecordFormat.COUNTER_SIZE, HELLO.length);
    new RecordSealer(KEY, 0, 20).seal(buf, RecordFormat.COUNTER_SIZE, HELLO.length, AAD, buf, 0);
    assertThat(buf).isEqualTo(expected);
  }

  @Test
  void inPlace_withPlaintextAtTheRecordStart_works() throws Exception {
    byte[] plaintext = new byte[100];
    Arrays.fill(plaintext, (byte) 'x');
    byte[] expected = new RecordSealer(KEY, 0, 20).seal(plaintext, 0, 100, AAD);
    byte[] buf = Arrays.copyOf(plaintext, 100 + RecordLayer.OVERHEAD);
    new RecordSealer(KEY, 0, 20).seal(buf, 0, 100, AAD, buf, 0);
    assertThat(buf).isEqualTo(expected);
  }

  /**
   * The link seals in place with the plaintext after room for a length and a counter; large
   * plaintexts (the JDK's combined AES-GCM intrinsic works from 512 bytes on) at odd offsets give
   * the same record as the copying seal.
   */
  @Test
  void inPlace_largeAtOddOffsets_sameRecordAsTheCopyingSeal() throws Exception {
    java.util.Random random = new java.util.Random(15);
    for (int size : new int[] {511, 512, 1400, 16384 + 7, 64 * 1024 + 3}) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      byte[] expected = new RecordSealer(KEY, 0, 20).seal(plaintext, 0, size, AAD);
      byte[] buf = new byte[5 + expected.length + 3];
      System.arraycopy(plaintext, 0, buf, 5 + RecordFormat.COUNTER_SIZE, size);
      int n = new RecordSealer(KEY, 0, 20).seal(
          buf, 5 + RecordFormat.COUNTER_SIZE, size, AAD, buf, 5);
      assertThat(n).isEqualTo(expected.length);
      assertThat(Arrays.copyOfRange(buf, 5, 5 + n)).as("size %d", size).isEqualTo(expected);
    }
  }

  @Test
  void counterAtLimit_sealIsRefused() throws Exception {
    long start = RecordLayer.REJECT_AFTER_MESSAGES - 2;
    RecordSealer sealer = new RecordSealer(KEY, start, RecordLayer.EPOCH_SHIFT);
    assertThat(RecordFormat.readCounter(sealer.seal(HELLO, 0, 5, AAD), 0)).isEqualTo(start);
    assertThat(RecordFormat.readCounter(sealer.seal(HELLO, 0, 5, AAD), 0)).isEqualTo(start + 1);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> sealer.seal(HELLO, 0, 5, AAD))
          .isInstanceOfSatisfying(RecordException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.LIMIT));
    }
    assertThat(sealer.needsRehandshake()).isTrue();
  }

  @Test
  void needsRehandshake_turnsTrueAtItsThreshold() throws Exception {
    long threshold = RecordLayer.REHANDSHAKE_AFTER_MESSAGES;
    RecordSealer sealer = new RecordSealer(KEY, threshold - 1, RecordLayer.EPOCH_SHIFT);
    assertThat(sealer.needsRehandshake()).isFalse();
    sealer.seal(HELLO, 0, 5, AAD);
    assertThat(sealer.needsRehandshake()).isTrue();
    assertThat(new RecordSealer(KEY, 0, 20).needsRehandshake()).isFalse();
    assertThat(threshold).isLessThan(RecordLayer.REJECT_AFTER_MESSAGES);
  }

  @Test
  void plaintextAboveMaximum_isRefused() {
    RecordSealer sealer = new RecordSealer(KEY, 0, 20);
    byte[] big = new byte[RecordLayer.MAX_PLAINTEXT_SIZE + 1];
    assertThatThrownBy(() -> sealer.seal(big, 0, big.length, AAD))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: <=");
  }

  @Test
  void outputTooSmall_isRefusedWithoutUsingACounter() throws Exception {
    RecordSealer sealer = new RecordSealer(KEY, 0, 20);
    assertThatThrownBy(() -> sealer.seal(HELLO, 0, 5, AAD, new byte[28], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(RecordFormat.readCounter(sealer.seal(HELLO, 0, 5, AAD), 0)).isZero();
  }

  @Test
  void destroyed_sealIsRefused() {
    RecordSealer sealer = new RecordSealer(KEY, 0, 20);
    sealer.destroy();
    assertThatThrownBy(() -> sealer.seal(HELLO, 0, 5, AAD))
        .isInstanceOf(IllegalStateException.class);
    assertThat(sealer.toString()).contains("destroyed");
  }

  @Test
  void toString_showsCounterButNoKey() throws Exception {
    RecordSealer sealer = new RecordSealer(KEY, 0, 20);
    sealer.seal(HELLO, 0, 5, AAD);
    assertThat(sealer.toString()).contains("next=1").doesNotContain("c0ffee")
        .doesNotContain("wP/u");
  }

  static byte[] referenceGcm(byte[] key, long counter, byte[] aad, byte[] plaintext)
      throws Exception {
    byte[] nonce = new byte[12];
    RecordFormat.writeNonce(nonce, counter);
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    byte[] out = new byte[gcm.getOutputSize(plaintext.length)];
    gcm.doFinal(out, gcm.processBytes(plaintext, 0, plaintext.length, out, 0));
    return out;
  }
}
