package io.staex.proxy.relay;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;

/**
 * Sends packets from this node into the overlay: the one call the session layer needs from a
 * {@link Relay}. Delivery is not guaranteed; a packet that is known not to arrive is reported to
 * {@link RelayHandler#unreachable}.
 */
public interface PacketSender {
  /** Sends {@code payload} from this node to {@code destination}. Never blocks; thread-safe. */
  void send(NodeKey destination, FrameBytes payload);

  /**
   * Whether the caller should hold further packets back now (the way ahead is congested). Read
   * it before producing more: the {@link RelayHandler#sendPaused} event for the same condition
   * arrives later, after a hop between threads. Any thread.
   */
  default boolean isSendPaused() {
    return false;
  }
}
