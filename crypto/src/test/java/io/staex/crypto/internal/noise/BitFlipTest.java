package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every single-bit change of IK message 1 and of IK message 2 is refused with
 * {@link NoiseException}: nothing in either message is unauthenticated, not even the top bit of the
 * ephemeral key that X25519 ignores (it is hashed into {@code h}).
 */
class BitFlipTest {

  private static final byte[] PROLOGUE = "bit flips".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PAYLOAD = "sixteen byte pay".getBytes(StandardCharsets.US_ASCII);

  private final NoiseKeyPair initiatorStatic = TestKeys.keyPair();
  private final NoiseKeyPair responderStatic = TestKeys.keyPair();
  private final byte[] initiatorEphemeral = randomPrivateKey();

  @ParameterizedTest
  @ValueSource(strings = {"Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_BLAKE2s"})
  void everyBitFlipOfMessage1_isRefusedByTheResponder(String name) throws NoiseException {
    NoiseProtocol protocol = NoiseProtocol.parse(name);
    byte[] message1 = initiator(protocol).writeMessage(PAYLOAD);
    assertThat(responder(protocol).readMessage(message1)).isEqualTo(PAYLOAD);
    for (int bit = 0; bit < message1.length * 8; bit++) {
      HandshakeState responder = responder(protocol);
      byte[] flipped = NoiseCipherTest.flip(message1, bit);
      assertThatThrownBy(() -> responder.readMessage(flipped))
          .as("bit %d of %d", bit, message1.length * 8)
          .isInstanceOf(NoiseException.class);
      assertThat(responder.status()).isEqualTo(HandshakeState.Status.FAILED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_BLAKE2s"})
  void everyBitFlipOfMessage2_isRefusedByTheInitiator(String name) throws NoiseException {
    NoiseProtocol protocol = NoiseProtocol.parse(name);
    HandshakeState responder = responder(protocol);
    responder.readMessage(initiator(protocol).writeMessage(PAYLOAD));
    byte[] message2 = responder.writeMessage(PAYLOAD);
    HandshakeState check = initiator(protocol);
    check.writeMessage(PAYLOAD);
    assertThat(check.readMessage(message2)).isEqualTo(PAYLOAD);
    for (int bit = 0; bit < message2.length * 8; bit++) {
      HandshakeState initiator = initiator(protocol);
      initiator.writeMessage(PAYLOAD); // same ephemeral key, so the same message 1
      byte[] flipped = NoiseCipherTest.flip(message2, bit);
      assertThatThrownBy(() -> initiator.readMessage(flipped))
          .as("bit %d of %d", bit, message2.length * 8)
          .isInstanceOf(NoiseException.class);
      assertThat(initiator.status()).isEqualTo(HandshakeState.Status.FAILED);
    }
  }

  private static byte[] randomPrivateKey() {
    byte[] key = new byte[32];
    TestKeys.RANDOM.nextBytes(key);
    return key;
  }

  private HandshakeState initiator(NoiseProtocol protocol) {
    return HandshakeState.builder(protocol, Role.INITIATOR)
        .prologue(PROLOGUE)
        .localStaticKeyPair(initiatorStatic)
        .remoteStaticKey(responderStatic.publicKey())
        .ephemeralKeyGenerator(() -> NoiseKeyPair.fromPrivateKey(initiatorEphemeral))
        .build();
  }

  private HandshakeState responder(NoiseProtocol protocol) {
    return HandshakeState.builder(protocol, Role.RESPONDER)
        .prologue(PROLOGUE)
        .localStaticKeyPair(responderStatic)
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(TestKeys.RANDOM))
        .build();
  }
}
