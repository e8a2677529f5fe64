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

  /**
   * A packet for this node that arrived with {@code ttl} (what the source set, {@link
   * io.staex.proxy.frame.FrameLimits#DEFAULT_TTL}, less one per relay on the way): what the
   * relay calls. The default drops the TTL; the session layer uses it to count a ping's hops.
   */
  default void packet(NodeKey source, FrameBytes payload, int ttl) {
    packet(source, payload);
  }

  /**
   * A packet this node sent could not leave this node (no route, its link down, a full link
   * queue): this node's own relay saw it fail, so this is true. Relay loop.
   */
  void unreachable(NodeKey destination, UnreachableReason reason);

  /**
   * An UNREACHABLE notice from the network says a packet this node sent to {@code destination}
   * did not arrive. <b>Unauthenticated</b>: any node with a link can send one. {@code quote} is
   * what the notice quotes of the failed packet's payload (0~{@link
   * io.staex.proxy.frame.FrameLimits#MAX_UNREACHABLE_QUOTE} bytes): act only if it matches a
   * packet this node really sent. The default hands it to {@link #unreachable}, which suits
   * only handlers that keep no state the network could destroy (tests' recorders); the session
   * layer overrides it. Relay loop.
   */
  default void unreachableNotice(NodeKey destination, UnreachableReason reason, FrameBytes quote) {
    unreachable(destination, reason);
  }

  /** This node's own sends should stop: a link they go to is congested. Relay loop. */
  default void sendPaused() {}

  /** Sending may go on. Relay loop. */
  default void sendResumed() {}
}
