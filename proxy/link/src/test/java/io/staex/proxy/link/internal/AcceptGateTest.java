package io.staex.proxy.link.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.proxy.link.StartupLimits;
import io.staex.proxy.link.internal.AcceptGate.Admission;
import io.staex.proxy.link.internal.AcceptGate.Refusal;
import io.staex.testing.ManualClock;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gate's decisions, on a manual clock and a Random whose draws the test chooses. */
class AcceptGateTest {
  private static final Duration FIRST = Duration.ofSeconds(2);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** Draws {@code draw} every time (a drop happens when it is below the chance). */
  static Random fixed(int draw) {
    return new Random() {
      @Override
      public int nextInt(int bound) {
        return Math.min(draw, bound - 1);
      }
    };
  }

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  AcceptGate gate(int maxLinks, int perSecond, StartupLimits limits, Random random) {
    return new AcceptGate(maxLinks, perSecond, limits, clock, random);
  }

  @ParameterizedTest(name = "{0}:{1}:{2}, {3} open -> {4} per million")
  @CsvSource({
      "10, 30, 64, 0, 0",
      "10, 30, 64, 9, 0",
      "10, 30, 64, 10, 300000",
      "10, 30, 64, 37, 650000",
      "10, 30, 64, 63, 987037",
      "10, 30, 64, 64, 1000000",
      "10, 30, 64, 500, 1000000",
      "0, 0, 4, 0, 0",
      "0, 0, 4, 2, 500000",
      "4, 100, 8, 4, 1000000",
      "8, 30, 8, 7, 0",
      "8, 30, 8, 8, 1000000",
  })
  void dropChance_risesLinearlyFromRateAtStartToAllAtFull(
      int start, int rate, int full, int open, int perMillion) {
    assertThat(new StartupLimits(start, rate, full, 1, FIRST).dropPerMillion(open))
        .isEqualTo(perMillion);
  }

  @ParameterizedTest(name = "{0}:{1}:{2}, {3} per prefix")
  @CsvSource(delimiter = '|', value = {
      "-1 | 30 | 64 | 8 | start: -1 (expected: 0~full, full is 64)",
      "65 | 30 | 64 | 8 | start: 65 (expected: 0~full, full is 64)",
      "10 | 101 | 64 | 8 | rate: 101 (expected: 0~100 percent)",
      "10 | -1 | 64 | 8 | rate: -1 (expected: 0~100 percent)",
      "0 | 30 | 0 | 1 | full: 0 (expected: >= 1)",
      "10 | 30 | 64 | 0 | perPrefix: 0 (expected: 1~full, full is 64)",
      "10 | 30 | 64 | 65 | perPrefix: 65 (expected: 1~full, full is 64)",
  })
  void badLimits_clearMessage(int start, int rate, int full, int perPrefix, String message) {
    assertThatThrownBy(() -> new StartupLimits(start, rate, full, perPrefix, FIRST))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void zeroFirstMessageTimeout_clearMessage() {
    assertThatThrownBy(() -> new StartupLimits(10, 30, 64, 8, Duration.ZERO))
        .hasMessage("firstMessageTimeout: PT0S (expected: 1 ms or more)");
  }

  @ParameterizedTest(name = "{0} ~ {1}: same prefix {2}")
  @CsvSource({
      "127.0.0.1, 127.0.0.254, true",
      "127.0.0.1, 127.0.1.1, false",
      "192.0.2.7, 192.0.3.7, false",
      "2001:db8::1, 2001:db8::ffff:ffff:ffff:1, true",
      "2001:db8::1, 2001:db8:0:1::1, false",
      "::ffff:10.0.0.1, 10.0.0.2, true",
  })
  void prefixes_slash24AndSlash64(String a, String b, boolean same) {
    assertThat(SourcePrefix.of(ip(a)).equals(SourcePrefix.of(ip(b)))).isEqualTo(same);
  }

  @Test
  void ipv4MappedIpv6_countsAsItsIpv4Address() throws UnknownHostException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    mapped[12] = (byte) 192;
    mapped[13] = 0;
    mapped[14] = 2;
    mapped[15] = 9;
    InetAddress v6 = Inet6Address.getByAddress(null, mapped, null);
    assertThat(SourcePrefix.of(v6)).isEqualTo(SourcePrefix.of(ip("192.0.2.200")));
    assertThat(SourcePrefix.of(v6)).hasToString("192.0.2.0/24");
    assertThat(SourcePrefix.of(ip("2001:db8:1:2:3:4:5:6"))).hasToString("2001:db8:1:2::/64");
  }

