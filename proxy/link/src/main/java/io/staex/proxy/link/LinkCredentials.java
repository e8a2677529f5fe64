package io.staex.proxy.link;

import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

/**
 * What a node needs to run link handshakes: its identity and certificate, the policy it checks
 * peers against ({@link io.staex.crypto.Purpose#LINK}), and the injected clock and randomness
 * (also used for redial jitter).
 *
 * <p>Thread-safe. The certificate may be replaced by a renewed one for the same key ({@link
 * #renew}, a node's reload): handshakes that start afterwards present it; links up already keep
 * the one their handshake presented.
 */
public final class LinkCredentials {
  private final Identity identity;
  private volatile Certificate certificate;
  private final TrustPolicy policy;
  private final Clock clock;
  private final SecureRandom random;

  public LinkCredentials(Identity identity, Certificate certificate, TrustPolicy policy,
      Clock clock, SecureRandom random) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.certificate = checked(identity, certificate);
  }

  private static Certificate checked(Identity identity, Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    if (!certificate.node().equals(identity.address())) {
      throw new IllegalArgumentException("certificate is for " + certificate.node()
          + " (expected: this node " + identity.address() + ")");
    }
    return certificate;
  }

  /**
   * From now on handshakes present {@code renewed}: a certificate for this node's key, of the
   * same network (the caller has checked it is valid).
   *
   * @throws IllegalArgumentException if it is for another key or another network
   */
  public void renew(Certificate renewed) {
    checked(identity, renewed);
    if (!renewed.network().equals(certificate.network())) {
      throw new IllegalArgumentException("certificate of network " + renewed.network()
          + " (expected: this node's network " + certificate.network() + ")");
    }
    this.certificate = renewed;
  }

  public Identity identity() {
    return identity;
  }

  /** The certificate handshakes present now. */
  public Certificate certificate() {
    return certificate;
  }

  public TrustPolicy policy() {
    return policy;
  }

  public Clock clock() {
    return clock;
  }

  public SecureRandom random() {
    return random;
  }

  @Override
  public String toString() {
    return "LinkCredentials[" + identity.address() + "]";
  }
}
