package io.staex.proxy.link;

import io.staex.proxy.frame.LinkFrame;

/**
 * What the link layer reports to the layer above. Calls for one link come on that link's event
 * loop, in order: {@code linkUp}, then {@code frame}s, then {@code linkDown} once. Keep them
 * short and non-blocking. An exception thrown from a call is logged and otherwise ignored.
 *
 * <p>Ownership: {@link LinkFrame}s are immutable values ({@link io.staex.proxy.frame.FrameBytes}
 * copies); the listener may keep them, there is nothing to release. KEEPALIVE frames are
 * consumed by the link and never reported.
 */
public interface LinkListener {
  /** A handshake completed; the link can send. */
  void linkUp(Link link);

  /** A frame arrived on {@code link}. */
  void frame(Link link, LinkFrame frame);

  /** The link is down, for {@code reason} (e.g. "keepalive timeout", "closed by peer"). */
  void linkDown(Link link, String reason);

  /** {@link Link#isWritable()} changed; by default nothing. */
  default void writabilityChanged(Link link) {}
}
