package io.staex.proxy.httpproxy;

import io.staex.proxy.socks.SocksSettings.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * {@code Proxy-Authorization: Basic} (RFC 7617, RFC 9110 §11.7.2) against the door's
 * credentials: the one scheme curl, browsers, {@code apt} and Java's {@code Authenticator} all
 * send. The username and password are compared in constant time ({@link Credentials#matches}).
 */
final class ProxyAuth {
  /** The challenge a 407 carries. */
  static final String CHALLENGE = "Basic realm=\"staex\", charset=\"UTF-8\"";

  private ProxyAuth() {}

  /** Null if {@code header} carries {@code credentials}; else why not, for the 407 and log. */
  static String problem(Credentials credentials, String header) {
    if (header == null) {
      return "no Proxy-Authorization";
    }
    String h = header.strip();
    int space = h.indexOf(' ');
    if (space < 0 || !h.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
      return "not Basic (expected: Proxy-Authorization: Basic)";
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(space + 1).strip()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "Basic credentials that are not base64";
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return "Basic credentials without ':'";
    }
    return credentials.matches(decoded.substring(0, colon), decoded.substring(colon + 1))
        ? null : "wrong username or password";
  }
}
