package io.staex.crypto.internal.record;

/**
 * The record's wire layout, written down once; every size in the record layer is derived here.
 *
 * <pre>
 *  offset 0            8                                 8 + n              8 + n + 16
 *         +------------+---------------------------------+------------------+
 *         | counter    | ciphertext                      | tag              |
 *         | u64, BE    | n bytes, n = plaintext length   | 16 bytes (GCM)   |
 *         +------------+---------------------------------+------------------+
 *         \__ sent in clear, authenticated through the nonce
 *
 *  nonce (12 bytes) = 00 00 00 00 || counter (u64, BE)      (Noise's AESGCM convention)
 *  AAD              = caller's bytes (e.g. a frame header); authenticated, not sent here
 *  key              = the direction's key for epoch (counter >>> epochShift)
 * </pre>
 *
 * <p>The counter is not covered by the AAD: it is the nonce, so changing it changes the key
 * stream and the tag, and the record fails authentication.
 */
public final class RecordFormat {

  /** Bytes of the explicit record counter. */
  public static final int COUNTER_SIZE = Long.BYTES;
  /** Bytes of the GCM authentication tag (full length, never truncated). */
  public static final int TAG_SIZE = 16;
  /** Bytes a record adds to its plaintext. */
  public static final int OVERHEAD = COUNTER_SIZE + TAG_SIZE;
  /** Zero bytes in front of the counter in the nonce. */
  public static final int NONCE_PREFIX_SIZE = 4;
  /** Bytes of the AEAD nonce. */
  public static final int NONCE_SIZE = NONCE_PREFIX_SIZE + COUNTER_SIZE;
  /** Bytes of one direction's key (AES-256). */
  public static final int KEY_SIZE = 32;
  /**
   * Largest plaintext per record (1 MiB). With {@code 2^20} records per epoch key this bounds
   * the data under one key to {@code 2^40} bytes ({@code 2^36} AES blocks), far inside GCM's
   * limits; the session layer uses 16–64 KiB records.
   */
  public static final int MAX_PLAINTEXT_SIZE = 1 << 20;
  /** Largest record. */
  public static final int MAX_RECORD_SIZE = MAX_PLAINTEXT_SIZE + OVERHEAD;

  private RecordFormat() {}

  /** Writes {@code counter} big-endian at {@code out[off..off+8)}. */
  public static void writeCounter(byte[] out, int off, long counter) {
    for (int i = COUNTER_SIZE - 1; i >= 0; i--) {
      out[off + i] = (byte) counter;
      counter >>>= 8;
    }
  }

  /** Reads the big-endian counter at {@code in[off..off+8)}; may be negative (unsigned ≥ 2^63). */
  public static long readCounter(byte[] in, int off) {
    long counter = 0;
    for (int i = 0; i < COUNTER_SIZE; i++) {
      counter = (counter << 8) | (in[off + i] & 0xFF);
    }
    return counter;
  }

  /** Fills {@code nonce} (12 bytes) with {@code 00 00 00 00 || counter}. */
  public static void writeNonce(byte[] nonce, long counter) {
    nonce[0] = 0;
    nonce[1] = 0;
    nonce[2] = 0;
    nonce[3] = 0;
    writeCounter(nonce, NONCE_PREFIX_SIZE, counter);
  }
}
