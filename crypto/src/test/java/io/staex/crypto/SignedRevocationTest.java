package io.staex.crypto;

import static io.staex.crypto.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedRevocationTest {
  private static final Identity NETWORK = Fixtures.identity(40);
  private static final Identity OTHER = Fixtures.identity(41);
  private static final Identity NODE = Fixtures.identity(42);
  private static final Identity PEER = Fixtures.identity(43);
  private static final Instant NOW = T0.plus(Duration.ofDays(30));

  private final Certificate node = Fixtures.certificate(NETWORK, NODE, "camera1");
  /** Another serial: Fixtures' certificates all share one. */
  private final Certificate peer = Certificate.issue(NETWORK, PEER.address(),
      java.util.Optional.of("camera2"), java.util.Set.of(), T0, T0.plus(Fixtures.YEAR),
      Fixtures.random(8));
  private final Certificate nodeOfOther = Fixtures.certificate(OTHER, NODE, "camera1");

  @Test
  void nodeRevocation_roundTripsVerifiesAndCoversOnlyItsNetwork() throws Exception {
    SignedRevocation r = SignedRevocation.ofNode(NETWORK, NODE.address(), NOW.plusMillis(700));

    SignedRevocation back = SignedRevocation.decode(r.encoded().toByteArray());

    assertThat(back).isEqualTo(r);
    assertThat(back.verify()).isTrue();
    assertThat(back.kind()).isEqualTo(SignedRevocation.Kind.NODE);
    assertThat(back.node()).contains(NODE.address());
    assertThat(back.network()).isEqualTo(NETWORK.address());
    assertThat(back.issuedAt()).isEqualTo(NOW);
    assertThat(back.covers(node)).isTrue();
    assertThat(back.covers(peer)).isFalse();
    assertThat(back.covers(nodeOfOther)).as("a network revokes only its own certificates").isFalse();
  }

  @Test
  void serialRevocation_coversExactlyThatCertificate() throws Exception {
    SignedRevocation r = SignedRevocation.ofSerial(NETWORK, node.serial(), NOW);

    SignedRevocation back = SignedRevocation.decode(r.encoded().toByteArray());

    assertThat(back.verify()).isTrue();
    assertThat(back.serial()).contains(node.serial());
    assertThat(back.covers(node)).isTrue();
    assertThat(back.covers(peer)).isFalse();
    assertThat(back.target()).isEqualTo("serial " + node.serial().toString(16));
  }

  @Test
  void everyFlippedBit_failsToDecodeOrToVerify() {
    byte[] good = SignedRevocation.ofNode(NETWORK, NODE.address(), NOW).encoded().toByteArray();
    for (int i = 0; i < good.length * 8; i++) {
      byte[] bad = good.clone();
      bad[i / 8] ^= (byte) (1 << (i % 8));
      try {
        assertThat(SignedRevocation.decode(bad).verify()).as("bit %d", i).isFalse();
      } catch (BadRevocationException e) {
        assertThat(e.getMessage()).startsWith("not a staex revocation: ");
      }
    }
  }

  @Test
  void signatureOfAnotherKey_doesNotVerify() throws Exception {
    byte[] mine = SignedRevocation.ofNode(NETWORK, NODE.address(), NOW).encoded().toByteArray();
    byte[] theirs = SignedRevocation.ofNode(OTHER, NODE.address(), NOW).encoded().toByteArray();
    // their body signed by them, claimed for us: swap in our network key
    System.arraycopy(mine, 2, theirs, 2, Address.KEY_SIZE);

    assertThat(SignedRevocation.decode(theirs).verify()).isFalse();
  }

  @Test
  void decode_refusesWhatIsNotOneCanonicalRevocation() {
    byte[] good = SignedRevocation.ofSerial(NETWORK, BigInteger.valueOf(0x1234), NOW)
        .encoded().toByteArray();
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    byte[] shorter = java.util.Arrays.copyOf(good, good.length - 1);
    byte[] version = good.clone();
    version[0] = 2;
    byte[] kind = good.clone();
    kind[1] = 3;
    byte[] zeroLength = good.clone();
    zeroLength[2 + Address.KEY_SIZE + 8] = 0;

    assertThatThrownBy(() -> SignedRevocation.decode(longer)).hasMessageContaining("after the body");
    assertThatThrownBy(() -> SignedRevocation.decode(shorter)).hasMessageContaining("after the body");
    assertThatThrownBy(() -> SignedRevocation.decode(version)).hasMessageContaining("version 2");
    assertThatThrownBy(() -> SignedRevocation.decode(kind)).hasMessageContaining("kind 3");
    assertThatThrownBy(() -> SignedRevocation.decode(zeroLength)).hasMessageContaining("serial of 0");
    assertThatThrownBy(() -> SignedRevocation.decode(new byte[300])).hasMessageContaining("300 bytes");
    assertThatThrownBy(() -> SignedRevocation.decode(new byte[5])).hasMessageContaining("truncated");
    assertThatThrownBy(() -> SignedRevocation.ofSerial(NETWORK, BigInteger.ZERO, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pemFile_roundTrips(@TempDir Path dir) throws Exception {
    SignedRevocation r = SignedRevocation.ofNode(NETWORK, NODE.address(), NOW);
    Path file = dir.resolve("camera1.revocation");

    r.write(file, false);

    assertThat(Files.readString(file)).startsWith("-----BEGIN STAEX REVOCATION-----");
    assertThat(SignedRevocation.read(file)).isEqualTo(r);
    assertThatThrownBy(() -> r.write(file, false)).isInstanceOf(KeyFileException.class);
    node.write(dir.resolve("x.crt"), false);
    assertThatThrownBy(() -> SignedRevocation.read(dir.resolve("x.crt")))
        .hasMessageContaining("PEM type 'CERTIFICATE' (expected: STAEX REVOCATION)");
  }

  @Test
  void policy_appliesTrustedRevocationsOnce_andRefusesWhatItCovers() {
    TrustPolicy policy = TrustPolicy.builder(NETWORK.address()).trustNetwork(OTHER.address())
        .maxRevocations(2).build();
    assertThat(policy.check(node, Purpose.LINK, NOW).isAccepted()).isTrue();

    SignedRevocation r = SignedRevocation.ofNode(NETWORK, NODE.address(), NOW);
    assertThat(policy.revoke(r)).isEqualTo(Revocations.Outcome.APPLIED);
    assertThat(policy.revoke(SignedRevocation.ofNode(NETWORK, NODE.address(), NOW.plusSeconds(5))))
        .isEqualTo(Revocations.Outcome.KNOWN);

    Verdict v = policy.check(node, Purpose.LINK, NOW);
    assertThat(v.rejection()).isEqualTo(Rejection.REVOKED);
    assertThat(v.detail()).contains("revoked by network " + NETWORK.address());
    assertThat(policy.recheck(node, NOW).rejection()).isEqualTo(Rejection.REVOKED);
    assertThat(policy.check(peer, Purpose.LINK, NOW).isAccepted()).isTrue();
    assertThat(policy.check(nodeOfOther, Purpose.LINK, NOW).isAccepted())
        .as("the same key certified by the other trusted network is not revoked by ours").isTrue();
    assertThat(policy.revocations().all()).containsExactly(r);
    assertThat(policy.revocations().applied()).isEqualTo(1);
    assertThat(policy.revocations().known()).isEqualTo(1);
  }

  @Test
  void policy_refusesForgedUntrustedAndOverTheLimit() {
    Identity stranger = Fixtures.identity(44);
    TrustPolicy policy = TrustPolicy.builder(NETWORK.address()).maxRevocations(1).build();
    byte[] forged = SignedRevocation.ofNode(NETWORK, NODE.address(), NOW).encoded().toByteArray();
    forged[forged.length - 1] ^= 1;

    assertThat(policy.revoke(decode(forged))).isEqualTo(Revocations.Outcome.BAD_SIGNATURE);
    assertThat(policy.revoke(SignedRevocation.ofNode(stranger, NODE.address(), NOW)))
        .isEqualTo(Revocations.Outcome.UNTRUSTED_NETWORK);
    assertThat(policy.check(node, Purpose.LINK, NOW).isAccepted()).isTrue();
    assertThat(policy.revoke(SignedRevocation.ofNode(NETWORK, PEER.address(), NOW)))
        .isEqualTo(Revocations.Outcome.APPLIED);
    assertThat(policy.revoke(SignedRevocation.ofNode(NETWORK, NODE.address(), NOW)))
        .isEqualTo(Revocations.Outcome.FULL);
    assertThat(policy.revocations().invalid()).isEqualTo(2);
    assertThat(policy.revocations().refusedFull()).isEqualTo(1);
    assertThat(policy.revocations().size()).isEqualTo(1);
  }

  @Test
  void recheck_expiresAfterNotAfter() {
    TrustPolicy policy = TrustPolicy.ofNetwork(NETWORK.address());

    assertThat(policy.recheck(node, node.notAfter()).isAccepted()).isTrue();
    assertThat(policy.recheck(node, node.notAfter().plusMillis(1)).rejection())
        .isEqualTo(Rejection.EXPIRED);
  }

  @Test
  void concurrentRevokes_applyEachTargetOnce() throws Exception {
    TrustPolicy policy = TrustPolicy.builder(NETWORK.address()).maxRevocations(1000).build();
    List<SignedRevocation> rs = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      rs.add(SignedRevocation.ofSerial(NETWORK, BigInteger.valueOf(i), NOW));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          go.await();
          rs.forEach(policy::revoke);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(policy.revocations().applied()).isEqualTo(50);
    assertThat(policy.revocations().known()).isEqualTo(150);
    assertThat(policy.revocations().all()).hasSize(50);
  }

  private static SignedRevocation decode(byte[] bytes) {
    try {
      return SignedRevocation.decode(bytes);
    } catch (BadRevocationException e) {
      throw new AssertionError(e);
    }
  }
}
