package io.staex.proxy.rtsp.internal;

import java.util.Objects;

/**
 * One header of an RTSP message, as it was written.
 *
 * <p>Text holds bytes one char per byte (ISO-8859-1), so any byte survives a round trip.
 *
 * @param name the name with its original casing
 * @param value the value without surrounding whitespace; continuation lines joined by a space
 * @param raw the exact bytes of the header: name, colon, value, continuation lines, line ends
 */
public record RtspHeader(String name, String value, String raw) {

  public RtspHeader {
    if (name.isEmpty() || !raw.endsWith("\n")) {
      throw new IllegalArgumentException("header name: '" + name + "', raw: '" + raw
          + "' (expected: a name and a line that ends in LF)");
    }
    Objects.requireNonNull(value, "value");
  }

  /** A new header line {@code name: value} ended by CRLF. */
  public static RtspHeader of(String name, String value) {
    return new RtspHeader(name, value, name + ": " + value + "\r\n");
  }

  /** Whether this header is called {@code other}, ignoring case. */
  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }

  /** The same header with another value, written {@code name: value} with the same line end. */
  public RtspHeader withValue(String newValue) {
    String eol = raw.endsWith("\r\n") ? "\r\n" : "\n";
    return new RtspHeader(name, newValue, name + ": " + newValue + eol);
  }
}
