package io.staex.proxy.httpproxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP proxy door's settings ({@code http-proxy.*} in the configuration, where a node's
 * defaults are; none here).
 *
 * @param listen where to listen; loopback only (it has no credentials)
 * @param handshakeTimeout a client that has not sent a whole request head in this time, or
 *     whose destination was not decided in it, is closed
 * @param maxPendingHandshakes clients before their stream at once; more are closed at once
 * @param maxHeaderBytes largest request head's header block (431 beyond)
 * @param maxHeaders most header fields in a request head (431 beyond)
 */
public record HttpProxySettings(InetSocketAddress listen, Duration handshakeTimeout,
    int maxPendingHandshakes, int maxHeaderBytes, int maxHeaders) {
  public HttpProxySettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    boolean loopback = listen.isUnresolved()
        ? "localhost".equalsIgnoreCase(listen.getHostString())
        : listen.getAddress().isLoopbackAddress();
    if (!loopback) {
      throw new IllegalArgumentException("http-proxy.listen: " + listen.getHostString() + ":"
          + listen.getPort() + " is not a loopback address (expected: a loopback address; the"
          + " HTTP proxy has no credentials)");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "http-proxy.handshake-timeout: " + handshakeTimeout + " (expected: > 0)");
    }
    if (maxPendingHandshakes < 1) {
      throw new IllegalArgumentException("http-proxy.max-pending-handshakes: "
          + maxPendingHandshakes + " (expected: >= 1)");
    }
    if (maxHeaderBytes < 256) {
      throw new IllegalArgumentException(
          "http-proxy.max-header-bytes: " + maxHeaderBytes + " (expected: >= 256)");
    }
    if (maxHeaders < 1) {
      throw new IllegalArgumentException(
          "http-proxy.max-headers: " + maxHeaders + " (expected: >= 1)");
    }
  }

  public HttpProxySettings withListen(InetSocketAddress newListen) {
    return new HttpProxySettings(newListen, handshakeTimeout, maxPendingHandshakes,
        maxHeaderBytes, maxHeaders);
  }
}
