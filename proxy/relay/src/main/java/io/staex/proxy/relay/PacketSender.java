package io.staex.proxy.relay;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;

/**
 * Sends packets from this node into the overlay: the one call the session layer needs from a
 * {@link Relay}. Delivery is not guaranteed; a packet that is known not to arrive is reported to
 * {@link RelayHandler#unreachable}.
 */
public interface PacketSender {
  /**
   * Sends {@code payload} from this node to {@code destination}. Never blocks. Called on the
   * relay's loop (the session layer's), it is handled before it returns: a congested link
   * closes the send gate ({@link RelayHandler#sendPaused}) inside this call.
   */
  void send(NodeKey destination, FrameBytes payload);
}
