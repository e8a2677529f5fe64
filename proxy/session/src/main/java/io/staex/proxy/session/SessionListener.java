package io.staex.proxy.session;

import io.staex.proxy.frame.FrameBytes;

/**
 * The layer above sessions (streams). Every method is called on the sessions' event loop, in
 * the order things happened; keep them short. A session is {@link #established} at most once
 * and {@link #closed} exactly once, last.
 */
public interface SessionListener {
  /** The handshake finished: the peer is proven and trusted; frames may flow. */
  void established(Session session);

  /**
   * The plaintext of one authenticated record from the peer, in order: the messages it gave
   * {@link Session#append}, back to back (never empty, never a session control message). What
   * cannot be read is {@link Session#protocolError}.
   */
  void received(Session session, FrameBytes plaintext);

  /** The session is over (it may never have been established); drop everything tied to it. */
  void closed(Session session, SessionEnd why);

  /** This node's own sending should pause: the relay's link ahead is congested. */
  void sendPaused();

  /** Sending may go on. */
  void sendResumed();

  /**
   * {@code session} has room again for the layer above's bytes ({@link Session#queueRoom} was
   * 0: its records kept until acknowledged reached {@link SessionSettings#retransmitBytes}).
   */
  default void writable(Session session) {}

  /**
   * The peer of {@code session} sent nothing for two keepalive intervals although this end
   * holds streams in it ({@link Session#openStreams}): a peer holding any of them would have
   * sent keepalives. Called at each keepalive while it lasts, just before the keepalive goes;
   * what the layer above appends goes in its place, in a record the peer acknowledges, so a
   * live path is heard again. The stream layer checks whether the peer still holds its streams.
   */
  default void quiet(Session session) {}
}
