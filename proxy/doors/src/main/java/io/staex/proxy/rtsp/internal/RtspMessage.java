package io.staex.proxy.rtsp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RTSP 1.0 request or response that keeps every byte as it was written: start line, headers
 * in order with their original names and line ends, and the body of Content-Length bytes.
 * {@link #text()} gives the bytes back unchanged unless a wither changed something.
 *
 * <p>Text holds bytes one char per byte (ISO-8859-1), so any byte survives a round trip.
 *
 * @param startLine request line or status line, without its line end
 * @param startEol the start line's line end, CRLF or LF
 * @param headers the headers in order
 * @param endOfHead the empty line that ends the headers, CRLF or LF
 * @param body the body (empty when there is none)
 */
public record RtspMessage(
    String startLine, String startEol, List<RtspHeader> headers, String endOfHead, String body)
    implements RtspItem {
  static final Pattern REQUEST_LINE = Pattern.compile(
      "([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([\\x21-\\x7e\\x80-\\xff]+) +(RTSP/\\d+\\.\\d+)");
  /** DOTALL: a reason phrase may hold any byte but LF, including 0x85 (NEL in Java's regex). */
  static final Pattern STATUS_LINE =
      Pattern.compile("RTSP/\\d+\\.\\d+ +(\\d{3})(?: .*)?", Pattern.DOTALL);

  public RtspMessage {
    headers = List.copyOf(headers);
    if (!REQUEST_LINE.matcher(startLine).matches() && !STATUS_LINE.matcher(startLine).matches()) {
      throw new IllegalArgumentException("start line: '" + startLine
          + "' (expected: METHOD URI RTSP/1.0 or RTSP/1.0 CODE REASON)");
    }
    if (!isEol(startEol) || !isEol(endOfHead)) {
      throw new IllegalArgumentException("line ends must be CRLF or LF");
    }
  }

  private static boolean isEol(String eol) {
    return eol.equals("\r\n") || eol.equals("\n");
  }

  /** A message with CRLF line ends, for tests and for messages the node writes itself. */
  public static RtspMessage of(String startLine, List<RtspHeader> headers, String body) {
    return new RtspMessage(startLine, "\r\n", headers, "\r\n", "").withBody(body);
  }

  @Override
  public Kind kind() {
    return Kind.MESSAGE;
  }

  /** The whole message as written, one char per byte. */
  public String text() {
    StringBuilder b = new StringBuilder(startLine.length() + 64 * headers.size() + body.length());
    b.append(startLine).append(startEol);
    for (RtspHeader h : headers) {
      b.append(h.raw());
    }
    return b.append(endOfHead).append(body).toString();
  }

  public boolean isRequest() {
    return REQUEST_LINE.matcher(startLine).matches();
  }

  /** The request's method, e.g. {@code SETUP}; empty for a response. */
  public String method() {
    Matcher m = REQUEST_LINE.matcher(startLine);
    return m.matches() ? m.group(1) : "";
  }

  /** The request's URI, e.g. {@code rtsp://10.77.1.2:8555/test}; empty for a response. */
  public String uri() {
    Matcher m = REQUEST_LINE.matcher(startLine);
    return m.matches() ? m.group(2) : "";
  }

  /** The response's status code; 0 for a request. */
  public int status() {
    Matcher m = STATUS_LINE.matcher(startLine);
    return m.matches() && !isRequest() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The value of the first header called {@code name} (any case). */
  public Optional<String> header(String name) {
    return headers.stream().filter(h -> h.is(name)).map(RtspHeader::value).findFirst();
  }

  /** The CSeq, trimmed, that pairs a response with its request. */
  public Optional<String> cseq() {
    return header("CSeq");
  }

  /** The same request for another URI, everything else in the start line kept. */
  public RtspMessage withUri(String uri) {
    Matcher m = REQUEST_LINE.matcher(startLine);
    if (!m.matches()) {
      throw new IllegalStateException("not a request: " + startLine);
    }
    String line = startLine.substring(0, m.start(2)) + uri + startLine.substring(m.end(2));
    return new RtspMessage(line, startEol, headers, endOfHead, body);
  }

  /** The first header called {@code name} (any case) set to {@code value}, or one appended. */
  public RtspMessage withHeader(String name, String value) {
    List<RtspHeader> list = new ArrayList<>(headers);
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).is(name)) {
        list.set(i, list.get(i).withValue(value));
        return new RtspMessage(startLine, startEol, list, endOfHead, body);
      }
    }
    list.add(new RtspHeader(name, value, name + ": " + value + startEol));
    return new RtspMessage(startLine, startEol, list, endOfHead, body);
  }

  /** Every header called {@code name} (any case) replaced by {@code f(header)}. */
  public RtspMessage mapHeaders(String name, UnaryOperator<String> f) {
    List<RtspHeader> list = new ArrayList<>(headers);
    list.replaceAll(h -> h.is(name) ? rewritten(h, f.apply(h.value())) : h);
    return new RtspMessage(startLine, startEol, list, endOfHead, body);
  }

  private static RtspHeader rewritten(RtspHeader h, String value) {
    return value.equals(h.value()) ? h : h.withValue(value);
  }

  /** The same message with another body and a Content-Length that matches it. */
  public RtspMessage withBody(String newBody) {
    if (newBody.equals(body)) {
      return this;
    }
    RtspMessage m = new RtspMessage(startLine, startEol, headers, endOfHead, newBody);
    String length = Integer.toString(newBody.length());
    boolean has = header("Content-Length").isPresent();
    return has || !newBody.isEmpty() ? m.withHeader("Content-Length", length) : m;
  }
}
