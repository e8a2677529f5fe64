package io.staex.proxy.rtsp.internal;

import io.staex.proxy.rtsp.internal.RtspError.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a complete head (start line, headers, empty line; one char per byte) into a message
 * without body, and the body length its Content-Length announces. No exceptions: a problem is
 * an {@link RtspError}.
 */
final class RtspHead {
  private RtspHead() {}

  /** The message (body empty) and its body length, or the error. */
  record Result(RtspMessage message, int bodyLength, RtspError error) {}

  static Result read(String head, long offset, RtspLimits limits) {
    List<String> lines = lines(head);
    String start = lines.get(0);
    String startLine = withoutEol(start);
    if (!RtspMessage.REQUEST_LINE.matcher(startLine).matches()
        && !RtspMessage.STATUS_LINE.matcher(startLine).matches()) {
      return fail(Reason.BAD_START_LINE, "RTSP start line " + RtspText.quote(startLine)
          + " at stream offset " + offset
          + " (expected: METHOD URI RTSP/1.0 or RTSP/1.0 CODE REASON)");
    }
    List<RtspHeader> headers = new ArrayList<>();
    for (int i = 1; i < lines.size() - 1; i++) {
      String line = lines.get(i);
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (headers.isEmpty()) {
          return fail(Reason.BAD_HEADER, "RTSP header continuation " + RtspText.quote(line)
              + " at stream offset " + offset + " (expected: a header before it)");
        }
        headers.add(continued(headers.remove(headers.size() - 1), line));
        continue;
      }
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon);
      if (!RtspText.isToken(name)) {
        return fail(Reason.BAD_HEADER, "RTSP header " + RtspText.quote(line)
            + " at stream offset " + offset + " (expected: Name: value)");
      }
      headers.add(new RtspHeader(name, withoutEol(line.substring(colon + 1)).strip(), line));
    }
    String eol = start.substring(startLine.length());
    RtspMessage m = new RtspMessage(startLine, eol, headers, lines.get(lines.size() - 1), "");
    return withBodyLength(m, offset, limits);
  }

  private static Result withBodyLength(RtspMessage m, long offset, RtspLimits limits) {
    long length = -1;
    for (RtspHeader h : m.headers()) {
      if (h.is("Content-Length")) {
        long n = RtspText.digits(h.value(), 9);
        if (n < 0 || (length >= 0 && n != length)) {
          return fail(Reason.BAD_CONTENT_LENGTH, "RTSP Content-Length "
              + RtspText.quote(h.value()) + " at stream offset " + offset
              + " (expected: one decimal length)");
        }
        length = n;
      }
    }
    if (length > limits.maxBody()) {
      return fail(Reason.BODY_TOO_LARGE, "RTSP body: Content-Length " + length
          + " at stream offset " + offset + " (expected: at most " + limits.maxBody() + ")");
    }
    return new Result(m, (int) Math.max(length, 0), null);
  }

  private static RtspHeader continued(RtspHeader h, String line) {
    String more = withoutEol(line).strip();
    String sep = h.value().isEmpty() || more.isEmpty() ? "" : " ";
    String value = h.value() + sep + more;
    return new RtspHeader(h.name(), value, h.raw() + line);
  }

  private static Result fail(Reason reason, String message) {
    return new Result(null, 0, new RtspError(reason, message));
  }

  /** The lines of {@code head}, each with its LF. */
  private static List<String> lines(String head) {
    List<String> lines = new ArrayList<>();
    int from = 0;
    while (from < head.length()) {
      int lf = head.indexOf('\n', from);
      lines.add(head.substring(from, lf + 1));
      from = lf + 1;
    }
    return lines;
  }

  private static String withoutEol(String line) {
    int n = line.length();
    if (line.endsWith("\r\n")) {
      return line.substring(0, n - 2);
    }
    return line.endsWith("\n") ? line.substring(0, n - 1) : line;
  }
}
