package io.staex.conf.internal;

/**
 * IPv6 address literals (RFC 4291 section 2.2, without zone index) and their canonical text
 * (RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::").
 * Parsed by hand so that no text ever reaches a name lookup.
 */
public final class Ipv6 {
  private static final int GROUPS = 8;

  private Ipv6() {}

  /** The eight 16-bit groups of {@code text}, or throws with what is wrong. */
  public static int[] parse(String text) {
    if (text.indexOf('%') >= 0) {
      throw new IllegalArgumentException(
          "a zone index ('%...') (expected: an address without zone index)");
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      throw new IllegalArgumentException("'::' more than once (expected: at most once)");
    }
    int[] head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
    int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2), true);
    int count = head.length + tail.length;
    if (gap < 0 && count != GROUPS) {
      throw new IllegalArgumentException(count + " groups (expected: 8, or fewer with '::')");
    }
    if (gap >= 0 && count > GROUPS - 1) {
      throw new IllegalArgumentException(
          count + " groups and '::' (expected: at most 7 with '::')");
    }
    int[] all = new int[GROUPS];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, GROUPS - tail.length, tail.length);
    return all;
  }

  /** RFC 5952 text of eight groups. */
  public static String format(int[] groups) {
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < GROUPS; ) {
      int j = i;
      while (j < GROUPS && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = Math.max(j, i + 1);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < GROUPS; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  /** Groups of one side of "::"; the last may be a dotted IPv4 address if {@code last}. */
  private static int[] groups(String side, boolean last) {
    if (side.isEmpty()) {
      return new int[0];
    }
    String[] parts = side.split(":", -1);
    boolean ipv4Tail = last && parts[parts.length - 1].indexOf('.') >= 0;
    int[] out = new int[parts.length + (ipv4Tail ? 1 : 0)];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (ipv4Tail && i == parts.length - 1) {
        byte[] v4 = Ipv4.parse(part);
        out[i] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
        out[i + 1] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
      } else {
        out[i] = hexGroup(part);
      }
    }
    return out;
  }

  private static int hexGroup(String part) {
    if (part.isEmpty() || part.length() > 4) {
      throw new IllegalArgumentException(
          "group '" + part + "' (expected: 1 to 4 hex digits between ':')");
    }
    int value = 0;
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        throw new IllegalArgumentException(
            "character '" + c + "' in group '" + part + "' (expected: 0-9, a-f)");
      }
      value = value << 4 | Character.digit(c, 16);
    }
    return value;
  }
}
