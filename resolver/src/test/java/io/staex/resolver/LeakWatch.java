package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listens to Netty's buffer leak detector (the build runs tests with paranoid leak detection)
 * so that a test class can assert at its end that no buffer was collected unreleased; the same
 * check as {@code proxy}'s, without its tracking allocator.
 */
final class LeakWatch {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try {
      Field field =
          Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
      field.setAccessible(true);
      ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
      detector.setLeakListener((type, records) -> LEAKS.add(type + "\n" + records));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("Netty's buffer leak detector moved", e);
    }
  }

  private LeakWatch() {}

  /** Starts listening (class initialisation); call before the buffers to watch are made. */
  static void install() {}

  /** Collects garbage, lets the detector poll its queue, and asserts it reported nothing. */
  static void assertNoLeaks() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
      probe.release();
    }
    assertThat(LEAKS).as("buffers collected without release").isEmpty();
  }
}
