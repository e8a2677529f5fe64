package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.util.function.Consumer;
import java.util.function.Function;

/** Helpers for asserting how decoders fail, what they leave behind, and what they allocate. */
final class Decoding {
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Decoding() {}

  /** A decoder call that may throw {@link FrameDecodeException}. */
  interface Decoder {
    Object decode(ByteBuf in) throws FrameDecodeException;
  }

  /** The bytes of an encoding made with {@code write}, from a throwaway tracked buffer. */
  static byte[] bytesOf(Consumer<ByteBuf> write) {
    TrackingAllocator alloc = new TrackingAllocator(false);
    ByteBuf buf = alloc.buffer();
    try {
      write.accept(buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
      alloc.assertAllReleased();
    }
  }

  /**
   * Runs {@code decoder} on {@code bytes} and returns its {@link FrameDecodeException}, after
   * checking that it threw nothing else, left the reader index alone, and retained nothing.
   */
  static FrameDecodeException failure(Decoder decoder, byte[] bytes) {
    TrackingAllocator alloc = new TrackingAllocator(bytes.length % 2 == 1);
    ByteBuf in = alloc.wrap(bytes);
    try {
      Throwable thrown = catchThrowable(() -> decoder.decode(in));
      assertThat(thrown).as("decoding %d bytes", bytes.length)
          .isInstanceOf(FrameDecodeException.class);
      assertThat(in.readerIndex()).as("reader index after a failure").isZero();
      assertThat(in.refCnt()).as("reference count after a failure").isEqualTo(1);
      return (FrameDecodeException) thrown;
    } finally {
      in.release();
      alloc.assertAllReleased();
    }
  }

  /**
   * Runs {@code decoder} on {@code bytes}, which may fail only with {@link
   * FrameDecodeException}; a result that holds buffers is released by {@code release}. Checks
   * that no buffer outlives the call.
   */
  static void onlyOurException(Decoder decoder, byte[] bytes, Function<Object, Object> release) {
    TrackingAllocator alloc = new TrackingAllocator(bytes.length % 2 == 0);
    ByteBuf in = alloc.wrap(bytes);
    try {
      Object result = decoder.decode(in);
      var unused = release.apply(result);
    } catch (FrameDecodeException e) {
      assertThat(in.readerIndex()).isZero();
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.getStackTrace()).isEmpty();
    } finally {
      in.release();
      alloc.assertAllReleased();
    }
  }

  /** Bytes this thread allocated while running {@code decoder} on {@code in} (any outcome). */
  static long allocatedBy(Decoder decoder, ByteBuf in) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      decoder.decode(in);
    } catch (FrameDecodeException expected) {
      // the allocation is what is measured
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }
}
