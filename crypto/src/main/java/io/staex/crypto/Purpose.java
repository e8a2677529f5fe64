package io.staex.crypto;

/** What a peer asks to do; {@link TrustPolicy#check} answers per purpose. */
public enum Purpose {
  /** Hold a link with this node, as its child or its parent. */
  LINK,
  /** Open an end-to-end session with this node. */
  SESSION,
  /** Have its signed node state kept in this node's routing view, so others can reach it. */
  STATE
}
