package io.staex.crypto.internal.noise;

import java.security.SecureRandom;

/** Key pairs and handshake pairs for tests that do not replay fixed vectors. */
final class TestKeys {

  static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  /** A fresh random key pair. */
  static NoiseKeyPair keyPair() {
    return NoiseKeyPair.generate(RANDOM);
  }

  /** An initiator and a responder of {@code protocol} with fresh static keys where needed. */
  static HandshakeState[] pair(NoiseProtocol protocol, byte[] prologue) {
    HandshakePattern pattern = protocol.pattern();
    NoiseKeyPair initiatorStatic = keyPair();
    NoiseKeyPair responderStatic = keyPair();
    HandshakeState.Builder initiator = HandshakeState.builder(protocol, Role.INITIATOR)
        .prologue(prologue)
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(RANDOM));
    HandshakeState.Builder responder = HandshakeState.builder(protocol, Role.RESPONDER)
        .prologue(prologue)
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(RANDOM));
    if (pattern.needsStaticKey(Role.INITIATOR)) {
      initiator.localStaticKeyPair(initiatorStatic);
    }
    if (pattern.needsStaticKey(Role.RESPONDER)) {
      responder.localStaticKeyPair(responderStatic);
    }
    if (pattern.preMessage(Role.RESPONDER).contains(Token.S)) {
      initiator.remoteStaticKey(responderStatic.publicKey());
    }
    if (pattern.preMessage(Role.INITIATOR).contains(Token.S)) {
      responder.remoteStaticKey(initiatorStatic.publicKey());
    }
    return new HandshakeState[] {initiator.build(), responder.build()};
  }
}
