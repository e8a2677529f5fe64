package io.staex.proxy.stream;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.ResetReason;

/**
 * The application side of one stream (a local socket, in practice). Called on the stream
 * layer's event loop, in order. After {@link #reset} nothing more is called.
 */
public interface StreamHandler {
  /** An opened stream was accepted by the peer: {@link Stream#write} may start. */
  void connected(Stream stream);

  /**
   * Bytes from the peer, in order. Call {@link Stream#consumed} once they left this node (were
   * written to the socket): that is what gives the peer more credit.
   */
  void data(Stream stream, FrameBytes data);

  /**
   * A datagram from the peer on {@code channel} ({@link Stream#sendDatagram}): not counted
   * against credit, nothing to {@link Stream#consumed consume}. Datagrams may be lost (dropped
   * at a full queue on the way) but never reordered among themselves, and have no order
   * relative to {@link #data} and {@link #fin}. Until {@link #reset} or the stream's clean end.
   * The default drops it.
   */
  default void datagram(Stream stream, int channel, FrameBytes data) {}

  /** The peer will send nothing more (its half-close); already delivered data came first. */
  void fin(Stream stream);

  /** {@link Stream#wantsInput()} became true again: resume reading the socket. */
  void writable(Stream stream);

  /** The stream ended abnormally: peer reset, session lost, timeout, limit. */
  void reset(Stream stream, ResetReason reason);
}
