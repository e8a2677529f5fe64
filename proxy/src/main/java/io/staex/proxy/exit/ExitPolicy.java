package io.staex.proxy.exit;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which destinations an exit node connects to ({@code exit.destinations}, {@code
 * exit.deny-private}). Entries are of three kinds:
 *
 * <pre>
 *   "203.0.113.0/24", "2001:db8::/32", "127.0.0.2"   a CIDR (an address alone: /32 or /128)
 *   "example.com", ".example.com", "*.example.com"  a domain suffix: the name and below it
 *   "443", "8000-8100"                               a port or a range of ports
 * </pre>
 *
 * With ports listed, the port must be one of them; with CIDRs or domains listed, the name must
 * end in a listed domain or the address be in a listed CIDR; an empty kind allows all. Then,
 * with {@code deny-private}, an address that is loopback, private, link-local, multicast or
 * broadcast is refused unless a listed CIDR inside that special range holds it ({@code
 * 127.0.0.2/32} or {@code 10.0.0.0/8} do; {@code 0.0.0.0/0}, which lists every public address,
 * does not), and a domain never unlocks one (the name is
 * resolved here and its address decides, so a name that resolves into the LAN, DNS rebinding,
 * is refused like the address itself). Unspecified addresses are always refused. IPv6 forms that
 * embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are
 * judged by the IPv4 address inside. Immutable, thread-safe.
 */
public final class ExitPolicy {
  private final List<Cidr> cidrs;
  private final List<String> domains;
  private final List<int[]> ports;
  private final boolean denyPrivate;

  private static final class Cidr {
    private final byte[] network;
    private final int bits;

    Cidr(byte[] network, int bits) {
      this.network = network.clone();
      this.bits = bits;
    }

    boolean contains(byte[] a) {
      if (a.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (network[full] & mask);
    }
  }

  private ExitPolicy(List<Cidr> cidrs, List<String> domains, List<int[]> ports,
      boolean denyPrivate) {
    this.cidrs = cidrs;
    this.domains = domains;
    this.ports = ports;
    this.denyPrivate = denyPrivate;
  }

  /**
   * Parses {@code exit.destinations}.
   *
   * @throws IllegalArgumentException naming the entry that is none of the three kinds
   */
  public static ExitPolicy of(List<String> destinations, boolean denyPrivate) {
    List<Cidr> cidrs = new ArrayList<>();
    List<String> domains = new ArrayList<>();
    List<int[]> ports = new ArrayList<>();
    for (String raw : destinations) {
      String e = Objects.requireNonNull(raw, "destination").trim().toLowerCase(Locale.ROOT);
      if (e.matches("[0-9]+(-[0-9]+)?")) {
        int dash = e.indexOf('-');
        int lo = port(raw, dash < 0 ? e : e.substring(0, dash));
        int hi = dash < 0 ? lo : port(raw, e.substring(dash + 1));
        if (hi < lo) {
          throw bad(raw, "a range from high to low");
        }
        ports.add(new int[] {lo, hi});
      } else if (e.indexOf('/') >= 0 || NetUtil.isValidIpV4Address(e)
          || NetUtil.isValidIpV6Address(e)) {
        cidrs.add(cidr(raw, e));
      } else {
        String d = e.startsWith("*.") ? e.substring(2) : e.startsWith(".") ? e.substring(1) : e;
        if (d.endsWith(".")) {
          d = d.substring(0, d.length() - 1);
        }
        if (!d.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
          throw bad(raw, "not a CIDR, a domain or a port");
        }
        domains.add(d);
      }
    }
    return new ExitPolicy(List.copyOf(cidrs), List.copyOf(domains), List.copyOf(ports),
        denyPrivate);
  }

  private static IllegalArgumentException bad(String raw, String why) {
    return new IllegalArgumentException("exit.destinations: \"" + raw + "\": " + why
        + " (expected: a CIDR such as 203.0.113.0/24, a domain such as example.com, a port"
        + " such as 443 or a range such as 8000-8100)");
  }

  private static int port(String raw, String s) {
    int p;
    try {
      p = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw bad(raw, "port out of range");
    }
    if (p < 1 || p > 65535) {
      throw bad(raw, "port " + p + " out of 1~65535");
    }
    return p;
  }