  @Test
  void rate_perPrefixNotPerAddress_refilledBySecond() {
    AcceptGate g = gate(1024, 3, new StartupLimits(64, 30, 64, 64, FIRST), fixed(0));
    assertThat(g.admit(ip("127.0.5.1")).refusal()).isNull();
    assertThat(g.admit(ip("127.0.5.2")).refusal()).isNull();
    assertThat(g.admit(ip("127.0.5.3")).refusal()).isNull();
    assertThat(g.admit(ip("127.0.5.4")).refusal()).isEqualTo(Refusal.RATE);
    assertThat(g.admit(ip("127.0.6.1")).refusal()).isNull(); // another /24
    clock.advance(Duration.ofMillis(334));
    assertThat(g.admit(ip("127.0.5.9")).refusal()).isNull(); // one token back
    assertThat(g.admit(ip("127.0.5.9")).refusal()).isEqualTo(Refusal.RATE);
  }

  @Test
  void rateRefusal_leavesNoStartup() {
    AcceptGate g = gate(1024, 1, new StartupLimits(64, 30, 64, 64, FIRST), fixed(0));
    g.admit(ip("10.1.1.1"));
    Admission refused = g.admit(ip("10.1.1.2"));
    assertThat(refused.refusal()).isEqualTo(Refusal.RATE);
    refused.closed();
    assertThat(refused.linked()).isFalse();
    assertThat(g.startups()).isEqualTo(1);
  }

