package io.staex.conf.internal;

import io.staex.conf.HostPortFormatException;
import io.staex.conf.HostPortFormatException.Reason;
import java.net.IDN;
import java.util.Locale;

/**
 * Checks and normalises the host of a {@code host:port}, as Netty's {@code
 * DefaultSocks5CommandRequest} does for its destination: an IPv4 literal, an IPv6 literal
 * (canonical RFC 5952 text, stored without brackets), or a host name (IDN to ASCII, lower case,
 * RFC 1123 labels, at most 253 characters). Nothing here looks a name up.
 */
public final class Hosts {
  public static final int MAX_NAME_LENGTH = 253;
  public static final int MAX_LABEL_LENGTH = 63;

  private Hosts() {}

  /** The normalised form of {@code host}; {@code input} is quoted in errors. */
  public static String normalize(String input, String host) {
    if (host.isEmpty()) {
      throw host(input, "no host (expected: an IPv4 address, [IPv6 address] or host name)");
    }
    if (host.indexOf(':') >= 0 || host.startsWith("[")) {
      String bare =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      try {
        return Ipv6.format(Ipv6.parse(bare));
      } catch (IllegalArgumentException e) {
        throw host(input, "not an IPv6 address: " + e.getMessage());
      }
    }
    if (Ipv4.looksLikeIpv4(host)) {
      try {
        Ipv4.parse(host);
        return host;
      } catch (IllegalArgumentException e) {
        throw host(input, "not an IPv4 address: " + e.getMessage());
      }
    }
    return hostName(input, host);
  }

  private static String hostName(String input, String host) {
    String ascii = host;
    if (!host.chars().allMatch(c -> c < 0x80)) {
      try {
        ascii = IDN.toASCII(host);
      } catch (IllegalArgumentException e) {
        throw host(input, "host name '" + host + "' is not a valid international name: "
            + e.getMessage() + " (expected: labels of letters, digits and '-')");
      }
    }
    ascii = ascii.toLowerCase(Locale.ROOT);
    if (ascii.length() > MAX_NAME_LENGTH) {
      throw host(input, "host name of " + ascii.length() + " characters (expected: at most "
          + MAX_NAME_LENGTH + ")");
    }
    String[] labels = ascii.split("\\.", -1);
    for (String label : labels) {
      String problem = labelProblem(label);
      if (problem != null) {
        throw host(input, "host name label '" + label + "': " + problem);
      }
    }
    if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw host(input, "host name '" + ascii + "' ends in a number (expected: an IPv4 address"
          + " or a name whose last label has a letter)");
    }
    return ascii;
  }

  /**
   * Why {@code label} is not a lower-case RFC 1123 label, or null: 1 to 63 characters of {@code
   * a-z}, {@code 0-9} and {@code -}, not starting or ending with {@code -}.
   */
  public static String labelProblem(String label) {
    if (label.isEmpty()) {
      return "empty (expected: 1 to " + MAX_LABEL_LENGTH + " characters)";
    }
    if (label.length() > MAX_LABEL_LENGTH) {
      return label.length() + " characters (expected: at most " + MAX_LABEL_LENGTH + ")";
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return "character '" + c + "' at position " + (i + 1) + " (expected: a-z, 0-9 or '-')";
      }
    }
    if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
      return "starts or ends with '-' (expected: a letter or digit)";
    }
    return null;
  }

  private static HostPortFormatException host(String input, String detail) {
    return new HostPortFormatException(Reason.HOST, input, detail);
  }

  /** Whether {@code host} (as {@link #normalize} leaves it) is a loopback address or name. */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    if (h.equals("localhost")) {
      return true;
    }
    if (Ipv4.looksLikeIpv4(h)) {
      try {
        return Ipv4.parse(h)[0] == 127;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    if (h.indexOf(':') >= 0) {
      try {
        int[] g = Ipv6.parse(h);
        for (int k = 0; k < 7; k++) {
          if (g[k] != 0) {
            return false;
          }
        }
        return g[7] == 1;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return false;
  }
}
