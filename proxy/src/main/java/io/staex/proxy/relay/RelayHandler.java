package io.staex.proxy.relay;

import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.UnreachableReason;

/**
 * What a {@link Relay} tells the layer above it (the session layer): packets for this node,
 * packets of this node's that did not arrive, and when this node's own sends should pause.
 *
 * <p>Every method is called on the relay's loop, which the session layer shares, synchronously:
 * {@link #sendPaused} comes inside the {@link PacketSender#send} that closed the gate, so the
 * caller knows before it produces more; a handler may send from inside any call. Keep each
 * short and non-blocking. An exception is logged and ignored. {@link #sendPaused} and {@link
 * #sendResumed} alternate, starting with {@code sendPaused}.
 */
public interface RelayHandler {
  /** A packet for this node. On the relay loop: keep it short. */
  void packet(NodeKey source, FrameBytes payload);

  /** A packet this node sent did not arrive (or could not leave). Relay loop. */
  void unreachable(NodeKey destination, UnreachableReason reason);

  /** This node's own sends should stop: a link they go to is congested. Relay loop. */
  default void sendPaused() {}

  /** Sending may go on. Relay loop. */
  default void sendResumed() {}
}