  private static Cidr cidr(String raw, String e) {
    int slash = e.indexOf('/');
    String a = slash < 0 ? e : e.substring(0, slash);
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(a);
    if (bytes == null) {
      throw bad(raw, "not an IP address before the /");
    }
    int bits = bytes.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(e.substring(slash + 1));
      } catch (NumberFormatException ex) {
        throw bad(raw, "not a prefix length after the /");
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw bad(raw, "prefix length " + bits + " out of 0~" + bytes.length * 8);
      }
    }
    return new Cidr(bytes, bits);
  }

  /**
   * The check before any lookup: the port, and a name's domain when only domains are listed.
   * {@code host} is a name or an IP literal. Null when it may go on to be resolved.
   */
  public ExitRefusal checkBeforeLookup(String host, int port) {
    if (!ports.isEmpty() && ports.stream().noneMatch(r -> port >= r[0] && port <= r[1])) {
      return ExitRefusal.PORT;
    }
    boolean literal = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    if (!literal && cidrs.isEmpty() && !domains.isEmpty() && !domainListed(host)) {
      return ExitRefusal.DESTINATION;
    }
    return null;
  }

  /**
   * The check of the address the exit would connect to, resolved from {@code host} here. Null
   * when the exit may connect to it.
   */
  public ExitRefusal check(String host, InetAddress address) {
    byte[] raw = address.getAddress();
    byte[] v4 = address instanceof Inet6Address ? embeddedV4(raw) : null;
    boolean listed = cidrs.stream().anyMatch(c -> c.contains(raw) || (v4 != null && c.contains(v4)));
    if (!listed && !(cidrs.isEmpty() && domains.isEmpty()) && !domainListed(host)) {
      return ExitRefusal.DESTINATION;
    }
    ExitRefusal kind = kind(address);
    if (kind == null) {
      return null;
    }
    if (kind == ExitRefusal.UNSPECIFIED || !denyPrivate) {
      return kind == ExitRefusal.UNSPECIFIED ? kind : null;
    }
    // Unlocked only by a listed CIDR inside the special range: 127.0.0.2/32 or 10.0.0.0/8 do,
    // 0.0.0.0/0 (any public address) does not.
    int special = specialPrefix(v4 != null && kindV4(v4) != null ? v4 : raw);
    boolean unlocked = cidrs.stream().anyMatch(c -> c.bits >= special
        && (c.contains(raw) || (v4 != null && c.contains(v4))));
    return unlocked ? null : kind;
  }

  /** The prefix length of the special range {@code b} (known special) is in. */
  private static int specialPrefix(byte[] b) {
    int b0 = b[0] & 0xFF;
    if (b.length == 4) {
      if (b0 == 127 || b0 == 10 || b0 == 0) {
        return 8;
      }
      if (b0 == 172) {
        return 12;
      }
      if (b0 == 100) {
        return 10;
      }
      if (b0 >= 224) {
        return 4;
      }
      return 16; // 192.168/16, 169.254/16
    }
    if (b0 == 0xFF) {
      return 8;
    }
    if ((b0 & 0xFE) == 0xFC) {
      return 7;
    }
    if (b0 == 0xFE) {
      return 10;
    }
    return 128; // ::1
  }

  private boolean domainListed(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    for (String d : domains) {
      if (h.equals(d) || h.endsWith("." + d)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What kind of special address {@code a} is, or null for a public one: LOOPBACK, PRIVATE,
   * LINK_LOCAL, MULTICAST (and broadcast) or UNSPECIFIED.
   */
  public static ExitRefusal kind(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return kindV4(b);
    }
    byte[] v4 = embeddedV4(b);
    if (v4 != null) {
      ExitRefusal k = kindV4(v4);
      if (k != null) {
        return k;
      }
    }
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    if (a.isAnyLocalAddress()) {
      return ExitRefusal.UNSPECIFIED;
    }
    if (a.isLoopbackAddress()) {
      return ExitRefusal.LOOPBACK;
    }
    if (b0 == 0xFF) {
      return ExitRefusal.MULTICAST;
    }
    if (b0 == 0xFE && (b1 & 0xC0) == 0x80) {
      return ExitRefusal.LINK_LOCAL;
    }
    if ((b0 & 0xFE) == 0xFC || (b0 == 0xFE && (b1 & 0xC0) == 0xC0)) {
      return ExitRefusal.PRIVATE; // unique local fc00::/7, old site-local fec0::/10
    }
    return null;
  }

  private static ExitRefusal kindV4(byte[] b) {
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    if (b0 == 0) {
      return ExitRefusal.UNSPECIFIED; // 0.0.0.0/8: "this network", 0.0.0.0 reaches the host
    }
    if (b0 == 127) {
      return ExitRefusal.LOOPBACK;
    }
    if (b0 == 10 || (b0 == 172 && (b1 & 0xF0) == 16) || (b0 == 192 && b1 == 168)
        || (b0 == 100 && (b1 & 0xC0) == 64)) {
      return ExitRefusal.PRIVATE;
    }
    if (b0 == 169 && b1 == 254) {
      return ExitRefusal.LINK_LOCAL;
    }
    if (b0 >= 224) {
      return ExitRefusal.MULTICAST; // multicast 224/4, reserved 240/4, broadcast
    }
    return null;
  }

  /** The IPv4 address inside an IPv6 one (mapped, compatible, NAT64, 6to4), or null. */
  private static byte[] embeddedV4(byte[] b) {
    if (b.length != 16) {
      return null;
    }
    boolean zero10 = true;
    for (int i = 0; i < 10; i++) {
      zero10 &= b[i] == 0;
    }
    boolean mapped = zero10 && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    boolean compatible = zero10 && b[10] == 0 && b[11] == 0
        && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xFE) == 0); // not :: or ::1
    boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF
        && (b[3] & 0xFF) == 0x9B;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = b[i] == 0;
    }
    if (mapped || compatible || nat64) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
      return new byte[] {b[2], b[3], b[4], b[5]}; // 6to4
    }
    return null;
  }

  /**
   * An IP literal as an address without a lookup; null if {@code host} is a name. Keeps an
   * IPv4-mapped IPv6 literal IPv6 (so it is judged by {@link #kind} as written).
   */
  public static InetAddress literal(String host) {
    byte[] b = NetUtil.createByteArrayFromIpAddressString(host);
    if (b == null) {
      return null;
    }
    try {
      return b.length == 16 ? Inet6Address.getByAddress(null, b, -1)
          : InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
