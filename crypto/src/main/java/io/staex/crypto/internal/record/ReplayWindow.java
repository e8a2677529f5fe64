package io.staex.crypto.internal.record;

/**
 * A sliding replay window over record counters: a ring bitmap as in RFC 6479 (and wireguard-go's
 * {@code replay.Filter}), split in two steps so that the cheap check runs before decryption and
 * the mark only after authentication:
 *
 * <pre>
 *   verdict = window.check(counter)      // pure, before any AES work
 *   if verdict != FRESH: drop
 *   decrypt and authenticate             // a forged record stops here ...
 *   window.mark(counter)                 // ... and so never moves the window
 * </pre>
 *
 * <p>A counter is accepted if it is new and no more than {@link #SIZE} − 1 below the highest
 * counter marked so far. The ring holds one more word than the window needs, so sliding forward
 * clears whole words without ever clearing a bit still inside the window.
 *
 * <p>Counters are non-negative (the record layer rejects those at or beyond its limit first).
 * Not safe for concurrent use.
 */
public final class ReplayWindow {

  /** Records accepted behind the highest one seen, the highest included. */
  public static final int SIZE = 2048;

  private static final int WORD_BITS = Long.SIZE;
  private static final int WORD_SHIFT = 6; // log2(WORD_BITS)
  /** The window spans at most SIZE / 64 + 1 words, each a distinct ring slot. */
  static final int WORDS = SIZE / WORD_BITS + 1;

  /** What {@link #check} says about a counter. */
  public enum Verdict {
    /** Not seen and inside (or ahead of) the window. */
    FRESH,
    /** Marked before. */
    REPLAYED,
    /** {@link #SIZE} or more behind the highest counter marked. */
    TOO_OLD
  }

  private final long[] ring = new long[WORDS];
  /** Highest counter marked; 0 with an empty ring before the first mark. */
  private long highest;

  /** Judges {@code counter} without changing the window. */
  public Verdict check(long counter) {
    if (counter > highest) {
      return Verdict.FRESH;
    }
    if (highest - counter >= SIZE) {
      return Verdict.TOO_OLD;
    }
    return (ring[slot(counter)] & bit(counter)) != 0 ? Verdict.REPLAYED : Verdict.FRESH;
  }

  /**
   * Records {@code counter} as seen, sliding the window forward if it is the new highest. Call
   * only for an authenticated record whose counter {@link #check} found {@link Verdict#FRESH}.
   */
  public void mark(long counter) {
    if (counter > highest) {
      long current = highest >>> WORD_SHIFT;
      long target = counter >>> WORD_SHIFT;
      long clear = Math.min(target - current, WORDS);
      for (long i = 1; i <= clear; i++) {
        ring[(int) ((current + i) % WORDS)] = 0;
      }
      highest = counter;
    }
    ring[slot(counter)] |= bit(counter);
  }

  /** The highest counter marked so far (0 before any). */
  public long highest() {
    return highest;
  }

  private static int slot(long counter) {
    return (int) ((counter >>> WORD_SHIFT) % WORDS);
  }

  private static long bit(long counter) {
    return 1L << (counter & (WORD_BITS - 1));
  }
}
