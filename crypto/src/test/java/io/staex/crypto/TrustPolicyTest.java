package io.staex.crypto;

import static io.staex.crypto.Fixtures.T0;
import static io.staex.crypto.Fixtures.YEAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrustPolicyTest {
  private static final Identity MINE = Fixtures.identity(20);
  private static final Identity PARTNER = Fixtures.identity(21);
  private static final Identity STRANGER = Fixtures.identity(22);
  private static final Identity NODE = Fixtures.identity(23);
  private static final Instant NOW = T0.plus(Duration.ofDays(30));

  private final Certificate mine = Fixtures.certificate(MINE, NODE, "camera1");
  private final Certificate partners = Fixtures.certificate(PARTNER, NODE, "camera1");
  private final Certificate strangers = Fixtures.certificate(STRANGER, NODE, "camera1");
  private final Certificate relay = Fixtures.certificate(MINE, NODE, "relay1", "relay");

  @ParameterizedTest
  @EnumSource(Purpose.class)
  void ownNetwork_accepted(Purpose purpose) {
    assertThat(TrustPolicy.ofNetwork(MINE.address()).check(mine, purpose, NOW).isAccepted())
        .isTrue();
  }

  @Test
  void extraTrustedNetwork_accepted() {
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).trustNetwork(PARTNER.address()).build();

    assertThat(policy.check(partners, Purpose.SESSION, NOW).isAccepted()).isTrue();
    assertThat(policy.check(mine, Purpose.SESSION, NOW).isAccepted()).isTrue();
    assertThat(policy.trustedNetworks()).containsExactlyInAnyOrder(MINE.address(), PARTNER.address());
  }

  @Test
  void otherNetwork_wrongNetwork() {
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).trustNetwork(PARTNER.address()).build();

    Verdict verdict = policy.check(strangers, Purpose.SESSION, NOW);

    assertThat(verdict.rejection()).isEqualTo(Rejection.WRONG_NETWORK);
    assertThat(verdict.detail()).contains(STRANGER.address().toString()).contains("not trusted");
  }

  @Test
  void pinnedNodeOfAnotherNetwork_accepted() {
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).pinNode(NODE.address()).build();

    assertThat(policy.check(strangers, Purpose.LINK, NOW).isAccepted()).isTrue();
    assertThat(policy.pinnedNodes()).containsExactly(NODE.address());
  }

  @Test
  void pinningAnotherNode_doesNotAdmitThisOne() {
    TrustPolicy policy =
        TrustPolicy.builder(MINE.address()).pinNode(Fixtures.identity(99).address()).build();

    assertThat(policy.check(strangers, Purpose.LINK, NOW).rejection())
        .isEqualTo(Rejection.WRONG_NETWORK);
  }

  @Test
  void pinnedNode_stillNeedsAValidCertificate() throws Exception {
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).pinNode(NODE.address()).build();
    byte[] der = strangers.encoded().toByteArray();
    Certificate tampered = Certificate.decode(replaceName(der, "camera1", "camera2"));

    assertThat(policy.check(strangers, Purpose.LINK, T0.plus(YEAR).plusSeconds(1)).rejection())
        .isEqualTo(Rejection.EXPIRED);
    assertThat(policy.check(tampered, Purpose.LINK, NOW).rejection())
        .isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void revokedSerial_revokedEvenWhenPinned() {
    TrustPolicy policy =
        TrustPolicy.builder(MINE.address())
            .pinNode(NODE.address())
            .revokeSerial(mine.serial())
            .build();

    Verdict verdict = policy.check(mine, Purpose.SESSION, NOW);

    assertThat(verdict.rejection()).isEqualTo(Rejection.REVOKED);
    assertThat(verdict.detail()).contains(mine.serial().toString());
  }

  @Test
  void revokedSerial_otherCertificateOfTheSameNodeAccepted() {
    Certificate renewed =
        Certificate.issue(MINE, NODE.address(), Optional.of("camera1"), Set.of(), T0,
            T0.plus(YEAR), Fixtures.random(99));
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).revokeSerial(mine.serial()).build();

    assertThat(renewed.serial()).isNotEqualTo(mine.serial());
    assertThat(policy.check(renewed, Purpose.SESSION, NOW).isAccepted()).isTrue();
  }

  @Test
  void revokedNodeKey_revokedEvenWhenPinned() {
    TrustPolicy policy =
        TrustPolicy.builder(MINE.address())
            .pinNode(NODE.address())
            .revokeKey(NODE.address())
            .build();

    assertThat(policy.check(mine, Purpose.SESSION, NOW).rejection()).isEqualTo(Rejection.REVOKED);
    assertThat(policy.check(strangers, Purpose.SESSION, NOW).rejection())
        .isEqualTo(Rejection.REVOKED);
  }

  @Test
  void revokedNetworkKey_revokedEvenWhenPinnedOrOwn() {
    TrustPolicy pinned =
        TrustPolicy.builder(MINE.address())
            .pinNode(NODE.address())
            .revokeKey(STRANGER.address())
            .build();
    TrustPolicy own = TrustPolicy.builder(MINE.address()).revokeKey(MINE.address()).build();

    Verdict verdict = pinned.check(strangers, Purpose.LINK, NOW);

    assertThat(verdict.rejection()).isEqualTo(Rejection.REVOKED);
    assertThat(verdict.detail()).contains("network key " + STRANGER.address());
    assertThat(own.check(mine, Purpose.LINK, NOW).rejection()).isEqualTo(Rejection.REVOKED);
  }

  @Test
  void revokedBeforeExpired_revocationReported() {
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).revokeKey(NODE.address()).build();

    assertThat(policy.check(mine, Purpose.LINK, T0.plus(YEAR).plusSeconds(1)).rejection())
        .isEqualTo(Rejection.REVOKED);
  }

  @Test
  void linkRequiresRelay_missingRoleWithout_acceptedWith_sessionUnaffected() {
    TrustPolicy policy =
        TrustPolicy.builder(MINE.address()).requireRole(Purpose.LINK, "relay").build();

    Verdict without = policy.check(mine, Purpose.LINK, NOW);

    assertThat(without.rejection()).isEqualTo(Rejection.MISSING_ROLE);
    assertThat(without.detail()).contains("'relay'").contains("link");
    assertThat(policy.check(relay, Purpose.LINK, NOW).isAccepted()).isTrue();
    assertThat(policy.check(mine, Purpose.SESSION, NOW).isAccepted()).isTrue();
  }

  @Test
  void twoRequiredRoles_bothNeeded() {
    TrustPolicy policy =
        TrustPolicy.builder(MINE.address())
            .requireRole(Purpose.LINK, "relay")
            .requireRole(Purpose.LINK, "gateway")
            .build();
    Certificate both = Fixtures.certificate(MINE, NODE, null, "relay", "gateway");

    assertThat(policy.check(relay, Purpose.LINK, NOW).rejection()).isEqualTo(Rejection.MISSING_ROLE);
    assertThat(policy.check(both, Purpose.LINK, NOW).isAccepted()).isTrue();
  }

  @Test
  void expiredCertificateOfTrustedNetwork_expired() {
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).trustNetwork(PARTNER.address()).build();
    Instant later = T0.plus(YEAR).plusSeconds(1);

    assertThat(policy.check(mine, Purpose.SESSION, later).rejection()).isEqualTo(Rejection.EXPIRED);
    assertThat(policy.check(partners, Purpose.SESSION, later).rejection())
        .isEqualTo(Rejection.EXPIRED);
  }

  @Test
  void notYetValidCertificate_notYetValid() {
    assertThat(
            TrustPolicy.ofNetwork(MINE.address())
                .check(mine, Purpose.SESSION, T0.minusSeconds(1))
                .rejection())
        .isEqualTo(Rejection.NOT_YET_VALID);
  }

  @Test
  void builderChangedAfterBuild_policyUnchanged() {
    TrustPolicy.Builder builder = TrustPolicy.builder(MINE.address());
    TrustPolicy policy = builder.build();

    builder.trustNetwork(STRANGER.address()).pinNode(NODE.address()).requireRole(Purpose.SESSION, "x");

    assertThat(policy.check(strangers, Purpose.SESSION, NOW).rejection())
        .isEqualTo(Rejection.WRONG_NETWORK);
    assertThat(policy.check(mine, Purpose.SESSION, NOW).isAccepted()).isTrue();
    assertThat(policy.ownNetwork()).isEqualTo(MINE.address());
  }

  private static byte[] replaceName(byte[] der, String from, String to) {
    String text = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf(from + ".staex");
    assertThat(at).isNotNegative();
    byte[] out = der.clone();
    System.arraycopy(to.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, out, at, to.length());
    return out;
  }

  @Test
  void requiredRole_isCaseInsensitiveLikeCertificates() {
    TrustPolicy policy =
        TrustPolicy.builder(MINE.address()).requireRole(Purpose.LINK, "Relay").build();

    assertThat(policy.check(relay, Purpose.LINK, T0).isAccepted()).isTrue();
  }

  @Test
  void requiredRole_thatNoCertificateCouldCarry_refusedAtOnce() {
    assertThatThrownBy(() -> TrustPolicy.builder(MINE.address()).requireRole(Purpose.LINK, "re lay"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role 're lay'");
  }

  @Test
  void reconfigure_takesTheNewRules_recheckRefusesWhatTheyNoLongerTrust() {
    TrustPolicy policy = TrustPolicy.builder(MINE.address()).trustNetwork(PARTNER.address()).build();
    assertThat(policy.recheck(partners, NOW).isAccepted()).isTrue();

    policy.reconfigure(TrustPolicy.builder(MINE.address()).revokeKey(NODE.address()).build());

    Verdict gone = policy.recheck(partners, NOW);
    assertThat(gone.rejection()).isEqualTo(Rejection.REVOKED); // revoked before untrusted
    policy.reconfigure(TrustPolicy.ofNetwork(MINE.address()));
    assertThat(policy.recheck(partners, NOW).rejection()).isEqualTo(Rejection.WRONG_NETWORK);
    assertThat(policy.check(partners, Purpose.LINK, NOW).rejection())
        .isEqualTo(Rejection.WRONG_NETWORK);
    assertThat(policy.recheck(mine, NOW).isAccepted()).isTrue();
    assertThat(policy.trustedNetworks()).containsExactly(MINE.address());
  }

  @Test
  void reconfigure_keepsSignedRevocations_refusesAnotherOwnNetwork() {
    TrustPolicy policy = TrustPolicy.ofNetwork(MINE.address());
    TrustPolicy next = TrustPolicy.builder(MINE.address()).pinNode(NODE.address()).build();
    policy.reconfigure(next);
    assertThat(policy.check(strangers, Purpose.SESSION, NOW).isAccepted()).isTrue();

    assertThatThrownBy(() -> policy.reconfigure(TrustPolicy.ofNetwork(PARTNER.address())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("own network");
    assertThat(policy.revocations()).isNotSameAs(next.revocations());
  }
}
