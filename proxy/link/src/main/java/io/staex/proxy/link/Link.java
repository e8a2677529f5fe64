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

  /**
   * The neighbour's certificate: the one its handshake presented, or a renewed one it presented
   * on the link since ({@link #renewPeerCertificate}).
   */
  Certificate peerCertificate();

  /**
   * The neighbour presented {@code renewed} on this live link ({@code docs/links.md}, "A renewed
   * certificate on a live link"), and the caller checked it as a handshake's certificate: same
   * key, network, name and roles, accepted by the trust policy now. From now on {@link
   * #peerCertificate} is it. Whether this link took it (one that does not keeps the
   * certificate its handshake presented, and ends with it).
   *
   * @throws IllegalArgumentException if {@code renewed} is for another key
   */
  default boolean renewPeerCertificate(Certificate renewed) {
    return false;
  }

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

  /**
   * Turns reading from the neighbour off ({@code false}) or back on ({@code true}): the
   * channel's {@code AUTO_READ}, plus one {@code read()} when resuming, as Netty's {@code
   * HexDumpProxyFrontendHandler} does. A relay pauses the links that feed an unwritable link and
   * resumes them on {@link LinkListener#writabilityChanged}. Idempotent; safe from any thread
   * (hops onto the link's event loop, so a few frames already read may still arrive after a
   * pause). The last call wins: a caller that pauses for more than one reason, or from more
   * than one thread, must decide and call under one lock (or on one thread), or an earlier
   * decision may land last. While paused the keepalive read timeout is suspended; on resume it restarts from
   * zero, so a dead peer is still found one read timeout after reading resumes.
   */
  void setReading(boolean reading);

  /** Whether the link reads from the neighbour, i.e. {@link #setReading} was not set false. */
  boolean isReading();

  /**
   * Bytes handed to {@link #send} and not yet written to the socket: records waiting for the
   * event loop plus the channel's outbound buffer. Approximate (racy by nature); any thread.
   */
  long queuedBytes();

  /**
   * Bytes received on this link since it came up: the sealed records as they crossed the wire,
   * keepalives included; -1 when the link does not count them. Any thread.
   */
  default long bytesIn() {
    return -1;
  }

  /** Bytes sent on this link since it came up, as {@link #bytesIn}; -1 when not counted. */
  default long bytesOut() {
    return -1;
  }

  /** When the link came up (its handshake finished); empty when not known. */
  default java.util.Optional<java.time.Instant> upSince() {
    return java.util.Optional.empty();
  }

  /** Sends one frame in a record of its own, flushed. */
  void send(LinkFrame frame);

  /**
   * Sends frames in order, packed into as few records as fit the record limit, with one flush
   * at the end.
   */
  void send(List<? extends LinkFrame> frames);

  /** Closes the link; {@link LinkListener#linkDown} follows with reason "closed locally". */
  void close();

  /** Closes the link; {@link LinkListener#linkDown} follows with {@code reason}. */
  default void close(String reason) {
    close();
  }
}
