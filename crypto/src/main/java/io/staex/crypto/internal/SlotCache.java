package io.staex.crypto.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A direct-mapped cache keyed by bytes: one entry per slot, a new entry replacing whatever held
 * its slot, so it holds at most {@link #size()} entries and a flood of new keys only evicts.
 * Entries must be immutable (a racing read sees a whole one or none), and a caller compares the
 * key of what {@link #get} returns in full: a slot shared by two keys is a miss, never a wrong
 * answer. What the crypto layer keeps of the peers it met lately (addresses, decoded
 * certificates, static-static Diffie-Hellman results) sits in these.
 */
public final class SlotCache<T> {
  private final AtomicReferenceArray<T> slots;
  private final int shift;

  /** A cache of {@code size} slots, a power of two of at least 2. */
  public SlotCache(int size) {
    if (size < 2 || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size: " + size + " (expected: a power of two >= 2)");
    }
    this.slots = new AtomicReferenceArray<>(size);
    this.shift = Integer.SIZE - Integer.numberOfTrailingZeros(size);
  }

  /**
   * The slot of {@code key}: the high bits of its hash, mixed (Fibonacci hashing). The low bits
   * of {@link Arrays#hashCode(byte[])} alone put two certificates of one network, differing only
   * in their serial, into the same one of 256 slots.
   */
  public int slot(byte[] key) {
    return (Arrays.hashCode(key) * 0x9E3779B9) >>> shift;
  }

  /** What {@code key}'s slot holds (perhaps for another key), or null. */
  public T get(byte[] key) {
    return slots.get(slot(key));
  }

  /** Puts {@code value} into {@code key}'s slot, replacing what was there. */
  public void put(byte[] key, T value) {
    slots.set(slot(key), value);
  }

  public int size() {
    return slots.length();
  }
}
