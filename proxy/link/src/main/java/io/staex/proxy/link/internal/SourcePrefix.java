package io.staex.proxy.link.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * The network a connection comes from, as one party is likely to hold it: the /24 of an IPv4
 * address, the /64 of an IPv6 one (one subnet, the smallest an ISP hands out). An IPv4-mapped
 * IPv6 address ({@code ::ffff:a.b.c.d}) counts as its IPv4 address, so a dual-stack socket does
 * not give one host two prefixes.
 *
 * @param ipv6 whether {@code bits} are an IPv6 /64
 * @param bits the prefix's bits, right-aligned: 24 of them for IPv4, 64 for IPv6
 */
public record SourcePrefix(boolean ipv6, long bits) {
  /** The prefix of {@code address}. */
  public static SourcePrefix of(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4(b, 0);
    }
    if (isIpv4Mapped(b)) {
      return ipv4(b, 12);
    }
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = bits << 8 | (b[i] & 0xFF);
    }
    return new SourcePrefix(true, bits);
  }

  private static SourcePrefix ipv4(byte[] b, int at) {
    return new SourcePrefix(false,
        (b[at] & 0xFFL) << 16 | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL));
  }

  private static boolean isIpv4Mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
  }

  /** {@code 192.0.2.0/24} or {@code 2001:db8:0:1::/64}. */
  @Override
  public String toString() {
    if (!ipv6) {
      return (bits >>> 16) + "." + (bits >>> 8 & 0xFF) + "." + (bits & 0xFF) + ".0/24";
    }
    return String.format(Locale.ROOT, "%x:%x:%x:%x::/64",
        bits >>> 48, bits >>> 32 & 0xFFFF, bits >>> 16 & 0xFFFF, bits & 0xFFFF);
  }
}
