package io.staex.crypto.internal;

/** RFC 1035 / RFC 1123 host name label rules, in lower case. */
public final class DnsLabel {
  public static final int MAX_LENGTH = 63;

  private DnsLabel() {}

  /**
   * Why {@code label} is not a valid lower-case DNS label, or null if it is: 1 to 63 characters
   * of {@code a-z}, {@code 0-9} and {@code -}, neither starting nor ending with {@code -}.
   */
  public static String problem(String label) {
    if (label.isEmpty()) {
      return "empty (expected: 1 to " + MAX_LENGTH + " characters)";
    }
    if (label.length() > MAX_LENGTH) {
      return label.length() + " characters (expected: at most " + MAX_LENGTH + ")";
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return "character '" + c + "' at position " + (i + 1)
            + " (expected: a-z, 0-9 or '-')";
      }
    }
    if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
      return "starts or ends with '-'";
    }
    return null;
  }
}
