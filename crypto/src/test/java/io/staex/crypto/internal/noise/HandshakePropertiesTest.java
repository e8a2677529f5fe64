package io.staex.crypto.internal.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of whole handshakes between our own initiator and responder, over IK and XX with
 * every cipher and hash: payloads round-trip, arbitrary bytes from a peer give only
 * {@link NoiseException}, and rekeying keeps both sides in step.
 */
class HandshakePropertiesTest {

  private static final byte[] PROLOGUE = "properties".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NO_AD = new byte[0];

  @Provide
  Arbitrary<NoiseProtocol> ikAndXx() {
    List<NoiseProtocol> protocols = new ArrayList<>();
    for (String pattern : List.of("IK", "XX")) {
      for (NoiseCipher cipher : NoiseCipher.values()) {
        for (NoiseHash hash : NoiseHash.values()) {
          protocols.add(new NoiseProtocol(HandshakePatterns.named(pattern), cipher, hash));
        }
      }
    }
    return Arbitraries.of(protocols);
  }

  @Property(tries = 150)
  void payloads_roundTrip_throughHandshakeAndTransport(
      @ForAll("ikAndXx") NoiseProtocol protocol,
      @ForAll @Size(max = 3) List<@Size(max = 600) byte[]> handshakePayloads,
      @ForAll @Size(max = 8) List<@Size(max = 2000) byte[]> transportPayloads,
      @ForAll @Size(max = 8) List<Boolean> fromInitiator) throws NoiseException {
    HandshakeState[] sides = TestKeys.pair(protocol, PROLOGUE);
    int messages = protocol.pattern().messages().size();
    for (int i = 0; i < messages; i++) {
      byte[] payload = i < handshakePayloads.size() ? handshakePayloads.get(i) : new byte[0];
      int sender = protocol.pattern().sender(i) == Role.INITIATOR ? 0 : 1;
      byte[] message = sides[sender].writeMessage(payload);
      assertThat(sides[1 - sender].readMessage(message)).isEqualTo(payload);
    }
    HandshakeResult[] results = {sides[0].split(), sides[1].split()};
    assertThat(results[0].handshakeHash()).isEqualTo(results[1].handshakeHash());
    for (int i = 0; i < transportPayloads.size(); i++) {
      int sender = i < fromInitiator.size() && !fromInitiator.get(i) ? 1 : 0;
      byte[] payload = transportPayloads.get(i);
      byte[] ciphertext = results[sender].sender().encryptWithAd(NO_AD, payload);
      assertThat(ciphertext).hasSize(payload.length + NoiseCipher.TAG_LENGTH);
      assertThat(results[1 - sender].receiver().decryptWithAd(NO_AD, ciphertext))
          .isEqualTo(payload);
    }
  }

  /** Message 1 of XX is unauthenticated, so random bytes may be accepted there; IK's never are. */
  @Property(tries = 300)
  void arbitraryBytes_asMessage1_giveOnlyNoiseException_andFailTheHandshake(
      @ForAll("ikAndXx") NoiseProtocol protocol, @ForAll @Size(max = 400) byte[] bytes) {
    HandshakeState responder = TestKeys.pair(protocol, PROLOGUE)[1];
    try {
      responder.readMessage(bytes);
      assertThat(protocol.pattern().name()).isEqualTo("XX");
      assertThat(bytes.length).isGreaterThanOrEqualTo(32);
      assertThat(responder.status()).isEqualTo(HandshakeState.Status.WRITE_MESSAGE);
    } catch (NoiseException e) {
      assertFailed(responder, bytes);
    }
  }

  @Property(tries = 300)
  void arbitraryBytes_asMessage2_giveOnlyNoiseException_andFailTheHandshake(
      @ForAll("ikAndXx") NoiseProtocol protocol, @ForAll @Size(max = 400) byte[] bytes)
      throws NoiseException {
    HandshakeState initiator = TestKeys.pair(protocol, PROLOGUE)[0];
    initiator.writeMessage(new byte[0]);
    assertThatThrownBy(() -> initiator.readMessage(bytes)).isInstanceOf(NoiseException.class);
    assertFailed(initiator, bytes);
  }

  @Property(tries = 100)
  void rekey_changesTheKey_deterministicallyOnBothSides(
      @ForAll("ikAndXx") NoiseProtocol protocol,
      @ForAll @IntRange(max = 4) int messagesBefore,
      @ForAll @IntRange(min = 1, max = 3) int rekeys,
      @ForAll @Size(max = 100) byte[] payload) throws NoiseException {
    HandshakeState[] sides = TestKeys.pair(protocol, PROLOGUE);
    for (int i = 0; i < protocol.pattern().messages().size(); i++) {
      int sender = protocol.pattern().sender(i) == Role.INITIATOR ? 0 : 1;
      sides[1 - sender].readMessage(sides[sender].writeMessage(new byte[0]));
    }
    CipherState sending = sides[0].split().sender();
    CipherState receiving = sides[1].split().receiver();
    for (int i = 0; i < messagesBefore; i++) {
      receiving.decryptWithAd(NO_AD, sending.encryptWithAd(NO_AD, payload));
    }
    for (int i = 0; i < rekeys; i++) {
      sending.rekey();
    }
    byte[] ciphertext = sending.encryptWithAd(NO_AD, payload);
    long nonce = receiving.nonce();
    assertThatThrownBy(() -> receiving.decryptWithAd(NO_AD, ciphertext))
        .as("the old key no longer decrypts")
        .isInstanceOf(NoiseException.class);
    assertThat(receiving.nonce()).isEqualTo(nonce);
    for (int i = 0; i < rekeys; i++) {
      receiving.rekey();
    }
    assertThat(receiving.decryptWithAd(NO_AD, ciphertext)).isEqualTo(payload);
    assertThat(sending.nonce()).isEqualTo(messagesBefore + 1L);
  }

  private static void assertFailed(HandshakeState handshake, byte[] bytes) {
    assertThat(handshake.status()).isEqualTo(HandshakeState.Status.FAILED);
    assertThatThrownBy(() -> handshake.readMessage(bytes))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(handshake::handshakeHash).isInstanceOf(IllegalStateException.class);
  }
}
