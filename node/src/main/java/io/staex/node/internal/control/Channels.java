package io.staex.node.internal.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/** Reading a Unix socket channel with a deadline, which blocking channels do not offer. */
final class Channels {
  private Channels() {}

  /** What {@link #read} got. */
  @SuppressWarnings("ArrayRecordComponent") // a result read once by its caller, never compared
  record Read(byte[] bytes, boolean sawEnd, boolean overflow) {}

  /**
   * Reads until end of stream, until {@code stopAt} is seen (when not negative), or until more
   * than {@code max} bytes came ({@code overflow}); leaves {@code channel} non-blocking.
   *
   * @throws SocketTimeoutException if {@code timeoutMillis} passed first
   */
  static Read read(SocketChannel channel, int max, int stopAt, long timeoutMillis)
      throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(Math.min(max + 1, 8192));
    channel.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      while (true) {
        buf.clear();
        int n = channel.read(buf);
        if (n < 0) {
          return new Read(out.toByteArray(), true, false);
        }
        for (int i = 0; i < n; i++) {
          byte b = buf.get(i);
          if (stopAt >= 0 && b == stopAt) {
            return new Read(out.toByteArray(), false, false);
          }
          out.write(b);
          if (out.size() > max) {
            return new Read(out.toByteArray(), false, true);
          }
        }
        if (n == 0) {
          long left = (deadline - System.nanoTime()) / 1_000_000L;
          if (left <= 0) {
            throw new SocketTimeoutException("no answer within " + timeoutMillis + " ms");
          }
          selector.select(left);
          selector.selectedKeys().clear();
        }
      }
    }
  }

  /** Writes all of {@code bytes}, blocking. */
  static void writeAll(SocketChannel channel, byte[] bytes) throws IOException {
    channel.configureBlocking(true);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }
}
