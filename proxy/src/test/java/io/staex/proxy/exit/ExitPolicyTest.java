package io.staex.proxy.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitPolicyTest {
  static InetAddress ip(String s) {
    return ExitPolicy.literal(s);
  }

  static ExitRefusal check(ExitPolicy p, String host, String address) {
    return p.check(host, ip(address));
  }

  @Test
  void specialAddresses_v4_v6_andV4InsideV6() {
    ExitPolicy p = ExitPolicy.of(List.of(), true);
    for (String a : List.of("127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "::127.0.0.1",
        "64:ff9b::7f00:1", "2002:7f00:1::")) {
      assertThat(check(p, a, a)).as(a).isEqualTo(ExitRefusal.LOOPBACK);
    }
    for (String a : List.of("10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "100.64.0.1", "fc00::1", "fd12::1", "fec0::1", "::ffff:10.1.2.3", "::ffff:192.168.0.1")) {
      assertThat(check(p, a, a)).as(a).isEqualTo(ExitRefusal.PRIVATE);
    }
    for (String a : List.of("169.254.169.254", "fe80::1", "::ffff:169.254.169.254")) {
      assertThat(check(p, a, a)).as(a).isEqualTo(ExitRefusal.LINK_LOCAL);
    }
    for (String a : List.of("224.0.0.1", "239.1.1.1", "255.255.255.255", "ff02::1")) {
      assertThat(check(p, a, a)).as(a).isEqualTo(ExitRefusal.MULTICAST);
    }
    for (String a : List.of("0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.0.0")) {
      assertThat(check(p, a, a)).as(a).isEqualTo(ExitRefusal.UNSPECIFIED);
    }
    for (String a : List.of("1.1.1.1", "172.32.0.1", "8.8.8.8", "2606:4700::1111",
        "::ffff:8.8.8.8", "100.128.0.1")) {
      assertThat(check(p, a, a)).as(a).isNull();
    }
  }

  @Test
  void aNameIsJudgedByItsAddress_notItsDomain() {
    ExitPolicy p = ExitPolicy.of(List.of("example.com"), true);
    // DNS rebinding: a listed domain that resolves into the LAN is still refused
    assertThat(check(p, "evil.example.com", "192.168.1.1")).isEqualTo(ExitRefusal.PRIVATE);
    assertThat(check(p, "www.example.com", "93.184.216.34")).isNull();
    assertThat(check(p, "example.com", "93.184.216.34")).isNull();
    assertThat(p.checkBeforeLookup("notexample.com", 80)).isEqualTo(ExitRefusal.DESTINATION);
    assertThat(p.checkBeforeLookup("a.example.com", 80)).isNull();
  }

  @Test
  void aListedCidrInsideTheRange_unlocksIt_butAnyPublicDoesNot() {
    ExitPolicy p = ExitPolicy.of(List.of("0.0.0.0/0", "::/0", "127.0.0.2/32", "10.0.0.0/8"), true);
    assertThat(check(p, "127.0.0.2", "127.0.0.2")).isNull();
    assertThat(check(p, "::ffff:127.0.0.2", "::ffff:127.0.0.2")).isNull();
    assertThat(check(p, "127.0.0.1", "127.0.0.1")).isEqualTo(ExitRefusal.LOOPBACK);
    assertThat(check(p, "10.9.9.9", "10.9.9.9")).isNull();
    assertThat(check(p, "192.168.0.1", "192.168.0.1")).isEqualTo(ExitRefusal.PRIVATE);
    assertThat(check(p, "1.1.1.1", "1.1.1.1")).isNull();
    assertThat(check(p, "0.0.0.0", "0.0.0.0")).isEqualTo(ExitRefusal.UNSPECIFIED);
  }

  @Test
  void cidrsAndPortsRestrict() {
    ExitPolicy p = ExitPolicy.of(List.of("203.0.113.0/24", "443", "8000-8100"), true);
    assertThat(p.checkBeforeLookup("x.example", 80)).isEqualTo(ExitRefusal.PORT);
    assertThat(p.checkBeforeLookup("x.example", 8050)).isNull();
    assertThat(check(p, "x.example", "203.0.113.9")).isNull();
    assertThat(check(p, "x.example", "198.51.100.1")).isEqualTo(ExitRefusal.DESTINATION);
  }

  @Test
  void withoutDenyPrivate_onlyUnspecifiedIsRefused() {
    ExitPolicy p = ExitPolicy.of(List.of(), false);
    assertThat(check(p, "10.0.0.1", "10.0.0.1")).isNull();
    assertThat(check(p, "0.0.0.0", "0.0.0.0")).isEqualTo(ExitRefusal.UNSPECIFIED);
  }

  @Test
  void badEntries_areNamed() {
    for (String bad : List.of("10.0.0.0/33", "0", "70000", "90-80", "exa mple.com", "1.2.3.4/x")) {
      assertThatThrownBy(() -> ExitPolicy.of(List.of(bad), true)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
    }
  }
}
