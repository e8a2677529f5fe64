package io.staex.testing;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Repeatable randomness for tests: the same seed gives the same keys, certificates, graphs. */
public final class Seeded {
  private Seeded() {}

  /**
   * A SecureRandom that yields the same bytes for the same seed. SHA1PRNG is deterministic only
   * when seeded before its first use, which this does.
   */
  public static SecureRandom random(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA1PRNG is part of every JDK", e);
    }
  }
}
