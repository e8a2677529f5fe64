package io.staex.proxy.relay;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;

/**
 * Receives packets addressed to this node (the session layer plugs in here). Called on the
 * relay's executor: keep it short and non-blocking. An exception is logged and ignored.
 */
@FunctionalInterface
public interface PacketHandler {
  void packet(NodeKey source, FrameBytes payload);
}
