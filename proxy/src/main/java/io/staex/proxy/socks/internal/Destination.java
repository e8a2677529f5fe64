package io.staex.proxy.socks.internal;

import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.NetUtil;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.AddressFormatException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * What a CONNECT's destination names, decided without I/O:
 *
 * <pre>
 *   &lt;address&gt;.staex (55 chars) → Node (Address.parse, any case; bad: HOST_UNREACHABLE)
 *   &lt;name&gt;.staex              → Name (SocksTargets.resolve(domain)); a label that can't be
 *                               a certified name (Certificate.nameProblem): HOST_UNREACHABLE
 *   IPv4 / IPv6 literal       → Ip   (SocksTargets.resolve(address): the DNS pool)
 *   any other name            → Refused FORBIDDEN: nothing leaks onto the Internet;
 *                               with exits ({@code socks.exit}): Internet
 * </pre>
 */
sealed interface Destination {
  String DOT_DOMAIN = "." + Address.DOMAIN;

  /** A node by its address. */
  record Node(Address address) implements Destination {}

  /** A certified name such as {@code camera1.staex}, lower case, no trailing dot. */
  record Name(String domain) implements Destination {}

  /** An IP address, which only the DNS resolver's pool maps to a node. */
  record Ip(InetAddress address) implements Destination {}

  /** A host outside {@code .staex}, for the exits (only when there are some). */
  record Internet(String host) implements Destination {}

  /** Refused before any lookup. */
  record Refused(Socks5CommandStatus status, String why) implements Destination {}

  static Destination of(Socks5AddressType type, String host) {
    return of(!type.equals(Socks5AddressType.DOMAIN), host, false);
  }

  /**
   * What {@code host} names.
   *
   * @param literal whether {@code host} is an IP literal rather than a name
   * @param exits whether names outside {@code .staex} go to exits ({@link Internet}) rather
   *     than being refused
   */
  static Destination of(boolean literal, String host, boolean exits) {
    if (literal) {
      try {
        return new Ip(InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(host)));
      } catch (UnknownHostException | RuntimeException e) {
        return new Refused(Socks5CommandStatus.ADDRESS_UNSUPPORTED, "bad address " + host);
      }
    }
    String d = host.toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (!d.endsWith(DOT_DOMAIN) && exits) {
      return new Internet(d);
    }
    if (!d.endsWith(DOT_DOMAIN)) {
      return new Refused(Socks5CommandStatus.FORBIDDEN,
          "not a ." + Address.DOMAIN + " name (direct connections are not allowed)");
    }
    String label = d.substring(0, d.length() - DOT_DOMAIN.length());
    if (label.length() == Address.TEXT_LENGTH) {
      try {
        return new Node(Address.parse(label));
      } catch (AddressFormatException e) {
        return new Refused(Socks5CommandStatus.HOST_UNREACHABLE, e.getMessage());
      }
    }
    String problem = label.indexOf('.') >= 0 ? "more than one label before ." + Address.DOMAIN
        : Certificate.nameProblem(label);
    if (problem != null) {
      // No node can have it: refused before any lookup, as for an unknown name.
      return new Refused(Socks5CommandStatus.HOST_UNREACHABLE, "not a name: " + problem);
    }
    return new Name(d);
  }
}
