package io.staex.crypto.internal.noise;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HandshakeStateTest {

  private static final NoiseProtocol IK = NoiseProtocol.parse("Noise_IK_25519_AESGCM_SHA256");
  private static final NoiseProtocol XX = NoiseProtocol.parse("Noise_XX_25519_ChaChaPoly_BLAKE2s");
  private static final byte[] PROLOGUE = "staex test".getBytes(UTF_8);

  /** The IK flow a certificate-carrying session handshake follows, narrated step by step. */
  @Test
  void ik_initiatorKnowsResponder_responderLearnsInitiatorFromMessage1() throws NoiseException {
    NoiseKeyPair alice = TestKeys.keyPair(); // the initiator's X25519 static key
    NoiseKeyPair bob = TestKeys.keyPair(); // the responder's; alice knows bob.publicKey()
    HandshakeState initiator = HandshakeState.builder(IK, Role.INITIATOR)
        .prologue(PROLOGUE)
        .localStaticKeyPair(alice)
        .remoteStaticKey(bob.publicKey())
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(TestKeys.RANDOM))
        .build();
    HandshakeState responder = HandshakeState.builder(IK, Role.RESPONDER)
        .prologue(PROLOGUE)
        .localStaticKeyPair(bob)
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(TestKeys.RANDOM))
        .build();
    assertThat(initiator.status()).isEqualTo(HandshakeState.Status.WRITE_MESSAGE);
    assertThat(responder.status()).isEqualTo(HandshakeState.Status.READ_MESSAGE);
    assertThat(initiator.remoteStaticKey()).contains(bob.publicKey());
    assertThat(responder.remoteStaticKey()).isEmpty();

    byte[] message1 = initiator.writeMessage("alice's certificate".getBytes(UTF_8));
    assertThat(message1).hasSize(32 + 48 + 19 + 16);
    assertThat(new String(responder.readMessage(message1), UTF_8)).isEqualTo("alice's certificate");
    assertThat(responder.remoteStaticKey()).contains(alice.publicKey()); // check the cert here

    byte[] message2 = responder.writeMessage("bob's certificate".getBytes(UTF_8));
    assertThat(responder.status()).isEqualTo(HandshakeState.Status.COMPLETE);
    HandshakeResult bobSide = responder.split();
    assertThat(new String(initiator.readMessage(message2), UTF_8)).isEqualTo("bob's certificate");
    HandshakeResult aliceSide = initiator.split();

    assertThat(aliceSide.handshakeHash()).isEqualTo(bobSide.handshakeHash()).hasSize(32);
    assertThat(aliceSide.remoteStaticKey()).contains(bob.publicKey());
    assertThat(bobSide.remoteStaticKey()).contains(alice.publicKey());
    byte[] toBob = aliceSide.sender().encryptWithAd(new byte[0], "hello bob".getBytes(UTF_8));
    assertThat(bobSide.receiver().decryptWithAd(new byte[0], toBob)).asString(UTF_8)
        .isEqualTo("hello bob");
    byte[] toAlice = bobSide.sender().encryptWithAd(new byte[0], "hi alice".getBytes(UTF_8));
    assertThat(aliceSide.receiver().decryptWithAd(new byte[0], toAlice)).asString(UTF_8)
        .isEqualTo("hi alice");
    assertThat(initiator.status()).isEqualTo(HandshakeState.Status.SPLIT);
    assertThat(alice.isDestroyed()).as("the caller's static key is not ours to destroy").isFalse();
  }

  static List<String> allPatterns() {
    return HandshakePatterns.names();
  }

  /** Several patterns have no published vector here; each must at least agree with itself. */
  @ParameterizedTest
  @MethodSource("allPatterns")
  void everyPattern_completes_withMatchingHashesAndTransportKeys(String pattern)
      throws NoiseException {
    for (String suite : List.of("_25519_AESGCM_SHA256", "_25519_ChaChaPoly_BLAKE2b")) {
      NoiseProtocol protocol = NoiseProtocol.parse("Noise_" + pattern + suite);
      HandshakeState[] sides = TestKeys.pair(protocol, PROLOGUE);
      for (int i = 0; i < protocol.pattern().messages().size(); i++) {
        int sender = protocol.pattern().sender(i) == Role.INITIATOR ? 0 : 1;
        byte[] payload = {(byte) i};
        assertThat(sides[1 - sender].readMessage(sides[sender].writeMessage(payload)))
            .isEqualTo(payload);
      }
      byte[] hash = sides[0].handshakeHash();
      HandshakeResult initiator = sides[0].split();
      HandshakeResult responder = sides[1].split();
      assertThat(responder.handshakeHash()).isEqualTo(hash);
      byte[] ciphertext = initiator.sender().encryptWithAd(new byte[0], new byte[] {7});
      assertThat(responder.receiver().decryptWithAd(new byte[0], ciphertext)).containsExactly(7);
      assertThat(responder.remoteStaticKey().isPresent())
          .isEqualTo(protocol.pattern().needsStaticKey(Role.INITIATOR));
      assertThat(initiator.remoteStaticKey().isPresent())
          .isEqualTo(protocol.pattern().needsStaticKey(Role.RESPONDER));
    }
  }

  @Test
  void writingOutOfTurn_isAProgrammingError_andChangesNothing() throws NoiseException {
    HandshakeState[] pair = TestKeys.pair(XX, PROLOGUE);
    HandshakeState initiator = pair[0];
    HandshakeState responder = pair[1];
    assertThatThrownBy(() -> responder.writeMessage(new byte[0]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("writeMessage called in status READ_MESSAGE");
    assertThatThrownBy(() -> initiator.readMessage(new byte[48]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("readMessage called in status WRITE_MESSAGE");
    assertThatThrownBy(initiator::split)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected: COMPLETE");
    // nothing changed: the handshake still completes
    responder.readMessage(initiator.writeMessage(new byte[0]));
    initiator.readMessage(responder.writeMessage(new byte[0]));
    responder.readMessage(initiator.writeMessage(new byte[0]));
    assertThat(initiator.split().handshakeHash()).isEqualTo(responder.split().handshakeHash());
  }

  @Test
  void refusedMessage_failsTheHandshake_andEveryLaterCallThrows() throws NoiseException {
    List<NoiseKeyPair> ephemerals = new ArrayList<>();
    NoiseKeyPair bob = TestKeys.keyPair();
    HandshakeState responder = HandshakeState.builder(IK, Role.RESPONDER)
        .localStaticKeyPair(bob)
        .ephemeralKeyGenerator(() -> record(ephemerals, TestKeys.keyPair()))
        .build();
    HandshakeState initiator = HandshakeState.builder(IK, Role.INITIATOR)
        .localStaticKeyPair(TestKeys.keyPair())
        .remoteStaticKey(bob.publicKey())
        .ephemeralKeyGenerator(() -> record(ephemerals, TestKeys.keyPair()))
        .build();
    byte[] message1 = initiator.writeMessage(new byte[] {1});
    message1[message1.length - 1] ^= 1;

    assertThatThrownBy(() -> responder.readMessage(message1))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.DECRYPT_FAILED);
    assertThat(responder.status()).isEqualTo(HandshakeState.Status.FAILED);
    assertThatThrownBy(() -> responder.readMessage(message1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("abandon a failed handshake");
    assertThatThrownBy(() -> responder.writeMessage(new byte[0]))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(responder::remoteStaticKey).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(responder::handshakeHash).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(responder::split).isInstanceOf(IllegalStateException.class);
    responder.destroy();
    assertThat(responder.status()).isEqualTo(HandshakeState.Status.FAILED);

    // the initiator's own ephemeral key dies with its handshake
    initiator.destroy();
    assertThat(ephemerals).hasSize(1).allMatch(NoiseKeyPair::isDestroyed);
    assertThat(initiator.status()).isEqualTo(HandshakeState.Status.DESTROYED);
  }

  @Test
  void ephemeralKeys_areDestroyedBySplit() throws NoiseException {
    List<NoiseKeyPair> ephemerals = new ArrayList<>();
    NoiseProtocol nn = NoiseProtocol.parse("Noise_NN_25519_AESGCM_SHA512");
    HandshakeState initiator = HandshakeState.builder(nn, Role.INITIATOR)
        .ephemeralKeyGenerator(() -> record(ephemerals, TestKeys.keyPair())).build();
    HandshakeState responder = HandshakeState.builder(nn, Role.RESPONDER)
        .ephemeralKeyGenerator(() -> record(ephemerals, TestKeys.keyPair())).build();
    responder.readMessage(initiator.writeMessage(new byte[0]));
    initiator.readMessage(responder.writeMessage(new byte[0]));
    assertThat(ephemerals).hasSize(2).noneMatch(NoiseKeyPair::isDestroyed);
    initiator.split();
    responder.split();
    assertThat(ephemerals).allMatch(NoiseKeyPair::isDestroyed);
  }

  @Test
  void payloadMakingAMessageLongerThan65535_isRefused_andChangesNothing() throws NoiseException {
    HandshakeState[] pair = TestKeys.pair(IK, PROLOGUE);
    int overhead = 32 + 48 + 16; // e, encrypted s, payload tag
    assertThatThrownBy(() -> pair[0].writeMessage(new byte[65535 - overhead + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65536 bytes")
        .hasMessageContaining("expected: at most 65535");
    assertThat(pair[0].status()).isEqualTo(HandshakeState.Status.WRITE_MESSAGE);
    byte[] largest = pair[0].writeMessage(new byte[65535 - overhead]);
    assertThat(largest).hasSize(65535);
    assertThat(pair[1].readMessage(largest)).hasSize(65535 - overhead);
  }

  @Test
  void receivedMessageLongerThan65535_isRefused() {
    HandshakeState[] pair = TestKeys.pair(XX, PROLOGUE);
    assertThatThrownBy(() -> pair[1].readMessage(new byte[65536]))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.BAD_LENGTH);
    assertThat(pair[1].status()).isEqualTo(HandshakeState.Status.FAILED);
  }

  @Test
  void truncatedMessage_isBadLength() {
    HandshakeState[] pair = TestKeys.pair(IK, PROLOGUE);
    assertThatThrownBy(() -> pair[1].readMessage(new byte[31]))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("too short for token e")
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.BAD_LENGTH);
  }

  @Test
  void lowOrderEphemeral_isRefusedWhenReadIfUsedThere() {
    HandshakeState[] pair = TestKeys.pair(IK, PROLOGUE);
    byte[] message1 = new byte[32 + 48 + 16]; // e = 0: es = DH(s, 0) is all zeros
    assertThatThrownBy(() -> pair[1].readMessage(message1))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.LOW_ORDER_KEY);
    assertThat(pair[1].status()).isEqualTo(HandshakeState.Status.FAILED);
  }

  @Test
  void lowOrderEphemeral_isRefusedWhenFirstUsedInOurOwnMessage() throws NoiseException {
    HandshakeState[] pair = TestKeys.pair(XX, PROLOGUE);
    HandshakeState responder = pair[1];
    // XX message 1 is "-> e" only: no DH yet, so the low-order e = 1 is accepted here
    byte[] message1 = HexFormat.of().parseHex(
        "0100000000000000000000000000000000000000000000000000000000000000");
    assertThat(responder.readMessage(message1)).isEmpty();
    assertThatThrownBy(() -> responder.writeMessage(new byte[0]))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.LOW_ORDER_KEY);
    assertThat(responder.status()).isEqualTo(HandshakeState.Status.FAILED);
  }

  @Test
  void lowOrderPreSharedRemoteStatic_failsTheFirstWrite() {
    HandshakeState initiator = HandshakeState.builder(IK, Role.INITIATOR)
        .localStaticKeyPair(TestKeys.keyPair())
        .remoteStaticKey(NoisePublicKey.of(new byte[32]))
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(TestKeys.RANDOM))
        .build();
    assertThatThrownBy(() -> initiator.writeMessage(new byte[0]))
        .isInstanceOf(NoiseException.class)
        .extracting(e -> ((NoiseException) e).reason())
        .isEqualTo(NoiseException.Reason.LOW_ORDER_KEY);
    assertThat(initiator.status()).isEqualTo(HandshakeState.Status.FAILED);
  }

  @Test
  void differentPrologues_failAtTheFirstAuthenticatedMessage() throws NoiseException {
    NoiseKeyPair bob = TestKeys.keyPair();
    HandshakeState initiator = HandshakeState.builder(IK, Role.INITIATOR)
        .prologue("v1".getBytes(UTF_8))
        .localStaticKeyPair(TestKeys.keyPair())
        .remoteStaticKey(bob.publicKey())
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(TestKeys.RANDOM))
        .build();
    HandshakeState responder = HandshakeState.builder(IK, Role.RESPONDER)
        .prologue("v2".getBytes(UTF_8))
        .localStaticKeyPair(bob)
        .ephemeralKeyGenerator(EphemeralKeyGenerator.random(TestKeys.RANDOM))
        .build();
    byte[] message1 = initiator.writeMessage(new byte[0]);
    assertThatThrownBy(() -> responder.readMessage(message1)).isInstanceOf(NoiseException.class);
  }

  @Test
  void oneWayPattern_onlyInitiatorToResponderExists() throws NoiseException {
    HandshakeState[] pair = TestKeys.pair(NoiseProtocol.parse("Noise_X_25519_AESGCM_SHA256"),
        PROLOGUE);
    pair[1].readMessage(pair[0].writeMessage(new byte[] {1}));
    HandshakeResult initiator = pair[0].split();
    HandshakeResult responder = pair[1].split();
    byte[] sent = initiator.sender().encryptWithAd(new byte[0], new byte[] {2});
    assertThat(responder.receiver().decryptWithAd(new byte[0], sent)).containsExactly(2);
    assertThatThrownBy(() -> responder.sender().encryptWithAd(new byte[0], new byte[] {3}))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> initiator.receiver().decryptWithAd(new byte[0], sent))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builder_refusesMissingAndSuperfluousKeys() {
    NoiseProtocol nn = NoiseProtocol.parse("Noise_NN_25519_AESGCM_SHA256");
    EphemeralKeyGenerator random = EphemeralKeyGenerator.random(TestKeys.RANDOM);
    assertThatThrownBy(() -> HandshakeState.builder(IK, Role.INITIATOR)
        .localStaticKeyPair(TestKeys.keyPair()).ephemeralKeyGenerator(random).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("remote static key missing (expected: one, the pattern uses it)");
    assertThatThrownBy(() -> HandshakeState.builder(IK, Role.RESPONDER)
        .ephemeralKeyGenerator(random).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("local static key pair missing");
    assertThatThrownBy(() -> HandshakeState.builder(nn, Role.INITIATOR)
        .localStaticKeyPair(TestKeys.keyPair()).ephemeralKeyGenerator(random).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("local static key pair given (expected: none");
    assertThatThrownBy(() -> HandshakeState.builder(nn, Role.INITIATOR).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no ephemeral key generator");
    NoiseKeyPair destroyed = TestKeys.keyPair();
    destroyed.destroy();
    assertThatThrownBy(() -> HandshakeState.builder(IK, Role.RESPONDER)
        .localStaticKeyPair(destroyed).ephemeralKeyGenerator(random).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("destroyed");
  }

  @Test
  void keyPair_toStringHidesThePrivateKey() {
    byte[] privateKey = new byte[32];
    privateKey[0] = (byte) 0xab;
    privateKey[1] = (byte) 0xcd;
    NoiseKeyPair pair = NoiseKeyPair.fromPrivateKey(privateKey);
    assertThat(pair.toString()).contains("<redacted>").doesNotContain("abcd");
    pair.destroy();
    assertThat(pair.toString()).contains("destroyed");
  }

  private static NoiseKeyPair record(List<NoiseKeyPair> list, NoiseKeyPair pair) {
    list.add(pair);
    return pair;
  }
}
