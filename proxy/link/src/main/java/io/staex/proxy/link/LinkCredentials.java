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
 */
public record LinkCredentials(
    Identity identity, Certificate certificate, TrustPolicy policy, Clock clock,
    SecureRandom random) {
  public LinkCredentials {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    if (!certificate.node().equals(identity.address())) {
      throw new IllegalArgumentException("certificate is for " + certificate.node()
          + " (expected: this node " + identity.address() + ")");
    }
  }

  @Override
  public String toString() {
    return "LinkCredentials[" + identity.address() + "]";
  }
}
