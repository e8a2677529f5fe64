package io.staex.crypto;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Repeatable keys, times and certificates for the crypto tests. */
final class Fixtures {
  /** A fixed "now" far from the UTCTime/GeneralizedTime switch of 2050. */
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final Duration YEAR = Duration.ofDays(365);

  private Fixtures() {}

  /** A SecureRandom that yields the same bytes for the same seed. */
  static SecureRandom random(long seed) {
    return io.staex.testing.Seeded.random(seed);
  }

  /** The same identity for the same seed. */
  static Identity identity(long seed) {
    return Identity.generate(random(seed));
  }

  /** A certificate valid from {@link #T0} for a year. */
  static Certificate certificate(Identity network, Identity node, String name, String... roles) {
    return Certificate.issue(
        network, node.address(), Optional.ofNullable(name), Set.of(roles), T0, T0.plus(YEAR),
        random(7));
  }
}
