package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out (from Netty's pooled allocator, so
 * paranoid leak detection wraps them too), so that a test can assert that each one was
 * released on every path: {@link #assertAllReleased()}. A retained slice shares its parent's
 * count, so a slice nobody released shows up as its parent still alive.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
  static {
    // The parent pom asks surefire for -Dio.netty.leakDetection.level=paranoid through
    // systemPropertyValues, which surefire 3.5 no longer applies; the level is read at every
    // allocation, so setting it before the first buffer is as good.
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  private final List<ByteBuf> handedOut = new ArrayList<>();

  TrackingAllocator(boolean preferDirect) {
    super(preferDirect);
  }

  /** Heap for even {@code seed}s, direct for odd ones: properties cover both. */
  static TrackingAllocator eitherKind(long seed) {
    return new TrackingAllocator((seed & 1) != 0);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(PooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return track(PooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity));
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return track(super.compositeHeapBuffer(maxNumComponents));
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return track(super.compositeDirectBuffer(maxNumComponents));
  }

  @Override
  public boolean isDirectBufferPooled() {
    return true;
  }

  /** A buffer holding {@code bytes}, owned by the caller. */
  ByteBuf wrap(byte[] bytes) {
    return buffer(bytes.length).writeBytes(bytes);
  }

  /** How many buffers were handed out so far. */
  int allocations() {
    return handedOut.size();
  }

  /** Every buffer handed out has a reference count of 0. */
  void assertAllReleased() {
    for (int i = 0; i < handedOut.size(); i++) {
      assertThat(handedOut.get(i).refCnt())
          .as("reference count of buffer %d of %d (%s)", i, handedOut.size(), handedOut.get(i))
          .isZero();
    }
  }

  private <B extends ByteBuf> B track(B buf) {
    handedOut.add(buf);
    return buf;
  }
}
