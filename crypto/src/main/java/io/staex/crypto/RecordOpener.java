package io.staex.crypto;

import io.staex.crypto.RecordException.Reason;
import io.staex.crypto.internal.record.InsecureNonceAesGcm;
import io.staex.crypto.internal.record.RecordFormat;
import io.staex.crypto.internal.record.ReplayWindow;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * The receive side of a {@link RecordLayer}: authenticates and decrypts records, owning the
 * replay window and the keys of the current and the previous epoch.
 *
 * <p>Per record, cheapest check first; only an authenticated record changes any state:
 * <pre>
 *   1. length              too short / too long            → MALFORMED
 *   2. counter             ≥ REJECT_AFTER_MESSAGES          → LIMIT
 *   3. replay window       seen / left of the window        → REPLAYED / TOO_OLD
 *   4. epoch key           current or previous: use it; older → TOO_OLD;
 *                          newer by ≤ MAX_EPOCH_SKIP: derive a candidate (not yet kept);
 *                          further ahead                    → LIMIT
 *   5. AES-GCM open        tag mismatch                     → AUTH_FAILED (candidates zeroed)
 *   6. commit              mark the window; adopt a newer epoch: keep its key and the one
 *                          before it, zero the rest; zero the one before once the window
 *                          has left its epoch
 * </pre>
 *
 * <h2>Security guarantees</h2>
 * A record opens at most once, only under this direction's key, only with the AAD it was sealed
 * with, and only if no bit of it changed. A forged record changes nothing: it neither moves the
 * window nor advances the keys. Keys older than the previous epoch are zeroed, so a key stolen
 * later does not open earlier epochs.
 *
 * <h2>Error contract</h2>
 * For bytes from the peer, {@code open} throws only {@link RecordException}; drop the record,
 * count the reason and carry on — the opener stays usable, and the peer is never told why.
 * {@link NullPointerException}, {@link IndexOutOfBoundsException} and
 * {@link IllegalStateException} signal caller bugs (bad arguments, use after destroy).
 *
 * <p><b>Not safe for concurrent use</b>: confine an opener to one thread.
 */
public final class RecordOpener {

  /**
   * How many epochs ahead of the current one a record may be. Its key must be derived before
   * the record can be authenticated, so an unbounded skip would let a forged counter cost
   * millions of derivations. 4 epochs = 4 × 2^20 records lost in a row.
   */
  static final int MAX_EPOCH_SKIP = 4;

  private final int epochShift;
  private final ReplayWindow window = new ReplayWindow();
  /** The newest epoch an authenticated record came from. */
  private long epoch;
  private InsecureNonceAesGcm current;
  /** The key of {@code epoch - 1} while the window reaches into that epoch, else null. */
  private InsecureNonceAesGcm previous;
  private boolean destroyed;

  /**
   * @param key the key of {@code firstEpoch}, copied
   * @param firstEpoch the epoch of the first record expected (0 in production)
   * @param epochShift log2 of the records per epoch (20 in production)
   */
  RecordOpener(byte[] key, long firstEpoch, int epochShift) {
    this.epochShift = RecordLayer.checkEpochShift(epochShift);
    if (firstEpoch < 0 || firstEpoch > (RecordLayer.REJECT_AFTER_MESSAGES >>> epochShift)) {
      throw new IllegalArgumentException("firstEpoch: " + firstEpoch);
    }
    this.current = new InsecureNonceAesGcm(key);
    this.epoch = firstEpoch;
  }

  /**
   * Opens {@code record[off..off+len)} and returns its plaintext ({@code len - OVERHEAD}
   * bytes).
   *
   * @param aad the bytes the sender authenticated with this record; may be empty
   * @throws RecordException if the record is refused; see the class's error contract
   */
  public byte[] open(byte[] record, int off, int len, byte[] aad) throws RecordException {
    Objects.checkFromIndexSize(off, len, record.length);
    byte[] plaintext = new byte[plaintextLength(len)];
    open(record, off, len, aad, plaintext, 0);
    return plaintext;
  }

