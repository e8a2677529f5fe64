package io.staex.proxy.link;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.proxy.frame.LinkFrame;
import java.net.SocketAddress;
import java.util.List;

/**
 * One established link to a neighbour: authenticated (its certificate passed our trust policy
 * for {@link io.staex.crypto.Purpose#LINK}) and encrypted. Safe for concurrent use: sends hop
 * onto the link's event loop.
 *
 * <p>Error contract: sending on a link that is down drops the frames silently (the listener's
 * {@link LinkListener#linkDown} already said so); nothing here throws for I/O.
 */
public interface Link {
  /** The neighbour's address, proven by the handshake. */
  Address peer();

  /** The neighbour's certificate. */
  Certificate peerCertificate();

  /** The neighbour's socket address, for logs. */
  SocketAddress remoteAddress();

  /** Whether the connection is still open. */
  boolean isActive();

  /**
   * Whether the link's outbound buffer is below its high-water mark. A relay stops reading the
   * links that feed this one while this is false and resumes on {@link
   * LinkListener#writabilityChanged}.
   */
  boolean isWritable();

  /** Sends one frame in a record of its own, flushed. */
  void send(LinkFrame frame);

  /**
   * Sends frames in order, packed into as few records as fit the record limit, with one flush
   * at the end.
   */
  void send(List<? extends LinkFrame> frames);

  /** Closes the link; {@link LinkListener#linkDown} follows with reason "closed locally". */
  void close();
}
