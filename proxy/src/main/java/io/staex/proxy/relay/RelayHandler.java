package io.staex.proxy.relay;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.UnreachableReason;

/**
 * What a {@link Relay} tells the layer above it (the session layer): packets for this node,
 * packets of this node's that did not arrive, and when this node's own sends should pause.
 *
 * <p>Every method is called on the relay's executor, one at a time: keep each short and
 * non-blocking (hop to another executor for real work). An exception is logged and ignored.
 * {@link #sendPaused} and {@link #sendResumed} alternate, starting with {@code sendPaused}.
 */
public interface RelayHandler {
  /** A packet for this node. Called on the relay executor: keep it short (hop elsewhere). */
  void packet(NodeKey source, FrameBytes payload);

  /** A packet this node sent did not arrive (or could not leave). Relay executor. */
  void unreachable(NodeKey destination, UnreachableReason reason);

  /** This node's own sends should stop: a link they go to is congested. Relay executor. */
  default void sendPaused() {}

  /** Sending may go on. Relay executor. */
  default void sendResumed() {}
}
