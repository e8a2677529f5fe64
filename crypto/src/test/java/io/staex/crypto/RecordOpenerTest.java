package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.RecordException.Reason;
import io.staex.crypto.internal.record.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RecordOpenerTest {

  private static final byte[] KEY = RecordSealerTest.KEY;
  private static final byte[] OTHER_KEY = HexFormat.of().parseHex(
      "0badc0de02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d");
  private static final byte[] AAD = "frame-header".getBytes(StandardCharsets.US_ASCII);
  private static final int SHORT_EPOCH = 3; // 8 records per epoch

  private RecordSealer sealer = new RecordSealer(KEY, 0, RecordLayer.EPOCH_SHIFT);
  private RecordOpener opener = new RecordOpener(KEY, 0, RecordLayer.EPOCH_SHIFT);

  @Test
  void sealedRecord_opensToItsPlaintext() throws Exception {
    byte[] record = seal("hello");
    assertThat(new String(opener.open(record, 0, record.length, AAD), StandardCharsets.US_ASCII))
        .isEqualTo("hello");
  }

  @Test
  void emptyPlaintext_roundTrips() throws Exception {
    byte[] record = sealer.seal(new byte[0], 0, 0, new byte[0]);
    assertThat(record).hasSize(RecordLayer.OVERHEAD);
    assertThat(opener.open(record, 0, record.length, new byte[0])).isEmpty();
  }

  @Test
  void recordInsideALargerArray_opensIntoTheGivenOffset() throws Exception {
    byte[] record = seal("payload");
    byte[] wire = new byte[record.length + 10];
    System.arraycopy(record, 0, wire, 4, record.length);
    byte[] out = new byte[20];
    assertThat(opener.open(wire, 4, record.length, AAD, out, 9)).isEqualTo(7);
    assertThat(new String(out, 9, 7, StandardCharsets.US_ASCII)).isEqualTo("payload");
  }

  @Test
  void inPlaceOpen_leavesPlaintextAfterTheCounterSlot() throws Exception {
    byte[] record = seal("in place");
    opener.open(record, 0, record.length, AAD, record, RecordFormat.COUNTER_SIZE);
    assertThat(new String(record, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("in place");
  }

  /**
   * Large records (the JDK's AES-GCM takes another path from 512 bytes on) at odd offsets, opened
   * into another array (the link's way: the combined intrinsic) and in place: same plaintext; a
   * bad tag leaves zeros where the plaintext would have gone.
   */
  @Test
  void largeRecordsAtOddOffsets_openIntoAnotherArrayAndInPlace() throws Exception {
    java.util.Random random = new java.util.Random(15);
    for (int size : new int[] {511, 512, 1400, 16384 + 7, 64 * 1024 + 3}) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      byte[] record = sealer.seal(plaintext, 0, size, AAD);
      byte[] wire = new byte[record.length + 8];
      System.arraycopy(record, 0, wire, 5, record.length);

      byte[] out = new byte[size + 6];
      RecordOpener other = new RecordOpener(KEY, 0, RecordLayer.EPOCH_SHIFT);
      assertThat(other.open(wire, 5, record.length, AAD, out, 3)).isEqualTo(size);
      assertThat(Arrays.copyOfRange(out, 3, 3 + size)).as("size %d", size).isEqualTo(plaintext);

      assertThat(opener.open(wire, 5, record.length, AAD, wire, 5 + RecordFormat.COUNTER_SIZE))
          .isEqualTo(size);
      assertThat(Arrays.copyOfRange(wire, 13, 13 + size)).as("size %d", size)
          .isEqualTo(plaintext);

      byte[] forged = record.clone();
      forged[forged.length - 1] ^= 1;
      byte[] into = new byte[size + 6];
      Arrays.fill(into, (byte) 1);
      RecordOpener third = new RecordOpener(KEY, 0, RecordLayer.EPOCH_SHIFT);
      assertThat(reasonOf(() -> third.open(forged, 0, forged.length, AAD, into, 3)))
          .isEqualTo(Reason.AUTH_FAILED);
      assertThat(Arrays.copyOfRange(into, 3, 3 + size)).isEqualTo(new byte[size]);
    }
  }

  @Test
  void everyBitFlipOfRecordOrAad_isRejected_andTheGenuineRecordStillOpens() throws Exception {
    byte[] record = seal("attack at dawn");
    for (int bit = 0; bit < record.length * 8; bit++) {
      byte[] flipped = flip(record, bit);
      Reason reason = reasonOf(() -> opener.open(flipped, 0, flipped.length, AAD));
      // Counter bits beyond what the opener will derive a key for are LIMIT; all else fails the tag.
      assertThat(reason).as("bit %d", bit).isIn(Reason.AUTH_FAILED, Reason.LIMIT);
      if (bit >= 64) {
        assertThat(reason).as("bit %d", bit).isEqualTo(Reason.AUTH_FAILED);
      }
    }
    for (int bit = 0; bit < AAD.length * 8; bit++) {
      byte[] aad = flip(AAD, bit);
      assertThat(reasonOf(() -> opener.open(record, 0, record.length, aad)))
          .isEqualTo(Reason.AUTH_FAILED);
    }
    assertThat(reasonOf(() -> opener.open(record, 0, record.length, new byte[0])))
        .isEqualTo(Reason.AUTH_FAILED);
    assertThat(opener.open(record, 0, record.length, AAD)).hasSize(14);
  }

  @Test
  void replayedRecord_isRejected() throws Exception {
    byte[] record = seal("once");
    opener.open(record, 0, record.length, AAD);
    assertThat(reasonOf(() -> opener.open(record, 0, record.length, AAD)))
        .isEqualTo(Reason.REPLAYED);
  }

  @Test
  void reorderedWithinWindow_isAccepted() throws Exception {
    List<byte[]> records = sealMany(RecordLayer.REPLAY_WINDOW);
    open(records.get(records.size() - 1));
    for (int i = records.size() - 2; i >= 0; i--) {
      open(records.get(i));
    }
  }

  @Test
  void recordLeftOfTheWindow_isTooOld() throws Exception {
    List<byte[]> records = sealMany(RecordLayer.REPLAY_WINDOW + 1);
    open(records.get(RecordLayer.REPLAY_WINDOW));
    assertThat(reasonOf(() -> open(records.get(0)))).isEqualTo(Reason.TOO_OLD);
    open(records.get(1));
  }

  @Test
  void forgedRecord_doesNotMarkTheWindow() throws Exception {
    byte[] genuine = seal("genuine");
    byte[] forged = genuine.clone();
    forged[RecordFormat.COUNTER_SIZE] ^= 1;
    assertThat(reasonOf(() -> open(forged))).isEqualTo(Reason.AUTH_FAILED);
    assertThat(open(genuine)).hasSize(7);
  }

  @Test
  void forgedRecordFarAhead_doesNotSlideTheWindow() throws Exception {
    byte[] first = seal("first");
    byte[] forged = new byte[40];
    RecordFormat.writeCounter(forged, 0, 100_000);
    assertThat(reasonOf(() -> open(forged))).isEqualTo(Reason.AUTH_FAILED);
    assertThat(open(first)).hasSize(5);
  }

  @Test
  void wrongKey_failsAuthentication() throws Exception {
    RecordOpener wrong = new RecordOpener(OTHER_KEY, 0, RecordLayer.EPOCH_SHIFT);
    byte[] record = seal("secret");
    assertThat(reasonOf(() -> wrong.open(record, 0, record.length, AAD)))
        .isEqualTo(Reason.AUTH_FAILED);
  }

  @Test
  void truncatedRecord_isMalformed() throws Exception {
    byte[] record = seal("");
    for (int len = 0; len < RecordLayer.OVERHEAD; len++) {
      int n = len;
      assertThat(reasonOf(() -> opener.open(record, 0, n, AAD))).isEqualTo(Reason.MALFORMED);
      assertThat(reasonOf(() -> opener.open(record, 0, n, AAD, new byte[0], 0)))
          .isEqualTo(Reason.MALFORMED);
    }
    assertThat(open(record)).isEmpty();
  }

  @Test
  void recordAboveMaximum_isMalformed() {
    byte[] huge = new byte[RecordFormat.MAX_RECORD_SIZE + 1];
    assertThat(reasonOf(() -> open(huge))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void truncatedTag_failsAuthentication() throws Exception {
    byte[] record = seal("some plaintext");
    assertThat(reasonOf(() -> opener.open(record, 0, record.length - 1, AAD)))
        .isEqualTo(Reason.AUTH_FAILED);
    assertThat(open(record)).hasSize(14);
  }

  @Test
  void counterAtOrBeyondLimit_isRejectedBeforeDecrypting() {
    for (long counter : new long[] {RecordLayer.REJECT_AFTER_MESSAGES, Long.MAX_VALUE, -1L,
      Long.MIN_VALUE}) {
      byte[] record = new byte[RecordLayer.OVERHEAD + 3];
      RecordFormat.writeCounter(record, 0, counter);
      assertThat(reasonOf(() -> open(record))).as("counter %x", counter).isEqualTo(Reason.LIMIT);
    }
  }

  @Test
  void lastCounterBeforeLimit_opens() throws Exception {
    long last = RecordLayer.REJECT_AFTER_MESSAGES - 1;
    RecordSealer late = new RecordSealer(KEY, last, SHORT_EPOCH);
    RecordOpener lateOpener = new RecordOpener(KEY, last >>> SHORT_EPOCH, SHORT_EPOCH);
    byte[] record = late.seal(new byte[3], 0, 3, AAD);
    assertThat(lateOpener.open(record, 0, record.length, AAD)).hasSize(3);
  }

  @Test
  void failedOpen_leavesNoPlaintextInTheOutput() throws Exception {
    byte[] record = seal("plaintext!");
    byte[] forged = flip(record, record.length * 8 - 1);
    byte[] out = new byte[10];
    Arrays.fill(out, (byte) 'Z');
    assertThat(reasonOf(() -> opener.open(forged, 0, forged.length, AAD, out, 0)))
        .isEqualTo(Reason.AUTH_FAILED);
    assertThat(new String(out, StandardCharsets.US_ASCII)).doesNotContain("plaintext");
  }

  @Test
  void outputTooSmall_isACallerBug() {
    byte[] record = new byte[RecordLayer.OVERHEAD + 10];
    assertThatThrownBy(() -> opener.open(record, 0, record.length, AAD, new byte[9], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  // --- epochs (8 records each) ---

  @Test
  void manyEpochsInOrder_allOpen() throws Exception {
    useShortEpochs();
    for (byte[] record : sealMany(100)) {
      open(record);
    }
  }

  @Test
  void recordReorderedAcrossEpochBoundary_opensWithThePreviousKey() throws Exception {
    useShortEpochs();
    List<byte[]> r = sealMany(16);
    for (int i = 0; i <= 6; i++) {
      open(r.get(i));
    }
    open(r.get(8)); // first of epoch 1
    open(r.get(9));
    open(r.get(7)); // last of epoch 0, late
    for (int i = 10; i < 16; i++) {
      open(r.get(i));
    }
  }

  @Test
  void recordTwoEpochsBack_isTooOldEvenInsideTheWindow() throws Exception {
    useShortEpochs();
    List<byte[]> r = sealMany(24);
    open(r.get(0));
    open(r.get(16)); // epoch 2: skips epoch 1 entirely
    assertThat(reasonOf(() -> open(r.get(5)))).isEqualTo(Reason.TOO_OLD);
    open(r.get(15)); // epoch 1 is the previous epoch: still open
    open(r.get(8));
  }

  @Test
  void forgedRecordFromNextEpoch_doesNotAdvanceTheKeys() throws Exception {
    useShortEpochs();
    List<byte[]> r = sealMany(24);
    open(r.get(0));
    byte[] forged = flip(r.get(17), 100); // epoch 2, tampered body
    assertThat(reasonOf(() -> open(forged))).isEqualTo(Reason.AUTH_FAILED);
    open(r.get(7)); // still epoch 0's key: nothing was adopted
    open(r.get(17));
  }

  @Test
  void skipOfUpToMaxEpochs_opens_furtherIsLimit() throws Exception {
    useShortEpochs();
    int perEpoch = 1 << SHORT_EPOCH;
    List<byte[]> r = sealMany(perEpoch * (2 * RecordOpener.MAX_EPOCH_SKIP + 2));
    open(r.get(0));
    byte[] tooFar = r.get(perEpoch * (RecordOpener.MAX_EPOCH_SKIP + 1));
    assertThat(reasonOf(() -> open(tooFar))).isEqualTo(Reason.LIMIT);
    open(r.get(perEpoch * RecordOpener.MAX_EPOCH_SKIP)); // exactly the maximum skip
    open(tooFar); // now only one epoch ahead
    open(r.get(perEpoch * (RecordOpener.MAX_EPOCH_SKIP + 1) - 1)); // previous epoch
  }

  @Test
  void previousEpochKey_isZeroedOnceTheWindowLeavesItsEpoch() throws Exception {
    int shift = 12; // 4096 records per epoch, longer than the window as in production
    sealer = new RecordSealer(KEY, 0, shift);
    opener = new RecordOpener(KEY, 0, shift);
    long firstOfEpoch1 = 1L << shift;
    byte[] late = null;
    for (long c = 0; c < firstOfEpoch1 + RecordLayer.REPLAY_WINDOW; c++) {
      byte[] record = sealer.seal(new byte[1], 0, 1, AAD);
      if (c == firstOfEpoch1 - 1) {
        late = record; // held back: arrives after the boundary
        continue;
      }
      open(record);
      if (c == firstOfEpoch1) {
        assertThat(opener.holdsPreviousKey()).isTrue();
        open(late);
      }
      boolean windowReachesEpoch0 = c - (RecordLayer.REPLAY_WINDOW - 1) < firstOfEpoch1;
      if (c >= firstOfEpoch1) {
        assertThat(opener.holdsPreviousKey()).as("after %d", c).isEqualTo(windowReachesEpoch0);
      }
    }
    assertThat(opener.holdsPreviousKey()).isFalse();
  }

  @Test
  void destroyed_openIsRefused() {
    opener.destroy();
    byte[] record = new byte[RecordLayer.OVERHEAD];
    assertThatThrownBy(() -> open(record)).isInstanceOf(IllegalStateException.class);
    assertThat(opener.toString()).contains("destroyed");
  }

  @Test
  void toString_showsNoKey() throws Exception {
    open(seal("x"));
    assertThat(opener.toString()).contains("AES-256-GCM").doesNotContain("c0ffee");
  }

  // --- properties ---

  @Property(tries = 300)
  void arbitraryBytes_giveOnlyRecordException(@ForAll @Size(max = 200) byte[] bytes,
      @ForAll @Size(max = 20) byte[] aad) {
    RecordOpener fresh = new RecordOpener(KEY, 0, SHORT_EPOCH);
    try {
      fresh.open(bytes, 0, bytes.length, aad);
      throw new AssertionError("random bytes opened");
    } catch (RecordException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  @Property(tries = 300)
  void arbitraryBytesAfterAGenuineRecord_giveOnlyRecordException(
      @ForAll @Size(min = 24, max = 200) byte[] bytes, @ForAll @IntRange(max = 70) int counter)
      throws Exception {
    // Plausible counters (current, previous and next epochs) reach the AES-GCM check.
    RecordOpener fresh = new RecordOpener(KEY, 0, SHORT_EPOCH);
    RecordSealer s = new RecordSealer(KEY, 0, SHORT_EPOCH);
    byte[] genuine = s.seal(new byte[1], 0, 1, AAD);
    fresh.open(genuine, 0, genuine.length, AAD);
    RecordFormat.writeCounter(bytes, 0, counter);
    assertThat(reasonOf(() -> fresh.open(bytes, 0, bytes.length, AAD)))
        .isIn(Reason.AUTH_FAILED, Reason.REPLAYED, Reason.LIMIT);
  }

  @Property(tries = 300)
  void sealThenOpen_roundTripsArbitraryPayloadsAndAads(@ForAll @Size(max = 2000) byte[] payload,
      @ForAll @Size(max = 64) byte[] aad) throws Exception {
    byte[] record = sealer.seal(payload, 0, payload.length, aad);
    assertThat(opener.open(record, 0, record.length, aad)).isEqualTo(payload);
  }

  // --- helpers ---

  private void useShortEpochs() {
    sealer = new RecordSealer(KEY, 0, SHORT_EPOCH);
    opener = new RecordOpener(KEY, 0, SHORT_EPOCH);
  }

  private byte[] seal(String text) throws RecordException {
    byte[] plaintext = text.getBytes(StandardCharsets.US_ASCII);
    return sealer.seal(plaintext, 0, plaintext.length, AAD);
  }

  private List<byte[]> sealMany(int n) throws RecordException {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] plaintext = ("record " + i).getBytes(StandardCharsets.US_ASCII);
      records.add(sealer.seal(plaintext, 0, plaintext.length, AAD));
    }
    return records;
  }

  private byte[] open(byte[] record) throws RecordException {
    return opener.open(record, 0, record.length, AAD);
  }

  static Reason reasonOf(ThrowingCallable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isInstanceOf(RecordException.class);
    return ((RecordException) thrown).reason();
  }

  static byte[] flip(byte[] in, int bit) {
    byte[] out = in.clone();
    out[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
    return out;
  }
}
