package io.staex.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotCacheTest {
  @Test
  void aKeyInTheSameSlotEvicts_theCacheNeverHoldsMoreThanItsSlots() {
    SlotCache<String> cache = new SlotCache<>(4);
    Map<Integer, byte[]> bySlot = new HashMap<>();
    byte[] first = null;
    byte[] second = null;
    for (int i = 0; second == null; i++) {
      byte[] key = {(byte) i, (byte) (i >> 8)};
      byte[] before = bySlot.putIfAbsent(cache.slot(key), key);
      if (before != null) {
        first = before;
        second = key;
      }
    }
    cache.put(first, "first");
    assertThat(cache.get(first)).isEqualTo("first");
    cache.put(second, "second");
    assertThat(cache.get(first)).as("what the slot holds now: the caller compares keys")
        .isEqualTo("second");
  }

  @Test
  void keysSpreadOverEverySlot_andOnlyThose() {
    SlotCache<String> cache = new SlotCache<>(4);
    java.util.Set<Integer> used = new java.util.TreeSet<>();
    for (int i = 0; i < 1000; i++) {
      used.add(cache.slot(new byte[] {(byte) i, (byte) (i >> 8), 7}));
    }
    assertThat(used).containsExactly(0, 1, 2, 3);
  }

  @Test
  void sizeIsAPowerOfTwoOfAtLeastTwo() {
    assertThat(new SlotCache<String>(2).size()).isEqualTo(2);
    assertThatThrownBy(() -> new SlotCache<String>(1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> new SlotCache<String>(96)).isInstanceOf(IllegalArgumentException.class);
  }
}
