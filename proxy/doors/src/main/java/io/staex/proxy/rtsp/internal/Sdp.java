package io.staex.proxy.rtsp.internal;

import java.util.function.UnaryOperator;

/** The part of SDP (RFC 4566) the node rewrites: {@code a=control:} attribute values. */
final class Sdp {
  private static final String CONTROL = "a=control:";

  private Sdp() {}

  /** {@code body} with every {@code a=control:} value mapped by {@code f}, all else as is. */
  static String mapControl(String body, UnaryOperator<String> f) {
    StringBuilder b = new StringBuilder(body.length());
    int from = 0;
    while (from < body.length()) {
      int lf = body.indexOf('\n', from);
      int end = lf < 0 ? body.length() : lf + 1;
      String line = body.substring(from, end);
      if (line.regionMatches(true, 0, CONTROL, 0, CONTROL.length())) {
        b.append(line, 0, CONTROL.length())
            .append(f.apply(line.substring(CONTROL.length())));
      } else {
        b.append(line);
      }
      from = end;
    }
    return b.toString();
  }
}
