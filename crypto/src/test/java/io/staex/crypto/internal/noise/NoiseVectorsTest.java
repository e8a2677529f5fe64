package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every published vector in {@code noise/vectors.txt}, once as the initiator and once as
 * the responder: the messages this side sends must equal the vector byte for byte, the messages it
 * receives must decrypt to the vector's payloads, and the handshake hash must match where given.
 * Transport messages after the handshake are replayed the same way through the split cipher states.
 */
class NoiseVectorsTest {

  private static final List<NoiseVector> VECTORS = NoiseVector.load("/noise/vectors.txt");
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void vectorFile_coversTheRequiredProtocols() {
    List<String> names = VECTORS.stream().map(v -> v.name).collect(Collectors.toList());
    assertThat(names).contains(
        "Noise_IK_25519_AESGCM_SHA256",
        "Noise_IK_25519_ChaChaPoly_SHA256",
        "Noise_XX_25519_AESGCM_SHA256",
        "Noise_IK_25519_ChaChaPoly_BLAKE2s");
    assertThat(VECTORS).hasSize(54);
  }

  @TestFactory
  Stream<DynamicTest> everyVector_replaysExactly_inBothRoles() {
    return VECTORS.stream().flatMap(v -> Stream.of(Role.INITIATOR, Role.RESPONDER)
        .map(role -> dynamicTest(v + " as " + role, () -> replay(v, role))));
  }

  private static void replay(NoiseVector vector, Role role) throws NoiseException {
    NoiseProtocol protocol = NoiseProtocol.parse(vector.name);
    HandshakePattern pattern = protocol.pattern();
    HandshakeState handshake = handshake(vector, protocol, role);
    int handshakeMessages = pattern.messages().size();
    for (int i = 0; i < handshakeMessages; i++) {
      NoiseVector.Message m = vector.messages.get(i);
      if (pattern.sender(i) == role) {
        assertThat(HEX.formatHex(handshake.writeMessage(m.payload())))
            .as("handshake message %d written", i)
            .isEqualTo(HEX.formatHex(m.ciphertext()));
      } else {
        assertThat(HEX.formatHex(handshake.readMessage(m.ciphertext())))
            .as("payload of handshake message %d read", i)
            .isEqualTo(HEX.formatHex(m.payload()));
      }
    }
    assertThat(handshake.status()).isEqualTo(HandshakeState.Status.COMPLETE);
    byte[] expectedHash = vector.field("handshake_hash");
    if (expectedHash != null) {
      assertThat(HEX.formatHex(handshake.handshakeHash())).isEqualTo(HEX.formatHex(expectedHash));
    }
    HandshakeResult result = handshake.split();
    for (int i = handshakeMessages; i < vector.messages.size(); i++) {
      NoiseVector.Message m = vector.messages.get(i);
      Role sender = pattern.isOneWay() ? Role.INITIATOR : pattern.sender(i);
      if (sender == role) {
        assertThat(HEX.formatHex(result.sender().encryptWithAd(new byte[0], m.payload())))
            .as("transport message %d written", i)
            .isEqualTo(HEX.formatHex(m.ciphertext()));
      } else {
        assertThat(HEX.formatHex(result.receiver().decryptWithAd(new byte[0], m.ciphertext())))
            .as("payload of transport message %d read", i)
            .isEqualTo(HEX.formatHex(m.payload()));
      }
    }
    result.destroy();
  }

  /** Initialize() with the vector's prologue and keys, ephemeral keys fixed by the vector. */
  private static HandshakeState handshake(NoiseVector v, NoiseProtocol protocol, Role role) {
    String side = role == Role.INITIATOR ? "init_" : "resp_";
    HandshakeState.Builder builder = HandshakeState.builder(protocol, role)
        .prologue(v.field("prologue"))
        .ephemeralKeyGenerator(fixedEphemeral(v, side + "ephemeral"));
    byte[] localStatic = v.field(side + "static");
    if (localStatic != null) {
      builder.localStaticKeyPair(NoiseKeyPair.fromPrivateKey(localStatic));
    }
    byte[] remoteStatic = v.field(side + "remote_static");
    if (remoteStatic != null) {
      builder.remoteStaticKey(NoisePublicKey.of(remoteStatic));
    }
    return builder.build();
  }

  private static EphemeralKeyGenerator fixedEphemeral(NoiseVector v, String field) {
    return () -> {
      byte[] privateKey = v.field(field);
      if (privateKey == null) {
        throw new AssertionError(v + " has no " + field);
      }
      return NoiseKeyPair.fromPrivateKey(privateKey);
    };
  }
}
