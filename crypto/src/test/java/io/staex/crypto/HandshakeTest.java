package io.staex.crypto;

import static io.staex.crypto.Fixtures.T0;
import static io.staex.crypto.Fixtures.YEAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.internal.KeyConversion;
import io.staex.crypto.internal.noise.EphemeralKeyGenerator;
import io.staex.crypto.internal.noise.HandshakeState;
import io.staex.crypto.internal.noise.NoiseKeyPair;
import io.staex.crypto.internal.noise.NoiseProtocol;
import io.staex.crypto.internal.noise.NoisePublicKey;
import io.staex.crypto.internal.noise.Role;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two nodes run the certificate-carrying IK handshake message by message, as a child and its
 * parent or a session's two ends would; then the attacks and failures, one per test.
 */
class HandshakeTest {
  private static final Identity NETWORK = Fixtures.identity(1);
  private static final Identity OTHER_NETWORK = Fixtures.identity(2);
  private static final Identity CHILD = Fixtures.identity(10);
  private static final Identity PARENT = Fixtures.identity(11);
  private static final Identity THIRD = Fixtures.identity(12);
  private static final Certificate CHILD_CERT = Fixtures.certificate(NETWORK, CHILD, "child");
  private static final Certificate PARENT_CERT = Fixtures.certificate(NETWORK, PARENT, "parent");
  private static final Certificate THIRD_CERT = Fixtures.certificate(NETWORK, THIRD, null);
  private static final Clock NOW = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
  private static final TrustPolicy POLICY = TrustPolicy.ofNetwork(NETWORK.address());

  private static Handshake child(Purpose purpose) {
    return Handshake.initiator(CHILD, CHILD_CERT, PARENT.address(), POLICY, purpose, NOW, Fixtures.random(3));
  }

  private static Handshake parent(Purpose purpose) {
    return Handshake.responder(PARENT, PARENT_CERT, POLICY, purpose, NOW, Fixtures.random(4));
  }

  @ParameterizedTest
  @EnumSource(Purpose.class)
  void goodHandshake_bothSidesKnowEachOtherAndShareRecordKeys(Purpose purpose) throws Exception {
    Handshake child = child(purpose);
    Handshake parent = parent(purpose);

    // The child knows its parent's address from its config and speaks first.
    byte[] m1 = child.writeMessage(bytes("hello from child"));
    assertThat(child.isEstablished()).isFalse();

    // The parent learns and checks who is calling from message 1.
    assertThat(parent.readMessage(m1)).isEqualTo(bytes("hello from child"));
    assertThat(parent.peerCertificate()).isEqualTo(CHILD_CERT);

    // Its answer completes the handshake on both sides.
    byte[] m2 = parent.writeMessage(new byte[0]);
    assertThat(parent.isEstablished()).isTrue();
    assertThat(child.readMessage(m2)).isEmpty();
    assertThat(child.isEstablished()).isTrue();

    Handshake.Established c = child.established();
    Handshake.Established p = parent.established();
    assertThat(c.peer()).isEqualTo(PARENT.address());
    assertThat(p.peer()).isEqualTo(CHILD.address());
    assertThat(c.handshakeHash()).isEqualTo(p.handshakeHash());
    assertThat(p.peerTime()).isEqualTo(NOW.instant());

    // Records flow both ways with the split keys, and not back to their sender.
    byte[] up = c.records().sealer().seal(bytes("up"), 0, 2, new byte[0]);
    byte[] down = p.records().sealer().seal(bytes("down"), 0, 4, new byte[0]);
    assertThat(p.records().opener().open(up, 0, up.length, new byte[0])).isEqualTo(bytes("up"));
    assertThat(c.records().opener().open(down, 0, down.length, new byte[0])).isEqualTo(bytes("down"));
    assertThatThrownBy(() -> c.records().opener().open(up, 0, up.length, new byte[0]))
        .isInstanceOf(RecordException.class);
  }

