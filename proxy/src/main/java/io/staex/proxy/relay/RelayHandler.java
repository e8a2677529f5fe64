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

  /**
   * A packet this node sent could not leave this node (no route, its link down, a full link
   * queue): this node's own relay saw it fail, so this is true. Relay executor.
   */
  void unreachable(NodeKey destination, UnreachableReason reason);

  /**
   * An UNREACHABLE notice from the network says a packet this node sent to {@code destination}
   * did not arrive. <b>Unauthenticated</b>: any node with a link can send one. {@code quote} is
   * what the notice quotes of the failed packet's payload (0~{@link
   * io.staex.proxy.frame.FrameLimits#MAX_UNREACHABLE_QUOTE} bytes): act only if it matches a
   * packet this node really sent. The default hands it to {@link #unreachable}, which suits
   * only handlers that keep no state the network could destroy (tests' recorders); the session
   * layer overrides it. Relay executor.
   */
  default void unreachableNotice(NodeKey destination, UnreachableReason reason, FrameBytes quote) {
    unreachable(destination, reason);
  }

  /** This node's own sends should stop: a link they go to is congested. Relay executor. */
  default void sendPaused() {}

  /** Sending may go on. Relay executor. */
  default void sendResumed() {}
}
