package io.staex.routing.internal;

import io.staex.crypto.Address;
import io.staex.testing.fixtures.Identities;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Repeatable addresses for the graph tests, numbered in address order: {@code a(i) < a(j)} iff
 * {@code i < j}, so that tie-break expectations can be written with numbers.
 */
final class TestAddresses {
  /** How many there are; the random graphs use up to this many vertices. */
  static final int COUNT = 64;

  private static final List<Address> SORTED =
      IntStream.range(0, COUNT).mapToObj(Identities::address).sorted().toList();

  private TestAddresses() {}

  /** The {@code i}-th address in address order, 0 &lt;= i &lt; {@link #COUNT}. */
  static Address a(int i) {
    return SORTED.get(i);
  }

  /** The number of {@code address}, the inverse of {@link #a}. */
  static int number(Address address) {
    return SORTED.indexOf(address);
  }
}
