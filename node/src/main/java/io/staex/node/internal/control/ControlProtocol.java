package io.staex.node.internal.control;

import io.staex.node.NodeStatus;
import io.staex.crypto.BadRevocationException;
import io.staex.crypto.SignedRevocation;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The control protocol: one request line, one answer, then the node closes the connection.
 *
 * <pre>
 *   status        the status as aligned text
 *   status json   the status as one JSON object
 *   metrics       Prometheus text format 0.0.4
 *   revoke B64    apply a signed revocation (its encoding, base64url without padding) and
 *                 spread it; one line: "revoked ..." or "error: ..."
 *   reload        read the node's configuration file again and apply it: "reloaded FILE: what
 *                 changed", or "error: reload refused, nothing changed: N problems" and one
 *                 line per problem (file:line: key: what)
 *   ping T MS     one ping of T (a name or an address), waiting MS milliseconds at most;
 *                 one JSON object (docs/node.md, Diagnostics)
 *   trace T       the path this node would use to T, and why; one JSON object
 *   resolve NAME  what NAME resolves to and where the answer came from; one JSON object
 * </pre>
 *
 * Anything else is answered with one {@code error: ...} line.
 */
public final class ControlProtocol {
  /** The longest request line accepted, in bytes, without its newline. */
  public static final int MAX_REQUEST = 256;
  /** The request words, for messages. */
  public static final String EXPECTED =
      "expected: status, status json, metrics, revoke <revocation>, reload, ping <target> <ms>,"
          + " trace <target>, resolve <name>";
  /** The request that reloads the node's configuration. */
  public static final String RELOAD = "reload";
  /** For a node that cannot reload. */
  static final Supplier<String> NO_RELOAD = () -> "error: this node cannot reload\n";
  /** The request word that hands over a revocation. */
  public static final String REVOKE = "revoke ";
  /** The diagnostic request words. */
  public static final String PING = "ping ";
  public static final String TRACE = "trace ";
  public static final String RESOLVE = "resolve ";
  /** The longest ping timeout a request may ask for. */
  public static final long MAX_PING_MILLIS = 60_000;
  /** For a node that takes no revocations. */
  static final Function<SignedRevocation, String> NO_REVOCATIONS =
      r -> "error: this node takes no revocations\n";

  private ControlProtocol() {}

  /** The answer to {@code request} (already stripped of its line end); no revocations. */
  public static String answer(String request, Supplier<NodeStatus> status) {
    return answer(request, status, NO_REVOCATIONS);
  }

  /** The request that hands {@code revocation} over to a node. */
  public static String revokeRequest(SignedRevocation revocation) {
    return REVOKE + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(revocation.encoded().toByteArray());
  }

  /**
   * The answer to {@code request} (already stripped of its line end); {@code revoke} applies a
   * revocation and answers its line.
   */
  public static String answer(String request, Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke) {
    return answer(request, status, revoke, NO_RELOAD, Diagnostics.NONE);
  }

  /** As {@link #answer(String, Supplier, Function)}; {@code reload} answers a reload request. */
  public static String answer(String request, Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke, Supplier<String> reload) {
    return answer(request, status, revoke, reload, Diagnostics.NONE);
  }

  /** As {@link #answer(String, Supplier, Function)}; {@code diagnostics} answers ping, trace, resolve. */
  public static String answer(String request, Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke, Diagnostics diagnostics) {
    return answer(request, status, revoke, NO_RELOAD, diagnostics);
  }

  /**
   * The answer to {@code request} (already stripped of its line end); {@code revoke} applies a
   * revocation, {@code reload} answers a reload request, {@code diagnostics} answers ping, trace
   * and resolve.
   */
  public static String answer(String request, Supplier<NodeStatus> status,
      Function<SignedRevocation, String> revoke, Supplier<String> reload,
      Diagnostics diagnostics) {
    String r = request.strip();
    String diagnostic = diagnostic(r, diagnostics);
    if (diagnostic != null) {
      return diagnostic;
    }
    if (r.startsWith(REVOKE)) {
      byte[] encoded;
      try {
        encoded = Base64.getUrlDecoder().decode(r.substring(REVOKE.length()).strip());
      } catch (IllegalArgumentException e) {
        return "error: revoke: not base64url (" + e.getMessage() + ")\n";
      }
      try {
        return revoke.apply(SignedRevocation.decode(encoded));
      } catch (BadRevocationException e) {
        return "error: revoke: " + e.getMessage() + "\n";
      }
    }
    return switch (r) {
      case "status" -> StatusText.render(status.get());
      case "status json" -> StatusJson.render(status.get()) + "\n";
      case "metrics" -> StatusMetrics.render(status.get());
      case RELOAD -> reload.get();
      default -> "error: unknown request '" + printable(r) + "' (" + EXPECTED + ")\n";
    };
  }

  /** The answer to a ping, trace or resolve request; null for another request. */
  private static String diagnostic(String r, Diagnostics diagnostics) {
    if (r.startsWith(PING)) {
      String[] words = r.substring(PING.length()).strip().split("\\s+", -1);
      long millis;
      try {
        millis = words.length == 2 ? Long.parseLong(words[1]) : -1;
      } catch (NumberFormatException e) {
        millis = -1;
      }
      if (millis < 1 || millis > MAX_PING_MILLIS) {
        return "error: ping: expected 'ping <name or address> <timeout ms, 1~"
            + MAX_PING_MILLIS + ">' (got '" + printable(r) + "')\n";
      }
      return diagnostics.ping(words[0], millis);
    }
    if (r.startsWith(TRACE)) {
      return diagnostics.trace(r.substring(TRACE.length()).strip());
    }
    if (r.startsWith(RESOLVE)) {
      return diagnostics.resolve(r.substring(RESOLVE.length()).strip());
    }
    return null;
  }

  /** The request with control characters shown as {@code ?}, cut to {@link #MAX_REQUEST}. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && i < MAX_REQUEST; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }
}
