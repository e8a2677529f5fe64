package io.staex.resolver;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A network of clients allowed to ask the DNS server ({@code dns.allow}): an IPv4 or IPv6 prefix
 * such as {@code 10.0.0.0/8}, {@code 192.0.2.7/32} or {@code fd00::/8}, of any length. The one
 * parser of that text.
 *
 * @param network the prefix's first address; no host bits set
 * @param prefixLength 0~32 for IPv4, 0~128 for IPv6
 */
public record ClientNetwork(InetAddress network, int prefixLength) {
  public ClientNetwork {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length: " + prefixLength + " (expected: 0~" + bits + ")");
    }
    if (!masked(network.getAddress(), prefixLength).equals(network)) {
      throw new IllegalArgumentException("'" + network.getHostAddress() + "/" + prefixLength
          + "' has host bits set (expected: "
          + masked(network.getAddress(), prefixLength).getHostAddress() + "/" + prefixLength
          + ")");
    }
  }

  /**
   * Parses {@code address/length}; IP literals only, no host names.
   *
   * @throws IllegalArgumentException naming the text and what is expected
   */
  public static ClientNetwork parse(String text) {
    String expected = "'" + text + "' (expected: a network such as 10.0.0.0/8 or fd00::/8)";
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(expected);
    }
    String host = text.substring(0, slash);
    String length = text.substring(slash + 1);
    // Literals only: InetAddress would otherwise look a name up.
    if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.'
        || c == ':') || length.isEmpty() || length.length() > 3
        || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(expected);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(expected, e);
    }
    if (host.indexOf(':') < 0 != address instanceof Inet4Address) {
      throw new IllegalArgumentException(expected);
    }
    return new ClientNetwork(address, Integer.parseInt(length));
  }

  /** Whether {@code address} lies in this network (an IPv4 address never in an IPv6 one). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    return masked(a, prefixLength).equals(network);
  }

  private static InetAddress masked(byte[] bytes, int length) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, length - 8 * i));
      out[i] = (byte) (out[i] & (0xff00 >>> keep));
    }
    try {
      return InetAddress.getByAddress(out);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }
}
