package io.staex.proxy.frame;

import io.staex.proxy.frame.FrameDecodeException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts routing messages into {@link LinkFrame.Routing} chunks and joins them again, one message
 * at a time per link (a link is one TCP connection, so chunks arrive in order).
 *
 * <p>The assembler holds at most {@link FrameLimits#MAX_ROUTING_MESSAGE} bytes: a peer that
 * sends more chunks than one message may have gets a {@link FrameDecodeException} and the
 * partial message is dropped. Pure, no I/O; <b>not safe for concurrent use</b> (one per link,
 * on the link's event loop).
 */
public final class RoutingAssembler {
  private byte[] buffer = new byte[0];
  private int size;

  /**
   * {@code message} as ROUTING frames of at most {@link FrameLimits#MAX_ROUTING_CHUNK} bytes,
   * every one but the last with {@code more} set.
   *
   * @throws IllegalArgumentException if {@code message} is empty or longer than {@link
   *     FrameLimits#MAX_ROUTING_MESSAGE}
   */
  public static List<LinkFrame.Routing> split(byte[] message) {
    if (message.length == 0 || message.length > FrameLimits.MAX_ROUTING_MESSAGE) {
      throw new IllegalArgumentException("routing message: " + message.length
          + " bytes (expected: 1~" + FrameLimits.MAX_ROUTING_MESSAGE + ")");
    }
    List<LinkFrame.Routing> chunks = new ArrayList<>();
    for (int off = 0; off < message.length; off += FrameLimits.MAX_ROUTING_CHUNK) {
      int len = Math.min(FrameLimits.MAX_ROUTING_CHUNK, message.length - off);
      chunks.add(new LinkFrame.Routing(
          off + len < message.length, FrameBytes.copyOf(message, off, len)));
    }
    return List.copyOf(chunks);
  }

  /**
   * Adds the next chunk of the link's routing stream.
   *
   * @return the whole message once its last chunk arrived, else null
   * @throws FrameDecodeException LIMIT if the message would exceed {@link
   *     FrameLimits#MAX_ROUTING_MESSAGE}; the partial message is dropped and the assembler is
   *     ready for the next one (the link should be closed: the peer broke the protocol)
   */
  public byte[] add(LinkFrame.Routing chunk) throws FrameDecodeException {
    int n = chunk.chunk().size();
    if (n > FrameLimits.MAX_ROUTING_MESSAGE - size) {
      int had = size;
      reset();
      throw new FrameDecodeException(Reason.LIMIT, "routing message: " + ((long) had + n)
          + " bytes or more (expected: at most " + FrameLimits.MAX_ROUTING_MESSAGE + ")");
    }
    if (!chunk.more() && size == 0) {
      return chunk.chunk().toByteArray();
    }
    if (buffer.length < size + n) {
      buffer = Arrays.copyOf(buffer, Math.max(size + n, Math.min(
          FrameLimits.MAX_ROUTING_MESSAGE, 2 * buffer.length)));
    }
    chunk.chunk().copyTo(buffer, size);
    size += n;
    if (chunk.more()) {
      return null;
    }
    byte[] message = Arrays.copyOf(buffer, size);
    reset();
    return message;
  }

  /** Bytes of the message being assembled. */
  public int pending() {
    return size;
  }

  /** Drops a partial message (e.g. when the link goes down). */
  public void reset() {
    buffer = new byte[0];
    size = 0;
  }
}
