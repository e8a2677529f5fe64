package io.staex.resolver.internal;

/**
 * Whether a {@code .staex} label can be a certified name: the certificates' rule (RFC 1123 host
 * label, lower case: 1~63 of {@code a-z 0-9 -}, no {@code -} at either end). The same rule as
 * {@code io.staex.crypto.Certificate}'s name check, whose helper is internal to crypto.
 */
final class CertifiedLabel {
  static final int MAX_LENGTH = 63;

  private CertifiedLabel() {}

  /** Why {@code label} (lower case) cannot be a certified name, or null if it can. */
  static String problem(String label) {
    if (label.isEmpty() || label.length() > MAX_LENGTH) {
      return label.length() + " characters (expected: 1~" + MAX_LENGTH + ")";
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return "character '" + c + "' at position " + (i + 1) + " (expected: a-z, 0-9 or '-')";
      }
    }
    if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
      return "starts or ends with '-'";
    }
    return null;
  }
}
