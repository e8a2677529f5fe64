package io.staex.proxy.session;

/** Why a session ended, as this node saw it; the stream layer maps it to a reset reason. */
public enum SessionEnd {
  /** This node closed it: shutdown, or a rekeyed session whose last stream ended. */
  CLOSED,
  /** No records either way and no open streams for the idle timeout. */
  IDLE,
  /** The peer said CLOSE (it shut down, restarted or forgot the session). */
  PEER_CLOSED,
  /** The peer refused the handshake (CLOSE REFUSED: it does not trust this node). */
  REFUSED,
  /** This node did not accept the peer's certificate or key (its own trust policy). */
  UNTRUSTED,
  /** A relay reported the peer unreachable, or a packet of the session could not leave. */
  UNREACHABLE,
  /** Records were lost or reordered on the path (e.g. across a failover): streams cannot go on. */
  LOST,
  /** The handshake did not finish in time. */
  TIMEOUT,
  /** A session limit was reached, here or at the peer (CLOSE LIMIT). */
  LIMIT,
  /** The peer broke the session protocol (undecodable stream frames). */
  PROTOCOL_ERROR,
  /** A revocation that covers the peer's certificate arrived (this node's trust policy). */
  REVOKED,
  /** The peer's certificate reached its not-after time. */
  EXPIRED
}
