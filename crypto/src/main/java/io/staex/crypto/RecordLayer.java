package io.staex.crypto;

import io.staex.crypto.internal.record.RecordFormat;
import io.staex.crypto.internal.record.ReplayWindow;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The record layer of one session: a {@link RecordSealer} for the keys' send direction and a
 * {@link RecordOpener} for the receive direction, made from the two 32-byte keys of a Noise
 * handshake's split.
 *
 * <p>One fixed suite, {@link #SUITE}, without negotiation. The record format, the epoch rekey
 * and the replay window are described in {@code docs/record-layer.md}; the byte layout is in
 * {@code internal.record.RecordFormat}.
 *
 * <h2>Security guarantees</h2>
 * Confidentiality and integrity of each record's plaintext, integrity of its AAD, at-most-once
 * delivery within a {@link #REPLAY_WINDOW}-record reordering window, and forward secrecy across
 * epochs of {@link #EPOCH_RECORDS} records. Not hidden: record lengths and counters (the
 * counter is sent in clear), hence the number of records sent.
 *
 * <p>The split keys must be used by this record layer only: any other use of them with
 * AES-GCM (for example Noise's own transport messages) would reuse nonces.
 *
 * <p>The sealer and the opener are each not safe for concurrent use; each may be confined to a
 * different thread.
 */
public final class RecordLayer {

  /** The one suite: AES-256-GCM (JDK), counter nonces, Noise REKEY every 2^20 records. */
  public static final String SUITE = "AES-256-GCM";
  /** Bytes of each direction's key. */
  public static final int KEY_SIZE = RecordFormat.KEY_SIZE;
  /** Bytes a record adds to its plaintext: counter (8) and tag (16). */
  public static final int OVERHEAD = RecordFormat.OVERHEAD;
  /**
   * Bytes of the record's counter, its first field: a record opened in place ({@code out ==
   * record}, {@code outOff = off + COUNTER_SIZE}) leaves its plaintext where its ciphertext was.
   */
  public static final int COUNTER_SIZE = RecordFormat.COUNTER_SIZE;
  /** Largest plaintext per record. */
  public static final int MAX_PLAINTEXT_SIZE = RecordFormat.MAX_PLAINTEXT_SIZE;
  /** Records accepted behind the newest one (out-of-order delivery tolerated). */
  public static final int REPLAY_WINDOW = ReplayWindow.SIZE;
  /** Records per key epoch; epoch = counter / EPOCH_RECORDS. */
  public static final long EPOCH_RECORDS = 1L << 20;
  /** The sealer refuses, and the opener rejects, counters from here on. */
  public static final long REJECT_AFTER_MESSAGES = 1L << 60;
  /** {@link RecordSealer#needsRehandshake()} turns true here. */
  public static final long REHANDSHAKE_AFTER_MESSAGES = 1L << 59;

  static final int EPOCH_SHIFT = Long.numberOfTrailingZeros(EPOCH_RECORDS);

  private final RecordSealer sealer;
  private final RecordOpener opener;

  private RecordLayer(RecordSealer sealer, RecordOpener opener) {
    this.sealer = sealer;
    this.opener = opener;
  }

  /**
   * Makes a record layer from a handshake's split. The initiator passes {@code (k1, k2)}, the
   * responder {@code (k2, k1)}.
   *
   * <p>The keys are copied: zero your arrays after this call.
   *
   * @throws IllegalArgumentException if a key is not {@link #KEY_SIZE} bytes, or if both keys
   *     are equal (a reflected record would then open)
   */
  public static RecordLayer of(byte[] sendKey, byte[] receiveKey) {
    return of(sendKey, receiveKey, EPOCH_SHIFT);
  }

  /** As {@link #of(byte[], byte[])}, with {@code 2^epochShift} records per epoch (for tests). */
  static RecordLayer of(byte[] sendKey, byte[] receiveKey, int epochShift) {
    Objects.requireNonNull(sendKey, "sendKey");
    Objects.requireNonNull(receiveKey, "receiveKey");
    if (MessageDigest.isEqual(sendKey, receiveKey)) {
      throw new IllegalArgumentException(
          "sendKey equals receiveKey (expected: the two distinct keys of a split)");
    }
    return new RecordLayer(new RecordSealer(sendKey, 0, epochShift),
        new RecordOpener(receiveKey, 0, epochShift));
  }

  public RecordSealer sealer() {
    return sealer;
  }

  public RecordOpener opener() {
    return opener;
  }

  /** Zeroes both directions' keys. */
  public void destroy() {
    sealer.destroy();
    opener.destroy();
  }

  @Override
  public String toString() {
    return "RecordLayer[" + sealer + ", " + opener + "]";
  }

  static int checkEpochShift(int epochShift) {
    if (epochShift < 1 || epochShift > EPOCH_SHIFT) {
      throw new IllegalArgumentException(
          "epochShift: " + epochShift + " (expected: 1~" + EPOCH_SHIFT + ")");
    }
    return epochShift;
  }
}
