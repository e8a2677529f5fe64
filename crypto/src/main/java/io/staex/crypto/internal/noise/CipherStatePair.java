package io.staex.crypto.internal.noise;

import java.util.Objects;

/**
 * The two cipher states that {@code Split()} returns: {@code c1} encrypts what the initiator
 * sends, {@code c2} what the responder sends.
 *
 * @param initiatorToResponder {@code c1}
 * @param responderToInitiator {@code c2}
 */
public record CipherStatePair(CipherState initiatorToResponder, CipherState responderToInitiator) {

  /** Checks that both states are present. */
  public CipherStatePair {
    Objects.requireNonNull(initiatorToResponder, "initiatorToResponder");
    Objects.requireNonNull(responderToInitiator, "responderToInitiator");
  }

  /** Returns the state that encrypts what {@code role} sends. */
  public CipherState sending(Role role) {
    return role == Role.INITIATOR ? initiatorToResponder : responderToInitiator;
  }

  /** Returns the state that decrypts what {@code role} receives. */
  public CipherState receiving(Role role) {
    return sending(role.peer());
  }

  /** Destroys both states. */
  public void destroy() {
    initiatorToResponder.destroy();
    responderToInitiator.destroy();
  }
}
