package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import net.jqwik.api.Example;

/** The leak checks themselves: a leak they cannot see would make every codec test vacuous. */
class TrackingAllocatorTest {

  @Example
  void anUnreleasedRetainedSlice_isReported() {
    TrackingAllocator alloc = new TrackingAllocator(true);
    ByteBuf buf = alloc.buffer(8).writeLong(1);
    ByteBuf slice = buf.retainedSlice(0, 4);
    buf.release();
    assertThatThrownBy(alloc::assertAllReleased).isInstanceOf(AssertionError.class)
        .hasMessageContaining("reference count of buffer 0 of 1");
    slice.release();
    alloc.assertAllReleased();
  }

  @Example
  void compositeBuffers_areTracked() {
    TrackingAllocator alloc = new TrackingAllocator(false);
    ByteBuf composite = alloc.compositeBuffer(2).addComponent(true, alloc.buffer(1).writeByte(1));
    assertThat(alloc.allocations()).isEqualTo(2);
    assertThatThrownBy(alloc::assertAllReleased).isInstanceOf(AssertionError.class);
    composite.release();
    alloc.assertAllReleased();
  }

  @Example
  void leakDetection_isParanoid() {
    new TrackingAllocator(false);
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }
}
