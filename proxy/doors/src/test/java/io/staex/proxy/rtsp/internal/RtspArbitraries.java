package io.staex.proxy.rtsp.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Arbitrary valid RTSP streams: messages of any shape the grammar allows, and $ frames. */
final class RtspArbitraries {
  private RtspArbitraries() {}

  static Arbitrary<String> tokens() {
    return Arbitraries.strings().withChars("!#$%&'*+-.^_`|~").alpha().numeric()
        .ofMinLength(1).ofMaxLength(12);
  }

  static Arbitrary<String> eols() {
    return Arbitraries.of("\r\n", "\n");
  }

  static Arbitrary<String> startLines() {
    Arbitrary<String> uris = Arbitraries.strings().withCharRange('!', '~')
        .withCharRange('\u0080', '\u00ff').ofMinLength(1)
        .ofMaxLength(40);
    // A method cannot start with '$': that byte starts an interleaved frame (RFC 2326 §10.12).
    Arbitrary<String> methods = tokens().filter(t -> t.charAt(0) != '$');
    Arbitrary<String> requests = Combinators.combine(methods, uris, Arbitraries.of(" ", "  "))
        .as((m, u, sp) -> m + sp + u + " RTSP/1.0");
    Arbitrary<String> reasons = Arbitraries.strings().withCharRange(' ', '~')
        .withCharRange('\u0080', '\u00ff').ofMaxLength(30);
    Arbitrary<String> statuses = Combinators.combine(Arbitraries.integers().between(100, 999),
        reasons).as((c, r) -> "RTSP/1.0 " + c + (r.isEmpty() ? "" : " " + r));
    return Arbitraries.oneOf(requests, statuses);
  }

  /** A header line: name, colon, optional spaces, value, maybe a continuation. */
  static Arbitrary<String> headerLines() {
    Arbitrary<String> values = Arbitraries.strings().withCharRange(' ', '~')
        .withCharRange('\u0080', '\u00ff').withChars('\t').ofMaxLength(40);
    Arbitrary<String> names = tokens().filter(n -> !n.equalsIgnoreCase("content-length"));
    return Combinators.combine(names, Arbitraries.of("", " ", "  "), values, eols(),
            Arbitraries.of("", " more", "\tmore text"))
        .as((n, sp, v, eol, cont) -> n + ":" + sp + v + eol + (cont.isEmpty() ? "" : cont + eol));
  }

  static Arbitrary<String> messages() {
    Arbitrary<String> bodies = Arbitraries.strings().withCharRange('\u0000', '\u00ff')
        .ofMaxLength(200);
    return Combinators.combine(startLines(), eols(), headerLines().list().ofMaxSize(8), bodies,
            Arbitraries.integers().between(0, 8), eols())
        .as((start, eol, headers, body, where, end) -> {
          List<String> lines = new ArrayList<>(headers);
          if (!body.isEmpty() || where % 2 == 0) {
            lines.add(Math.min(where, lines.size()),
                "Content-Length: " + body.length() + eol);
          }
          return start + eol + String.join("", lines) + end + body;
        });
  }

  static Arbitrary<byte[]> frames() {
    return Combinators.combine(Arbitraries.integers().between(0, 255),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
        .as((channel, payload) -> {
          ByteArrayOutputStream s = new ByteArrayOutputStream();
          s.write('$');
          s.write(channel);
          s.write(payload.length >> 8);
          s.write(payload.length);
          s.writeBytes(payload);
          return s.toByteArray();
        });
  }

  static Arbitrary<byte[]> streams() {
    Arbitrary<byte[]> items = Arbitraries.oneOf(messages().map(Captures::bytes), frames());
    return items.list().ofMinSize(1).ofMaxSize(6).map(list -> {
      ByteArrayOutputStream s = new ByteArrayOutputStream();
      list.forEach(s::writeBytes);
      return s.toByteArray();
    });
  }

  /** {@code stream} with one byte changed, from a hash of its content. */
  static byte[] damaged(byte[] stream) {
    byte[] copy = stream.clone();
    int h = java.util.Arrays.hashCode(copy);
    copy[Math.floorMod(h, copy.length)] = (byte) (h >>> 8);
    return copy;
  }
}
