package io.staex.conf.internal;

/**
 * Dotted-quad IPv4 literals, strictly: four decimal numbers 0~255 without leading zeros (which
 * some resolvers read as octal, so "010.0.0.1" would mean 8.0.0.1 to them).
 */
public final class Ipv4 {
  private Ipv4() {}

  /** Does {@code host} consist only of digits and dots, so that it must be an IPv4 address? */
  public static boolean looksLikeIpv4(String host) {
    return !host.isEmpty() && host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
  }

  /** The four bytes of {@code text}, or throws with what is wrong. */
  public static byte[] parse(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          parts.length + " parts (expected: an IPv4 address, four numbers 0~255 joined by '.')");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')
          || (part.length() > 1 && part.charAt(0) == '0')
          || Integer.parseInt(part) > 255) {
        throw new IllegalArgumentException(
            "part '" + part + "' (expected: an IPv4 address, four numbers 0~255 without leading"
                + " zeros)");
      }
      out[i] = (byte) Integer.parseInt(part);
    }
    return out;
  }
}
