package io.staex.resolver;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 prefix of length 8 to 30, such as {@code 127.77.0.0/16}: the range an {@link
 * AddressPool} hands out ({@code dns.pool}). Its usable host addresses leave out the network and
 * broadcast addresses. The one parser of that text: the node's config reader calls {@link
 * #parse} and passes the value on.
 */
public record Cidr(int network, int prefixLength) {
  /** Shortest prefix accepted: a /8 is already 16 million addresses. */
  public static final int MIN_PREFIX = 8;
  /** Longest prefix accepted: a /30 still has two host addresses. */
  public static final int MAX_PREFIX = 30;

  public Cidr {
    if (prefixLength < MIN_PREFIX || prefixLength > MAX_PREFIX) {
      throw new IllegalArgumentException("prefix length: " + prefixLength + " (expected: "
          + MIN_PREFIX + "~" + MAX_PREFIX + ")");
    }
    if ((network & ~mask(prefixLength)) != 0) {
      throw new IllegalArgumentException("'" + text(network) + "/" + prefixLength
          + "' has host bits set (expected: " + text(network & mask(prefixLength)) + "/"
          + prefixLength + ")");
    }
  }

  /**
   * Parses {@code a.b.c.d/n}.
   *
   * @throws IllegalArgumentException naming the text and what is expected
   */
  public static Cidr parse(String text) {
    String expected = " (expected: an IPv4 prefix such as 127.77.0.0/16, /"
        + MIN_PREFIX + "~/" + MAX_PREFIX + ")";
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("'" + text + "'" + expected);
    }
    String[] parts = text.substring(0, slash).split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("'" + text + "'" + expected);
    }
    int address = 0;
    for (String part : parts) {
      int octet = number(part, 255, text, expected);
      address = address << 8 | octet;
    }
    int length = number(text.substring(slash + 1), 32, text, expected);
    if (length < MIN_PREFIX || length > MAX_PREFIX) {
      throw new IllegalArgumentException("'" + text + "'" + expected);
    }
    return new Cidr(address, length);
  }

  private static int number(String s, int max, String text, String expected) {
    if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(c -> c >= '0' && c <= '9')
        || (s.length() > 1 && s.charAt(0) == '0') || Integer.parseInt(s) > max) {
      throw new IllegalArgumentException("'" + text + "'" + expected);
    }
    return Integer.parseInt(s);
  }

  /** Usable host addresses: all but the network and broadcast addresses. */
  int hostCount() {
    return (1 << (32 - prefixLength)) - 2;
  }

  /** The {@code index}-th host address (0-based), as an int. */
  int host(int index) {
    return network + 1 + index;
  }

  /** The host index of {@code address}, or -1 if it is not a host address of this prefix. */
  int indexOf(InetAddress address) {
    if (!(address instanceof Inet4Address)) {
      return -1;
    }
    int value = toInt(address);
    int index = value - network - 1;
    return (value & mask(prefixLength)) == network && index >= 0 && index < hostCount()
        ? index : -1;
  }

  /** Whether {@code address} lies inside this prefix (network and broadcast included). */
  public boolean contains(InetAddress address) {
    return address instanceof Inet4Address && (toInt(address) & mask(prefixLength)) == network;
  }

  /** The address of an int. */
  static Inet4Address toAddress(int value) {
    byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    try {
      return (Inet4Address) InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }

  private static int toInt(InetAddress address) {
    byte[] b = address.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  private static int mask(int length) {
    return -1 << (32 - length);
  }

  private static String text(int value) {
    return (value >>> 24) + "." + (value >>> 16 & 0xff) + "." + (value >>> 8 & 0xff) + "."
        + (value & 0xff);
  }

  @Override
  public String toString() {
    return text(network) + "/" + prefixLength;
  }
}