  @Test
  void full_refusesAll_untilOneEnds() {
    AcceptGate g = gate(1024, 100, new StartupLimits(4, 30, 4, 4, FIRST), fixed(999_999));
    List<Admission> open = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      Admission a = g.admit(ip("10.0." + i + ".1"));
      assertThat(a.refusal()).isNull();
      open.add(a);
    }
    assertThat(g.admit(ip("10.0.9.1")).refusal()).isEqualTo(Refusal.STARTUPS_FULL);
    open.get(0).closed();
    open.get(0).closed(); // idempotent
    assertThat(g.startups()).isEqualTo(3);
    assertThat(g.admit(ip("10.0.9.1")).refusal()).isNull();
  }

  @Test
  void perPrefixCap_otherPrefixesUnaffected() {
    AcceptGate g = gate(1024, 100, new StartupLimits(64, 30, 64, 2, FIRST), fixed(0));
    assertThat(g.admit(ip("198.51.100.1")).refusal()).isNull();
    assertThat(g.admit(ip("198.51.100.2")).refusal()).isNull();
    assertThat(g.admit(ip("198.51.100.3")).refusal()).isEqualTo(Refusal.PREFIX_FULL);
    assertThat(g.admit(ip("198.51.101.3")).refusal()).isNull();
    assertThat(g.startupPrefixes()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0} open, draw {1}: dropped {2}")
  @CsvSource({
      // start 2, rate 50, full 6: 2 open 50%, 4 open 75%
      "1, 0, false",
      "2, 499999, true",
      "2, 500000, false",
      "4, 749999, true",
      "4, 750000, false",
  })
  void earlyDrop_betweenStartAndFull_forAPrefixThatHasOne(int open, int draw, boolean dropped) {
    AcceptGate g = gate(1024, 100, new StartupLimits(2, 50, 6, 6, FIRST), fixed(draw));
    // a prefix with one startup, then other prefixes up to `open` (never dropped: none held)
    assertThat(g.admit(ip("203.0.113.1")).refusal()).isNull();
    for (int i = 1; i < open; i++) {
      assertThat(g.admit(ip("10.9." + i + ".1")).refusal()).isNull();
    }
    assertThat(g.startups()).isEqualTo(open);
    assertThat(g.admit(ip("203.0.113.2")).refusal())
        .isEqualTo(dropped ? Refusal.EARLY_DROP : null);
  }

  @Test
  void earlyDrop_neverForAPrefixWithoutStartups_butFullStillRefuses() {
    AcceptGate g = gate(1024, 100, new StartupLimits(0, 100, 3, 3, FIRST), fixed(0));
    assertThat(g.admit(ip("10.0.1.1")).refusal()).isNull();
    assertThat(g.admit(ip("10.0.1.2")).refusal()).isEqualTo(Refusal.EARLY_DROP);
    assertThat(g.admit(ip("10.0.2.1")).refusal()).isNull();
    assertThat(g.admit(ip("10.0.3.1")).refusal()).isNull();
    assertThat(g.admit(ip("10.0.4.1")).refusal()).isEqualTo(Refusal.STARTUPS_FULL);
  }

  @Test
  void maxLinks_countsEstablishedOnly() {
    AcceptGate g = gate(1, 100, new StartupLimits(64, 30, 64, 8, FIRST), fixed(0));
    Admission first = g.admit(ip("10.0.0.1"));
    Admission second = g.admit(ip("10.0.1.1"));
    assertThat(first.refusal()).isNull();
    assertThat(second.refusal()).isNull(); // handshaking: not a link yet
    assertThat(first.linked()).isTrue();
    assertThat(g.links()).isEqualTo(1);
    assertThat(second.linked()).isFalse(); // the link slot went meanwhile
    assertThat(g.startups()).isZero();
    assertThat(g.admit(ip("10.0.2.1")).refusal()).isEqualTo(Refusal.LINKS_FULL);
    first.closed();
    assertThat(g.links()).isZero();
    assertThat(g.admit(ip("10.0.2.1")).refusal()).isNull();
  }

  @Test
  void tables_stayBounded_underAFloodOfPrefixes() {
    AcceptGate g = gate(1024, 20, new StartupLimits(10, 30, 64, 8, FIRST), new Random(1));
    for (int i = 0; i < 20_000; i++) {
      Admission a = g.admit(ip("10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "."
          + (i & 0xFF)));
      assertThat(g.startupPrefixes()).isLessThanOrEqualTo(64);
      if (i % 3 == 0) {
        a.closed();
      }
    }
    assertThat(g.startups()).isBetween(1, 64);
    assertThat(g.ratePrefixes()).isLessThanOrEqualTo(4096);
  }

  /** Any sequence of admits, links and closes keeps every count within its limit. */
  @Property(tries = 200)
  void invariants_holdForAnySequence(@ForAll("ops") List<Integer> ops,
      @ForAll @IntRange(min = 0, max = 8) int start, @ForAll @IntRange(max = 100) int rate,
      @ForAll long seed) {
    StartupLimits limits = new StartupLimits(start, rate, 8, 3, FIRST);
    AcceptGate g = new AcceptGate(5, 1000, limits, clock, new Random(seed));
    List<Admission> open = new ArrayList<>();
    Map<SourcePrefix, Integer> perPrefix = new HashMap<>();
    int links = 0;
    for (int op : ops) {
      int kind = op % 3;
      int arg = op / 3;
      if (kind == 0 || open.isEmpty()) {
        Admission a = g.admit(ip("10.0." + (arg % 5) + ".1"));
        if (a.refusal() == null) {
          open.add(a);
          perPrefix.merge(a.prefix(), 1, Integer::sum);
        }
      } else {
        Admission a = open.get(arg % open.size());
        if (kind == 1) {
          if (a.linked()) {
            links++;
          }
        } else {
          a.closed();
          open.remove(a);
        }
      }
      assertThat(g.startups()).isBetween(0, 8);
      assertThat(g.links()).isBetween(0, 5);
      assertThat(g.startupPrefixes()).isLessThanOrEqualTo(g.startups());
    }
    assertThat(g.links()).isLessThanOrEqualTo(links);
    for (Admission a : open) {
      a.closed();
    }
    assertThat(g.startups()).isZero();
    assertThat(g.links()).isZero();
    assertThat(g.startupPrefixes()).isZero();
    assertThat(perPrefix.values()).allSatisfy(n -> assertThat(n).isPositive());
  }

  @Provide
  Arbitrary<List<Integer>> ops() {
    return Arbitraries.integers().between(0, 299).list().ofMaxSize(200);
  }
}
