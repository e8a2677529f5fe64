package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every frame fuzz test checks about a decoder, whatever the bytes: it fails only with a
 * {@link FrameDecodeException} that leaves the input alone, it holds no buffer afterwards, and it
 * allocates in proportion to the input (a length field alone must not make it allocate).
 */
final class FuzzFrames {
  /**
   * Bytes a decoder may allocate beyond {@link #PER_INPUT_BYTE} per input byte: the lists and a
   * failure's message, never a buffer sized from a length field (the smallest such claim a
   * short input can make, a ROUTING chunk or DATA length near the 16-bit maximum, is four times
   * this).
   */
  static final long FIXED_ALLOWANCE = 16 * 1024;
  /**
   * Per input byte: copies of the input (a few), and per frame (a frame can be one byte, a
   * KEEPALIVE) its reader, the name in its error messages and its slot in the lists. A
   * 256-byte record of KEEPALIVEs costs about 160 bytes per byte.
   */
  static final long PER_INPUT_BYTE = 256;

  private FuzzFrames() {}

  /**
   * The result of {@code decoder} on {@code bytes} (null for a {@link FrameDecodeException}),
   * after checking its failure contract and what it allocated.
   */
  static Object decode(Decoding.Decoder decoder, byte[] bytes) {
    TrackingAllocator alloc = new TrackingAllocator(bytes.length % 2 == 1);
    ByteBuf in = alloc.wrap(bytes);
    Object result;
    try {
      result = decoder.decode(in);
      assertThat(in.isReadable()).as("bytes left after a successful decode").isFalse();
    } catch (FrameDecodeException e) {
      assertThat(in.readerIndex()).as("reader index after a failure").isZero();
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.reason()).isNotNull();
      result = null;
    } finally {
      in.release();
      alloc.assertAllReleased();
    }
    assertBoundedAllocation(decoder, bytes);
    return result;
  }

  /** Decoding {@code bytes} again allocates no more than the bound in the class comment. */
  static void assertBoundedAllocation(Decoding.Decoder decoder, byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    long allocated = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) { // the least of three: a first call may load classes
      in.readerIndex(0);
      allocated = Math.min(allocated, Decoding.allocatedBy(decoder, in));
    }
    assertThat(allocated).as("bytes allocated decoding %d bytes", bytes.length)
        .isLessThanOrEqualTo(FIXED_ALLOWANCE + PER_INPUT_BYTE * bytes.length);
  }

  /** The readable bytes of {@code buf}, which is then released. */
  static byte[] drain(ByteBuf buf) {
    try {
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  /** A node key of 32 {@code fill} bytes. */
  static NodeKey key(int fill) {
    byte[] k = new byte[NodeKey.SIZE];
    Arrays.fill(k, (byte) fill);
    return NodeKey.copyOf(k);
  }

  /** A route of {@code n} hops that ends at {@code last}. */
  static List<NodeKey> route(int n, NodeKey last) {
    List<NodeKey> route = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      route.add(key(100 + i));
    }
    if (n > 0) {
      route.add(last);
    }
    return route;
  }

  /** {@code n} bytes counting up from {@code first}. */
  static FrameBytes counting(int n, int first) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (first + i);
    }
    return FrameBytes.copyOf(b);
  }
}
