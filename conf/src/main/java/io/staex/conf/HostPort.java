package io.staex.conf;

import io.staex.conf.HostPortFormatException.Reason;
import io.staex.conf.internal.Hosts;
import io.staex.conf.internal.Ports;
import java.util.Objects;

/**
 * A TCP/UDP endpoint as configured: {@code 127.0.0.1:8080}, {@code [::1]:8080} or {@code
 * camera.lan:554}. Nothing here resolves a name.
 *
 * <p>The compact constructor checks and normalises, as Netty's {@code
 * DefaultSocks5CommandRequest} does: the host is an IPv4 literal (no leading zeros), an IPv6
 * literal (stored without brackets, in RFC 5952 form, so {@code [0:0::1]} equals {@code [::1]}),
 * or a host name (IDN converted to ASCII, lower case, RFC 1123 labels); the port is 1~65535.
 *
 * @param host IPv4 literal, IPv6 literal without brackets, or host name
 * @param port 1~65535
 */
public record HostPort(String host, int port) {
  /**
   * Checks and normalises host and port as the class comment says.
   *
   * @throws HostPortFormatException for a bad host or port, saying which and what was expected
   */
  public HostPort {
    Objects.requireNonNull(host, "host");
    String input = host + ":" + port;
    Ports.check(input, port);
    host = Hosts.normalize(input, host);
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port}; surrounding white space is ignored.
   *
   * @throws HostPortFormatException and no other exception for any non-null text
   */
  public static HostPort parse(String text) {
    String s = text.strip();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new HostPortFormatException(
            Reason.HOST, text, "'[' without ']' (expected: [IPv6 address]:port)");
      }
      if (close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw new HostPortFormatException(
            Reason.PORT, text, "no ':port' after ']' (expected: [IPv6 address]:port)");
      }
      host = s.substring(1, close);
      if (host.indexOf(':') < 0) {
        throw new HostPortFormatException(
            Reason.HOST, text, "'" + host + "' in brackets (expected: [IPv6 address]:port)");
      }
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw new HostPortFormatException(
            Reason.PORT, text, "no port (expected: host:port, e.g. 127.0.0.1:8080)");
      }
      host = s.substring(0, colon);
      if (host.indexOf(':') >= 0) {
        throw new HostPortFormatException(
            Reason.HOST, text, "IPv6 address without brackets (expected: [IPv6 address]:port)");
      }
      if (host.isEmpty()) {
        throw new HostPortFormatException(
            Reason.HOST, text, "no host before ':' (expected: host:port, e.g. 127.0.0.1:8080)");
      }
      port = s.substring(colon + 1);
    }
    return new HostPort(host, Ports.parse(text, port));
  }

  /** Whether the host is an IPv6 literal. */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** {@code host:port}, with an IPv6 host in brackets; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return (isIpv6() ? "[" + host + "]" : host) + ":" + port;
  }
}
