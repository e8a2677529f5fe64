package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.Purpose;
import io.staex.crypto.Rejection;
import io.staex.crypto.TrustPolicy;
import io.staex.testing.fixtures.Identities;
import io.staex.testing.fixtures.TestNetwork;
import io.staex.testing.fixtures.Validity;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustConfigTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Identity OWN = Identities.identity(10);
  private static final Identity PARTNER = Identities.identity(11);
  private static final Identity NODE = Identities.identity(12);

  @Test
  void policy_trustsOwnAndListedNetworksAndPinsNodes() {
    TrustConfig trust =
        new TrustConfig(List.of(PARTNER.address()), List.of(NODE.address()), List.of(), 5);

    TrustPolicy policy = trust.policy(OWN.address());

    assertThat(policy.trustedNetworks())
        .containsExactlyInAnyOrder(OWN.address(), PARTNER.address());
    assertThat(policy.pinnedNodes()).containsExactly(NODE.address());
  }

  @Test
  void policy_refusesRevokedSerialAndKey() {
    Certificate cert = certificate(PARTNER);
    TrustConfig bySerial = new TrustConfig(
        List.of(PARTNER.address()), List.of(), List.of(new Revocation.Serial(cert.serial())), 5);
    TrustConfig byKey = new TrustConfig(
        List.of(PARTNER.address()), List.of(), List.of(new Revocation.Key(PARTNER.address())), 5);
    TrustConfig none = new TrustConfig(List.of(PARTNER.address()), List.of(), List.of(), 5);

    assertThat(none.policy(OWN.address()).check(cert, Purpose.SESSION, NOW).isAccepted()).isTrue();
    assertThat(bySerial.policy(OWN.address()).check(cert, Purpose.SESSION, NOW).rejection())
        .isEqualTo(Rejection.REVOKED);
    assertThat(byKey.policy(OWN.address()).check(cert, Purpose.SESSION, NOW).rejection())
        .isEqualTo(Rejection.REVOKED);
  }

  @Test
  void lists_copiedAndImmutable() {
    List<Revocation> revoked = new ArrayList<>();
    TrustConfig trust = new TrustConfig(List.of(), List.of(), revoked, 5);
    revoked.add(new Revocation.Serial(BigInteger.ONE));

    assertThat(trust.revoked()).isEmpty();
    assertThatThrownBy(() -> trust.revoked().add(new Revocation.Serial(BigInteger.TWO)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(TrustConfig.none(7)).isEqualTo(new TrustConfig(List.of(), List.of(), List.of(), 7));
  }

  @Test
  void policy_holdsAtMostMaxRevocations() {
    TrustPolicy policy = TrustConfig.none(1).policy(OWN.address());

    assertThat(policy.revocations().max()).isEqualTo(1);
    assertThatThrownBy(() -> TrustConfig.none(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static Certificate certificate(Identity network) {
    return TestNetwork.of(network).certify(NODE.address())
        .validity(new Validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1))))
        .issue();
  }
}
