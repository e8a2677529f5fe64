package io.staex.proxy.relay;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;

/** Sends packets from this node: what the session layer needs of the relay. */
public interface PacketSender {
  /** Sends {@code payload} from this node to {@code destination}; never blocks; thread-safe. */
  void send(NodeKey destination, FrameBytes payload);
}
