package io.staex.proxy.relay;

import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.UnreachableReason;

/**
 * Told when a packet this node sent could not be delivered ({@code UNREACHABLE} notices
 * addressed to this node, or a local decision). Called on the relay's executor.
 */
@FunctionalInterface
public interface UnreachableHandler {
  void unreachable(NodeKey destination, UnreachableReason reason);
}
