package io.staex.proxy.rtsp.internal;

import io.netty.util.NetUtil;
import java.util.Locale;
import java.util.Optional;

/**
 * Host and port of an {@code rtsp://} URL, normalised for comparison: host in lower case, IPv6
 * literals in brackets and canonical form ({@code [::1]}), port 554 when none is written.
 *
 * @param host e.g. {@code 10.77.1.2}, {@code camera.lan}, {@code [::1]}
 * @param port 1~65535
 */
public record RtspAuthority(String host, int port) {
  /** The port of an {@code rtsp://} URL that names none (RFC 2326 §3.2). */
  public static final int DEFAULT_PORT = 554;
  static final String SCHEME = "rtsp://";

  public RtspAuthority {
    host = normalHost(host);
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "host: '" + host + "', port: " + port + " (expected: a host, 1~65535)");
    }
  }

  /**
   * The authority of {@code url} ({@code rtsp://[user@]host[:port][/...]}, scheme in any case);
   * empty when it is not an absolute rtsp URL.
   */
  public static Optional<RtspAuthority> ofUrl(String url) {
    if (!url.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.empty();
    }
    int end = authorityEnd(url, SCHEME.length());
    return parse(url.substring(SCHEME.length(), end));
  }

  /** {@code [user@]host[:port]}; empty when malformed. */
  static Optional<RtspAuthority> parse(String text) {
    String hostPort = text.substring(text.lastIndexOf('@') + 1);
    int close = hostPort.startsWith("[") ? hostPort.indexOf(']') : -1;
    if (hostPort.startsWith("[") && close < 0) {
      return Optional.empty();
    }
    int colon = hostPort.indexOf(':', Math.max(close, 0));
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    long port = colon < 0 ? DEFAULT_PORT : RtspText.digits(hostPort.substring(colon + 1), 5);
    if (host.isEmpty() || port < 1 || port > 65535 || (close >= 0 && close != host.length() - 1)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RtspAuthority(host, (int) port));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Where the authority that starts at {@code from} ends: at '/', '?', '#', ';', ',' or WS. */
  static int authorityEnd(String s, int from) {
    int i = from;
    while (i < s.length() && "/?#;,\"'<> \t\r\n".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    return i;
  }

  /** {@code host:port} as it goes in a URL. */
  public String format() {
    return host + ":" + port;
  }

  private static String normalHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      String inner = h.substring(1, h.length() - 1);
      return NetUtil.isValidIpV6Address(inner)
          ? "[" + NetUtil.toAddressString(NetUtil.getByName(inner)) + "]"
          : h;
    }
    return h;
  }
}
