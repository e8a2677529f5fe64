package io.staex.node.internal.control;

import io.staex.node.NodeStatus;
import java.util.function.Supplier;

/**
 * The control protocol: one request line, one answer, then the node closes the connection.
 *
 * <pre>
 *   status        the status as aligned text
 *   status json   the status as one JSON object
 *   metrics       Prometheus text format 0.0.4
 * </pre>
 *
 * Anything else is answered with one {@code error: ...} line.
 */
public final class ControlProtocol {
  /** The longest request line accepted, in bytes, without its newline. */
  public static final int MAX_REQUEST = 256;
  /** The request words, for messages. */
  public static final String EXPECTED = "expected: status, status json, metrics";

  private ControlProtocol() {}

  /** The answer to {@code request} (already stripped of its line end). */
  public static String answer(String request, Supplier<NodeStatus> status) {
    String r = request.strip();
    return switch (r) {
      case "status" -> StatusText.render(status.get());
      case "status json" -> StatusJson.render(status.get()) + "\n";
      case "metrics" -> StatusMetrics.render(status.get());
      default -> "error: unknown request '" + printable(r) + "' (" + EXPECTED + ")\n";
    };
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
