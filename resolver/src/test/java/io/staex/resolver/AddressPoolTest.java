package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import io.staex.testing.ManualClock;
import io.staex.testing.fixtures.Identities;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressPoolTest {
  private static final Duration TTL = Duration.ofHours(1);
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

  @Test
  void sameNode_getsSameAddress_andLookupFindsIt() {
    AddressPool pool = new AddressPool(Cidr.parse("127.77.0.0/16"), TTL, clock);
    Address a = Identities.address(1);
    Address b = Identities.address(2);
    InetAddress ipA = pool.assign(a);
    assertThat(ipA.getHostAddress()).isEqualTo("127.77.0.1");
    assertThat(pool.assign(b).getHostAddress()).isEqualTo("127.77.0.2");
    clock.advance(Duration.ofMinutes(59));
    assertThat(pool.assign(a)).isEqualTo(ipA);
    assertThat(pool.lookup(ipA)).contains(a);
    assertThat(pool.size()).isEqualTo(2);
  }

  @Test
  void unusedEntry_isReclaimedAfterTtl() throws Exception {
    AddressPool pool = new AddressPool(Cidr.parse("127.77.0.0/16"), TTL, clock);
    Address a = Identities.address(1);
    InetAddress ip = pool.assign(a);
    clock.advance(Duration.ofMinutes(50));
    assertThat(pool.lookup(ip)).contains(a); // used: the hour starts again
    clock.advance(Duration.ofMinutes(59));
    assertThat(pool.peek(ip)).contains(a);
    clock.advance(Duration.ofMinutes(1));
    assertThat(pool.lookup(ip)).isEmpty();
    assertThat(pool.size()).isZero();
    assertThat(pool.assign(a)).isNotEqualTo(ip); // round robin: a fresh address
  }

  @Test
  void slash30_hasTwoHosts_thenExhausted_untilOneExpires() throws Exception {
    AddressPool pool = new AddressPool(Cidr.parse("10.0.0.0/30"), TTL, clock);
    Set<String> given = new HashSet<>();
    given.add(pool.assign(Identities.address(1)).getHostAddress());
    clock.advance(Duration.ofMinutes(30));
    given.add(pool.assign(Identities.address(2)).getHostAddress());
    assertThat(given).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThatThrownBy(() -> pool.assign(Identities.address(3)))
        .isInstanceOf(PoolExhaustedException.class)
        .hasMessage("address pool 10.0.0.0/30 exhausted: 2 nodes in use (dns.pool)");
    assertThat(pool.lookup(InetAddress.getByName("10.0.0.3"))).isEmpty(); // broadcast
    assertThat(pool.lookup(InetAddress.getByName("10.0.0.0"))).isEmpty(); // network
    clock.advance(Duration.ofMinutes(30));
    assertThat(pool.assign(Identities.address(3)).getHostAddress()).isEqualTo("10.0.0.1");
    assertThat(pool.lookup(InetAddress.getByName("10.0.0.2"))).contains(Identities.address(2));
  }

  @Test
  void addressesOutsideThePrefix_findNothing() throws Exception {
    AddressPool pool = new AddressPool(Cidr.parse("127.77.0.0/16"), TTL, clock);
    pool.assign(Identities.address(1));
    assertThat(pool.lookup(InetAddress.getByName("127.78.0.1"))).isEmpty();
    assertThat(pool.lookup(InetAddress.getByName("::1"))).isEmpty();
    assertThat(pool.contains(InetAddress.getByName("127.77.255.255"))).isTrue();
    assertThat(pool.contains(InetAddress.getByName("127.78.0.0"))).isFalse();
  }

  @Test
  void badPrefixes_areRefusedWithWhatIsExpected() {
    for (String bad : new String[] {"127.77.0.0", "127.77.0.0/31", "127.0.0.0/7",
        "127.77.0.1/16", "300.0.0.0/16", "127.077.0.0/16", "::1/64", "a.b.c.d/8"}) {
      assertThatThrownBy(() -> Cidr.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected: ");
    }
    assertThatThrownBy(() -> new AddressPool(Cidr.parse("127.77.0.1/16"), TTL, clock))
        .hasMessage("'127.77.0.1/16' has host bits set (expected: 127.77.0.0/16)");
    assertThatThrownBy(() -> new AddressPool(Cidr.parse("127.77.0.0/16"), Duration.ZERO, clock))
        .hasMessage("ttl: PT0S (expected: > 0)");
  }

  @Test
  void fullPoolOf2To14_eachFurtherAllocation_looksAtAtMostTwoCandidates() {
    // The old pool scanned every address here; the count of candidates proves no scan without
    // measuring time. 2^14 rather than 2^16 only because making addresses (keys) is slow.
    AddressPool pool = new AddressPool(Cidr.parse("127.77.0.0/18"), TTL, clock);
    int hosts = 16382;
    List<Address> nodes = new ArrayList<>(hosts + 100);
    for (int i = 0; i < hosts + 100; i++) {
      nodes.add(Identities.address(i));
    }
    for (int i = 0; i < hosts; i++) {
      pool.assign(nodes.get(i));
      clock.advance(Duration.ofMillis(10)); // the first expires first
    }
    assertThat(pool.candidates()).isEqualTo(hosts); // one each: never-used addresses in order
    for (int i = 0; i < 100; i++) {
      long before = pool.candidates();
      Address extra = nodes.get(hosts + i);
      assertThatThrownBy(() -> pool.assign(extra)).isInstanceOf(PoolExhaustedException.class);
      assertThat(pool.candidates() - before).isLessThanOrEqualTo(2);
    }
    clock.advance(TTL.minusMillis(10L * hosts).plusMillis(5)); // only nodes[0] has expired
    long before = pool.candidates();
    assertThat(pool.assign(nodes.get(hosts)).getHostAddress()).isEqualTo("127.77.0.1");
    assertThat(pool.candidates() - before).isLessThanOrEqualTo(2);
    assertThatThrownBy(() -> pool.assign(nodes.get(hosts + 1)))
        .isInstanceOf(PoolExhaustedException.class)
        .hasMessage("address pool 127.77.0.0/18 exhausted: 16382 nodes in use (dns.pool)");
    assertThat(pool.lookup(Cidr.toAddress(Cidr.parse("127.77.0.0/18").host(1))))
        .contains(nodes.get(1));
  }

  @Test
  void rateLimitedAssign_answersExistingNodes_refusesNewOnesWithoutTakingAnAddress() {
    AddressPool pool = new AddressPool(Cidr.parse("10.0.0.0/30"), TTL, clock);
    Address a = Identities.address(1);
    InetAddress ip = pool.assign(a);
    assertThat(pool.assign(a, () -> false)).contains((java.net.Inet4Address) ip);
    assertThat(pool.assign(Identities.address(2), () -> false)).isEmpty();
    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.assign(Identities.address(2), () -> true)).isPresent();
  }

  @Test
  void reclaimedAddresses_areReusedOldestFirst_afterNeverUsedOnes() throws Exception {
    AddressPool pool = new AddressPool(Cidr.parse("10.0.0.0/29"), TTL, clock); // 6 hosts
    pool.assign(Identities.address(1)); // .1
    pool.assign(Identities.address(2)); // .2
    clock.advance(TTL);
    assertThat(pool.lookup(InetAddress.getByName("10.0.0.2"))).isEmpty(); // freed first
    assertThat(pool.lookup(InetAddress.getByName("10.0.0.1"))).isEmpty();
    for (int i = 3; i <= 6; i++) {
      assertThat(pool.assign(Identities.address(i)).getHostAddress()).isEqualTo("10.0.0." + i);
    }
    assertThat(pool.assign(Identities.address(7)).getHostAddress()).isEqualTo("10.0.0.2");
    assertThat(pool.assign(Identities.address(8)).getHostAddress()).isEqualTo("10.0.0.1");
  }
}
