package io.staex.proxy.rtsp.internal;

/** Character classes and quoting for RTSP text (one char per byte). */
final class RtspText {
  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";
  private static final int QUOTE_MAX = 60;

  private RtspText() {}

  /** A tchar of RFC 7230 §3.2.6. */
  static boolean isTokenChar(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c < 128 && TOKEN_SYMBOLS.indexOf(c) >= 0);
  }

  static boolean isToken(String s) {
    return !s.isEmpty() && s.chars().allMatch(RtspText::isTokenChar);
  }

  /** The decimal value of {@code s} of at most {@code maxDigits} digits, or -1. */
  static long digits(String s, int maxDigits) {
    if (s.isEmpty() || s.length() > maxDigits || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(s);
  }

  /** {@code s} in quotes for a log line: at most 60 chars, control bytes as \xNN. */
  static String quote(CharSequence s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < Math.min(s.length(), QUOTE_MAX); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append(s.length() > QUOTE_MAX ? "'..." : "'").toString();
  }
}