  /**
   * Opens {@code record[off..off+len)} into {@code out} at {@code outOff}. The arrays may be
   * the same. If the record is refused, {@code out} holds no plaintext from it.
   *
   * @return the plaintext's length, {@code len - OVERHEAD}
   * @throws RecordException if the record is refused; see the class's error contract
   * @throws IndexOutOfBoundsException if a range lies outside its array
   */
  public int open(byte[] record, int off, int len, byte[] aad, byte[] out, int outOff)
      throws RecordException {
    Objects.checkFromIndexSize(off, len, record.length);
    Objects.requireNonNull(aad, "aad");
    int plaintextLength = plaintextLength(len);
    Objects.checkFromIndexSize(outOff, plaintextLength, out.length);
    checkLive();

    long counter = RecordFormat.readCounter(record, off);
    if (counter < 0 || counter >= RecordLayer.REJECT_AFTER_MESSAGES) {
      throw new RecordException(Reason.LIMIT);
    }
    switch (window.check(counter)) {
      case REPLAYED -> throw new RecordException(Reason.REPLAYED);
      case TOO_OLD -> throw new RecordException(Reason.TOO_OLD);
      case FRESH -> { }
      default -> throw new AssertionError();
    }
    long recordEpoch = counter >>> epochShift;
    if (recordEpoch > epoch) {
      openFromNewerEpoch(recordEpoch, counter, record, off, len, aad, out, outOff);
    } else {
      decrypt(keyOfPastOrCurrent(recordEpoch), counter, record, off, len, aad, out, outOff);
    }
    window.mark(counter);
    dropPreviousKeyOutsideWindow();
    return plaintextLength;
  }

  /**
   * The previous epoch's key is needed only while the window still reaches back into that
   * epoch; with 2^20-record epochs that is the first 2047 records of the new one. Zero it then
   * rather than at the next epoch change.
   */
  private void dropPreviousKeyOutsideWindow() {
    if (previous != null
        && window.highest() - (ReplayWindow.SIZE - 1) >= epoch << epochShift) {
      previous.destroy();
      previous = null;
    }
  }

  /** Whether the previous epoch's key is still held (for tests). */
  boolean holdsPreviousKey() {
    return previous != null;
  }

  /** Zeroes every key held; later calls to {@code open} throw {@link IllegalStateException}. */
  public void destroy() {
    destroyed = true;
    current.destroy();
    destroyIfPresent(previous);
    previous = null;
  }

  @Override
  public String toString() {
    return "RecordOpener[" + RecordLayer.SUITE + ", highest=" + window.highest() + ", epoch="
        + epoch + (destroyed ? ", destroyed" : "") + "]";
  }

  private InsecureNonceAesGcm keyOfPastOrCurrent(long recordEpoch) throws RecordException {
    if (recordEpoch == epoch) {
      return current;
    }
    if (recordEpoch == epoch - 1 && previous != null) {
      return previous;
    }
    throw new RecordException(Reason.TOO_OLD);
  }

  /**
   * Derives the keys up to {@code recordEpoch} as candidates, opens the record with the last
   * one, and only then adopts them; on failure the candidates are zeroed and nothing changes.
   */
  private void openFromNewerEpoch(long recordEpoch, long counter, byte[] record, int off,
      int len, byte[] aad, byte[] out, int outOff) throws RecordException {
    if (recordEpoch - epoch > MAX_EPOCH_SKIP) {
      throw new RecordException(Reason.LIMIT);
    }
    InsecureNonceAesGcm before = current;
    InsecureNonceAesGcm candidate = derive(current);
    for (long e = epoch + 1; e < recordEpoch; e++) {
      if (before != current) {
        before.destroy();
      }
      before = candidate;
      candidate = derive(candidate);
    }
    try {
      decrypt(candidate, counter, record, off, len, aad, out, outOff);
    } catch (RecordException e) {
      candidate.destroy();
      if (before != current) {
        before.destroy();
      }
      throw e;
    }
    destroyIfPresent(previous);
    if (before != current) {
      current.destroy();
    }
    previous = before;
    current = candidate;
    epoch = recordEpoch;
  }

  private static InsecureNonceAesGcm derive(InsecureNonceAesGcm aead) {
    byte[] next = aead.nextKey();
    try {
      return new InsecureNonceAesGcm(next);
    } finally {
      Arrays.fill(next, (byte) 0);
    }
  }

  private static void decrypt(InsecureNonceAesGcm aead, long counter, byte[] record, int off,
      int len, byte[] aad, byte[] out, int outOff) throws RecordException {
    try {
      aead.decrypt(counter, record, off + RecordFormat.COUNTER_SIZE,
          len - RecordFormat.COUNTER_SIZE, aad, out, outOff);
    } catch (AEADBadTagException e) {
      throw new RecordException(Reason.AUTH_FAILED);
    }
  }

  private static int plaintextLength(int recordLength) throws RecordException {
    if (recordLength < RecordFormat.OVERHEAD || recordLength > RecordFormat.MAX_RECORD_SIZE) {
      throw new RecordException(Reason.MALFORMED);
    }
    return recordLength - RecordFormat.OVERHEAD;
  }

  private static void destroyIfPresent(InsecureNonceAesGcm aead) {
    if (aead != null) {
      aead.destroy();
    }
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("opener destroyed");
    }
  }
}
