package io.staex.crypto;

import io.staex.crypto.internal.record.InsecureNonceAesGcm;
import io.staex.crypto.internal.record.RecordFormat;
import java.util.Arrays;
import java.util.Objects;

/**
 * The send side of a {@link RecordLayer}: turns plaintexts into records, owning the counter
 * that is each record's nonce, and the epoch key it advances every
 * {@link RecordLayer#EPOCH_RECORDS} records.
 *
 * <h2>Security guarantees</h2>
 * Each record is AES-256-GCM under a counter that is never used twice with one key: the counter
 * is taken (and advanced) before encryption, and sealing stops with
 * {@link RecordException.Reason#LIMIT} at {@link RecordLayer#REJECT_AFTER_MESSAGES}. The caller's
 * AAD is authenticated, not sent. Keys of past epochs are zeroed when the epoch ends, so a key
 * stolen later does not open earlier epochs (forward secrecy within the session).
 * Records are not padded: their length shows the plaintext's length.
 *
 * <p><b>Not safe for concurrent use</b>: confine a sealer to one thread (a Netty event loop).
 * The sealer and the opener of one {@link RecordLayer} are independent and may live on
 * different threads.
 */
public final class RecordSealer {

  private final int epochShift;
  /** The next counter to use; advanced before the record is encrypted. */
  private long counter;
  /** {@code counter >>> epochShift} of the last record sealed (or of the first counter). */
  private long epoch;
  private InsecureNonceAesGcm aead;
  private boolean destroyed;

  /**
   * @param key the key of epoch {@code firstCounter >>> epochShift}, copied
   * @param firstCounter the first counter to use (0 in production)
   * @param epochShift log2 of the records per epoch (20 in production)
   */
  RecordSealer(byte[] key, long firstCounter, int epochShift) {
    if (firstCounter < 0) {
      throw new IllegalArgumentException("firstCounter: " + firstCounter + " (expected: >= 0)");
    }
    this.epochShift = RecordLayer.checkEpochShift(epochShift);
    this.aead = new InsecureNonceAesGcm(key);
    this.counter = firstCounter;
    this.epoch = firstCounter >>> epochShift;
  }

  /**
   * Seals {@code plaintext[off..off+len)} into a new record of {@code len + OVERHEAD} bytes.
   *
   * @param aad bytes to authenticate but not send (e.g. the frame header); may be empty
   * @throws RecordException with {@link RecordException.Reason#LIMIT} once the counter reached
   *     {@link RecordLayer#REJECT_AFTER_MESSAGES}: redo the handshake
   * @throws IllegalArgumentException if {@code len} exceeds {@link RecordLayer#MAX_PLAINTEXT_SIZE}
   * @throws IllegalStateException after {@link #destroy()}
   */
  public byte[] seal(byte[] plaintext, int off, int len, byte[] aad) throws RecordException {
    Objects.checkFromIndexSize(off, len, plaintext.length);
    byte[] record = new byte[checkPlaintextLength(len) + RecordFormat.OVERHEAD];
    seal(plaintext, off, len, aad, record, 0);
    return record;
  }

  /**
   * Seals {@code in[off..off+len)} into {@code out} at {@code outOff}, writing
   * {@code len + OVERHEAD} bytes. {@code in} and {@code out} may be the same array; the usual
   * in-place layout puts the plaintext at {@code outOff + COUNTER_SIZE}.
   *
   * @return the record's length, {@code len + OVERHEAD}
   * @throws RecordException as {@link #seal(byte[], int, int, byte[])}
   * @throws IndexOutOfBoundsException if a range lies outside its array
   */
  public int seal(byte[] in, int off, int len, byte[] aad, byte[] out, int outOff)
      throws RecordException {
    Objects.checkFromIndexSize(off, len, in.length);
    Objects.requireNonNull(aad, "aad");
    int recordLength = checkPlaintextLength(len) + RecordFormat.OVERHEAD;
    Objects.checkFromIndexSize(outOff, recordLength, out.length);
    checkLive();
    if (counter >= RecordLayer.REJECT_AFTER_MESSAGES) {
      throw new RecordException(RecordException.Reason.LIMIT);
    }
    long c = counter++;
    advanceTo(c >>> epochShift);
    // Encrypt first, then write the counter: correct for every overlap of in and out.
    aead.encrypt(c, in, off, len, aad, out, outOff + RecordFormat.COUNTER_SIZE);
    RecordFormat.writeCounter(out, outOff, c);
    return recordLength;
  }

  /**
   * True once {@link RecordLayer#REHANDSHAKE_AFTER_MESSAGES} records were sealed: the session
   * should run a new handshake long before {@link #seal} starts refusing.
   */
  public boolean needsRehandshake() {
    return counter >= RecordLayer.REHANDSHAKE_AFTER_MESSAGES;
  }

  /** Zeroes the key; later calls to {@code seal} throw {@link IllegalStateException}. */
  public void destroy() {
    destroyed = true;
    aead.destroy();
  }

  @Override
  public String toString() {
    return "RecordSealer[" + RecordLayer.SUITE + ", next=" + counter + ", epoch=" + epoch
        + (destroyed ? ", destroyed" : "") + "]";
  }

  /** Moves the key forward to {@code target}, zeroing every key it leaves behind. */
  private void advanceTo(long target) {
    while (epoch < target) {
      byte[] next = aead.nextKey();
      aead.destroy();
      aead = new InsecureNonceAesGcm(next);
      Arrays.fill(next, (byte) 0);
      epoch++;
    }
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("sealer destroyed");
    }
  }

  private static int checkPlaintextLength(int len) {
    if (len > RecordFormat.MAX_PLAINTEXT_SIZE) {
      throw new IllegalArgumentException("plaintext: " + len + " bytes (expected: <= "
          + RecordFormat.MAX_PLAINTEXT_SIZE + ")");
    }
    return len;
  }
}