  @Test
  void childOfAnotherNetwork_refusedByParentAsWrongNetwork() {
    Certificate foreign = Fixtures.certificate(OTHER_NETWORK, CHILD, null);
    Handshake child =
        Handshake.initiator(CHILD, foreign, PARENT.address(), POLICY, Purpose.LINK, NOW, Fixtures.random(3));
    Handshake parent = parent(Purpose.LINK);

    byte[] m1 = child.writeMessage(new byte[0]);

    assertRejected(() -> parent.readMessage(m1), Rejection.WRONG_NETWORK);
    assertThat(parent.isFailed()).isTrue();
    assertThatThrownBy(() -> parent.writeMessage(new byte[0])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void parentOfAnotherNetwork_refusedByChildAsWrongNetwork() throws Exception {
    Certificate foreign = Fixtures.certificate(OTHER_NETWORK, PARENT, null);
    TrustPolicy parentTrustsChild = TrustPolicy.builder(OTHER_NETWORK.address()).trustNetwork(NETWORK.address()).build();
    Handshake child = child(Purpose.LINK);
    Handshake parent =
        Handshake.responder(PARENT, foreign, parentTrustsChild, Purpose.LINK, NOW, Fixtures.random(4));

    parent.readMessage(child.writeMessage(new byte[0]));
    byte[] m2 = parent.writeMessage(new byte[0]);

    assertRejected(() -> child.readMessage(m2), Rejection.WRONG_NETWORK);
    assertThat(child.isFailed()).isTrue();
  }

  @Test
  void pinnedNodeOfAnotherNetwork_accepted() throws Exception {
    Certificate foreign = Fixtures.certificate(OTHER_NETWORK, CHILD, null);
    TrustPolicy pinning = TrustPolicy.builder(NETWORK.address()).pinNode(CHILD.address()).build();
    Handshake child =
        Handshake.initiator(CHILD, foreign, PARENT.address(), POLICY, Purpose.SESSION, NOW, Fixtures.random(3));
    Handshake parent = Handshake.responder(PARENT, PARENT_CERT, pinning, Purpose.SESSION, NOW, Fixtures.random(4));

    parent.readMessage(child.writeMessage(new byte[0]));
    child.readMessage(parent.writeMessage(new byte[0]));

    assertThat(child.isEstablished() && parent.isEstablished()).isTrue();
  }

  @Test
  void expiredCertificate_refusedAsExpired() {
    Clock later = Clock.offset(NOW, YEAR.plusDays(1));
    Handshake child = child(Purpose.LINK);
    Handshake parent = Handshake.responder(PARENT, PARENT_CERT, POLICY, Purpose.LINK, later, Fixtures.random(4));

    byte[] m1 = child.writeMessage(new byte[0]);

    assertRejected(() -> parent.readMessage(m1), Rejection.EXPIRED);
  }

  @Test
  void revokedChild_refusedAsRevoked() {
    TrustPolicy revoking = TrustPolicy.builder(NETWORK.address()).revokeKey(CHILD.address()).build();
    Handshake child = child(Purpose.LINK);
    Handshake parent = Handshake.responder(PARENT, PARENT_CERT, revoking, Purpose.LINK, NOW, Fixtures.random(4));

    byte[] m1 = child.writeMessage(new byte[0]);

    assertRejected(() -> parent.readMessage(m1), Rejection.REVOKED);
  }

  @Test
  void initiatorPresentingAnotherNodesCertificate_refusedAsKeyMismatch() throws Exception {
    // THIRD's certificate is genuine and trusted, but CHILD's key made the handshake. The API
    // refuses to build such a node, so a hostile peer speaks raw Noise.
    HandshakeState impostor = rawNoise(Role.INITIATOR, CHILD, PARENT.address());
    Handshake parent = parent(Purpose.LINK);

    byte[] m1 = impostor.writeMessage(payload(THIRD_CERT));

    assertRejected(() -> parent.readMessage(m1), Rejection.KEY_MISMATCH);
  }

  @Test
  void responderPresentingAnotherNodesCertificate_refusedAsKeyMismatch() throws Exception {
    // The child dialled PARENT; whoever answers holds PARENT's key but shows THIRD's certificate.
    Handshake child = child(Purpose.LINK);
    HandshakeState impostor = rawNoise(Role.RESPONDER, PARENT, null);

    impostor.readMessage(child.writeMessage(new byte[0]));
    byte[] m2 = impostor.writeMessage(payload(THIRD_CERT));

    assertRejected(() -> child.readMessage(m2), Rejection.KEY_MISMATCH);
  }

  @Test
  void wrongResponder_cannotReadMessage1() {
    // The child dialled PARENT's address, but THIRD answers: it lacks PARENT's private key.
    Handshake child = child(Purpose.LINK);
    Handshake third = Handshake.responder(THIRD, THIRD_CERT, POLICY, Purpose.LINK, NOW, Fixtures.random(5));

    byte[] m1 = child.writeMessage(new byte[0]);

    assertThatThrownBy(() -> third.readMessage(m1))
        .isInstanceOfSatisfying(HandshakeException.class,
            e -> assertThat(e.reason()).isEqualTo(HandshakeException.Reason.NOISE));
  }

  /**
   * Every low-order X25519 key of Wycheproof (the {@code ZeroSharedSecret} vectors) put in
   * place of an ephemeral key: each side's first DH with it is all zeros, which Noise refuses
   * before any key is derived from it.
   */
  @Test
  void lowOrderEphemeralKey_refusedByResponderAndInitiator() throws Exception {
    List<byte[]> lowOrder = new ArrayList<>();
    for (Wycheproof.Group group : Wycheproof.groups("x25519_test.json")) {
      for (Wycheproof.Vector t : group.tests()) {
        if (t.hasFlag("ZeroSharedSecret")) {
          lowOrder.add(t.hex("public"));
        }
      }
    }
    assertThat(lowOrder).hasSize(31);

    for (byte[] key : lowOrder) {
      byte[] m1 = child(Purpose.LINK).writeMessage(new byte[0]);
      System.arraycopy(key, 0, m1, 0, key.length); // message 1 starts with e
      assertLowOrderRefused(() -> parent(Purpose.LINK).readMessage(m1));

      Handshake child = child(Purpose.LINK);
      Handshake parent = parent(Purpose.LINK);
      parent.readMessage(child.writeMessage(new byte[0]));
      byte[] m2 = parent.writeMessage(new byte[0]);
      System.arraycopy(key, 0, m2, 0, key.length); // and so does message 2
      assertLowOrderRefused(() -> child.readMessage(m2));
      assertThat(child.isFailed()).isTrue();
    }
  }

  private static void assertLowOrderRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(HandshakeException.class, e -> {
          assertThat(e.reason()).isEqualTo(HandshakeException.Reason.NOISE);
          assertThat(e).hasMessageContaining("low order");
        });
  }

  @Test
  void linkHandshake_cannotBeUsedAsSessionHandshake() {
    Handshake child = child(Purpose.LINK);
    Handshake parent = parent(Purpose.SESSION);

    byte[] m1 = child.writeMessage(new byte[0]);

    assertThatThrownBy(() -> parent.readMessage(m1))
        .isInstanceOfSatisfying(HandshakeException.class,
            e -> assertThat(e.reason()).isEqualTo(HandshakeException.Reason.NOISE));
  }

  @Test
  void garbageInsteadOfMessage2_failsTheChildOnly() throws Exception {
    Handshake child = child(Purpose.LINK);
    Handshake parent = parent(Purpose.LINK);
    parent.readMessage(child.writeMessage(new byte[0]));

    assertThatThrownBy(() -> child.readMessage(new byte[100])).isInstanceOf(HandshakeException.class);

    assertThat(child.isFailed()).isTrue();
    assertThatThrownBy(() -> child.readMessage(parent.writeMessage(new byte[0])))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void validNoiseMessageWithForeignPayload_refusedAsMalformed() throws Exception {
    // A peer that speaks Noise correctly but not our payload layout.
    HandshakeState raw = rawNoise(Role.INITIATOR, CHILD, PARENT.address());
    Handshake parent = parent(Purpose.LINK);

    byte[] m1 = raw.writeMessage(bytes("not a staex payload"));

    assertThatThrownBy(() -> parent.readMessage(m1))
        .isInstanceOfSatisfying(HandshakeException.class,
            e -> assertThat(e.reason()).isEqualTo(HandshakeException.Reason.MALFORMED));
  }

  @Test
  void replayedMessage1_isReadAgainWithTheOriginalTime() throws Exception {
    // IK's first message is replayable; the layer above refuses it by its time (peerTime).
    byte[] m1 = child(Purpose.LINK).writeMessage(new byte[0]);
    Clock later = Clock.offset(NOW, Duration.ofMinutes(5));
    Handshake parent = Handshake.responder(PARENT, PARENT_CERT, POLICY, Purpose.LINK, later, Fixtures.random(8));

    parent.readMessage(m1);
    parent.writeMessage(new byte[0]);

    assertThat(parent.established().peerTime()).isEqualTo(NOW.instant());
  }

  /**
   * A node of version 1 (before the UNREACHABLE frame changed) and one of version 2 refuse each
   * other at the handshake, both saying which versions met and whom to upgrade; the responder's
   * answer carries only its version, and nothing is established.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"1, 2", "2, 1", "2, 3"})
  void otherProtocolVersion_refusedAtTheHandshake_bothSidesSayWhy(int childV, int parentV)
      throws Exception {
    Handshake child = Handshake.initiator(CHILD, CHILD_CERT, PARENT.address(), POLICY,
        Purpose.LINK, NOW, Fixtures.random(1), childV);
    Handshake parent = Handshake.responder(PARENT, PARENT_CERT, POLICY, Purpose.LINK, NOW,
        Fixtures.random(2), parentV);

    byte[] m1 = child.writeMessage(bytes("hello"));
    HandshakeException atParent = catchHandshake(() -> parent.readMessage(m1));
    assertThat(atParent.reason()).isEqualTo(HandshakeException.Reason.VERSION);
    assertThat(atParent.peerVersion()).isEqualTo(childV);
    assertThat(atParent).hasMessage("peer speaks staex/" + childV + ", this node staex/"
        + parentV + ": upgrade " + (childV < parentV ? "the peer" : "this node"));
    assertThat(parent.isFailed()).isTrue();

    byte[] answer = atParent.answer().orElseThrow();
    HandshakeException atChild = catchHandshake(() -> child.readMessage(answer));
    assertThat(atChild.reason()).isEqualTo(HandshakeException.Reason.VERSION);
    assertThat(atChild).hasMessage("peer speaks staex/" + parentV + ", this node staex/"
        + childV + ": upgrade " + (parentV < childV ? "the peer" : "this node"));
    assertThat(atChild.answer()).isEmpty();
    assertThat(child.isFailed()).isTrue();
  }

  @Test
  void sameVersion_isThisNodesProtocolVersion() throws Exception {
    Handshake child = child(Purpose.LINK);
    Handshake parent = parent(Purpose.LINK);
    parent.readMessage(child.writeMessage(new byte[0]));
    child.readMessage(parent.writeMessage(new byte[0]));
    assertThat(child.isEstablished()).isTrue();
    assertThat(Handshake.PROTOCOL_VERSION).isEqualTo(5);
  }

  private static HandshakeException catchHandshake(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(HandshakeException.class);
    return (HandshakeException) t;
  }

  @Test
  void ownCertificateForAnotherKey_refusedAtOnce() {
    assertThatThrownBy(() -> Handshake.initiator(
            CHILD, PARENT_CERT, PARENT.address(), POLICY, Purpose.LINK, NOW, Fixtures.random(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("own certificate");
  }

  @Property(tries = 150)
  void bitFlipInMessage1_isRefused(@ForAll @IntRange(min = 0, max = 100_000) int position) {
    byte[] m1 = child(Purpose.LINK).writeMessage(bytes("payload"));
    int bit = position % (m1.length * 8);
    m1[bit / 8] ^= (byte) (1 << (bit % 8));

    assertThatThrownBy(() -> parent(Purpose.LINK).readMessage(m1)).isInstanceOf(HandshakeException.class);
  }

  @Property(tries = 150)
  void bitFlipInMessage2_isRefused(@ForAll @IntRange(min = 0, max = 100_000) int position) throws Exception {
    Handshake child = child(Purpose.LINK);
    Handshake parent = parent(Purpose.LINK);
    parent.readMessage(child.writeMessage(new byte[0]));
    byte[] m2 = parent.writeMessage(bytes("payload"));
    int bit = position % (m2.length * 8);
    m2[bit / 8] ^= (byte) (1 << (bit % 8));

    assertThatThrownBy(() -> child.readMessage(m2)).isInstanceOf(HandshakeException.class);
    assertThat(child.isFailed()).isTrue();
  }

  @Property(tries = 300)
  void arbitraryBytes_giveOnlyHandshakeException(@ForAll byte[] garbage) {
    Handshake parent = parent(Purpose.LINK);

    assertThatThrownBy(() -> parent.readMessage(garbage)).isInstanceOf(HandshakeException.class);
    assertThat(parent.isFailed()).isTrue();
  }

  /** A Noise IK state with the same suite and prologue as Handshake, for hostile peers. */
  private static HandshakeState rawNoise(Role role, Identity key, Address remote) {
    byte[] seed = key.exportSeed();
    HandshakeState.Builder b =
        HandshakeState.builder(NoiseProtocol.parse(Handshake.PROTOCOL), role)
            .prologue("staex/1 link".getBytes(StandardCharsets.US_ASCII))
            .localStaticKeyPair(NoiseKeyPair.fromPrivateKey(KeyConversion.convertPrivate(seed)))
            .ephemeralKeyGenerator(EphemeralKeyGenerator.random(Fixtures.random(6)));
    if (remote != null) {
      b.remoteStaticKey(NoisePublicKey.of(KeyConversion.convertPublic(remote.publicKey().toByteArray())));
    }
    return b.build();
  }

  /** A well-formed staex handshake payload carrying {@code cert}. */
  private static byte[] payload(Certificate cert) {
    byte[] der = cert.encoded().toByteArray();
    return java.nio.ByteBuffer.allocate(Handshake.HEADER_SIZE + der.length)
        .put((byte) Handshake.PROTOCOL_VERSION).put((byte) 0).putLong(NOW.millis())
        .putShort((short) der.length).put(der).array();
  }

  private static void assertRejected(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Rejection rejection) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(HandshakeException.class, e -> {
          assertThat(e.reason()).isEqualTo(HandshakeException.Reason.REJECTED);
          assertThat(e.rejection()).contains(rejection);
        });
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void secondSessionWithTheSamePeer_itsCertificateIsNotDecodedAgain() throws Exception {
    Handshake[] parents = new Handshake[2];
    for (int i = 0; i < 2; i++) {
      Handshake child = child(Purpose.SESSION);
      parents[i] = parent(Purpose.SESSION);
      parents[i].readMessage(child.writeMessage(new byte[0]));
      child.readMessage(parents[i].writeMessage(new byte[0]));
      assertThat(child.isEstablished() && parents[i].isEstablished()).isTrue();
    }

    assertThat(parents[1].peerCertificate()).isSameAs(parents[0].peerCertificate());
  }
}
