package io.staex.routing.sim;

import java.security.SecureRandom;
import java.util.Random;

/**
 * A {@link SecureRandom} whose bytes come from a seeded {@link Random}, so that the simulator's
 * keys, certificates and serial numbers are the same in every run. For simulation only: it is
 * not secure, and nothing outside this package can get one.
 */
final class SeededSecureRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;
  private final transient Random random;

  SeededSecureRandom(long seed) {
    super(new byte[0]);
    this.random = new Random(seed);
  }

  @Override
  public void nextBytes(byte[] bytes) {
    random.nextBytes(bytes);
  }

  @Override
  public byte[] generateSeed(int numBytes) {
    byte[] seed = new byte[numBytes];
    random.nextBytes(seed);
    return seed;
  }

  @Override
  public void setSeed(long seed) {
    // The constructor of SecureRandom calls this before our field exists; the seed is ours.
  }

  @Override
  public void setSeed(byte[] seed) {}
}
