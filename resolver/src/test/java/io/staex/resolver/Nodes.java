package io.staex.resolver;

import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.testing.Seeded;

/** Node addresses for tests: the same address for the same seed. */
final class Nodes {
  private Nodes() {}

  static Address address(long seed) {
    return Identity.generate(Seeded.random(seed)).address();
  }
}
