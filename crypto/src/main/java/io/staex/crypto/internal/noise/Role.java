package io.staex.crypto.internal.noise;

/** Which side of a handshake this party plays: the one that sends the first message, or not. */
public enum Role {
  /** Sends the first handshake message. */
  INITIATOR,
  /** Receives the first handshake message. */
  RESPONDER;

  /** Returns the other role. */
  public Role peer() {
    return this == INITIATOR ? RESPONDER : INITIATOR;
  }
}
