package io.staex.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The garbage-collection side of leak checking, for any module's tests: listens to Netty's
 * buffer leak detector (set to paranoid here, as the build also does with {@code
 * -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked) and lets a test class
 * assert at its end that no buffer was collected unreleased.
 */
public final class LeakWatch {
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
      throw new LinkageError("Netty's buffer leak detector moved", e);
    }
  }

  private LeakWatch() {}

  /** Starts listening (class initialisation); call before the buffers to watch are made. */
  public static void install() {}

  /** Collects garbage, lets the detector poll its queue, and fails if it reported a leak. */
  public static void assertNoLeaks() throws InterruptedException {
    if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
      throw new AssertionError("leak detection is " + ResourceLeakDetector.getLevel()
          + " (expected: PARANOID)");
    }
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
      // The detector reports collected, unreleased buffers when the next buffer is tracked.
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
      probe.release();
    }
    if (!LEAKS.isEmpty()) {
      throw new AssertionError("buffers collected without release:\n" + String.join("\n", LEAKS));
    }
  }
}
