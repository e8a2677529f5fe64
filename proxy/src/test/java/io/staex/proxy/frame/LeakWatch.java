package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The garbage-collection side of leak checking: listens to Netty's buffer leak detector (the
 * build runs tests with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is
 * tracked) and lets a test class assert at its end that no buffer was collected unreleased.
 * The reference counts of {@link TrackingAllocator} are the precise check; this one also sees
 * buffers that some code allocated elsewhere.
 */
public final class LeakWatch {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    new TrackingAllocator(false); // sets the paranoid level
    try {
      Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
      field.setAccessible(true);
      ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
      detector.setLeakListener((type, records) -> LEAKS.add(type + "\n" + records));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("Netty's buffer leak detector moved", e);
    }
  }

  private LeakWatch() {}

  /** Starts listening (class initialisation); call before the buffers to watch are made. */
  public static void install() {}

  /** Collects garbage, lets the detector poll its queue, and asserts it reported nothing. */
  public static void assertNoLeaks() throws InterruptedException {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
      // The detector reports collected, unreleased buffers when the next buffer is tracked.
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
      probe.release();
    }
    assertThat(LEAKS).as("buffers collected without release").isEmpty();
  }
}
