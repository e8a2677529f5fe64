package io.staex.proxy.socks;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The SOCKS5 server's settings ({@code socks.*} in the configuration, where a node's defaults
 * are; none here).
 *
 * @param listen where to listen; a non-loopback address needs credentials
 * @param credentials when present, clients must authenticate with username/password (RFC 1929)
 *     and nothing else; when absent, only "no authentication" is offered
 * @param handshakeTimeout a client that has not sent its CONNECT (and, for names, had it
 *     resolved) within this time is closed
 * @param maxPendingHandshakes clients in the handshake at once; more are closed at once, so
 *     silent clients cannot starve real ones
 */
public record SocksSettings(InetSocketAddress listen, Optional<Credentials> credentials,
    Duration handshakeTimeout, int maxPendingHandshakes) {
  public SocksSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (credentials.isEmpty() && !isLoopback(listen)) {
      throw new IllegalArgumentException("socks.listen: " + listen.getHostString() + ":"
          + listen.getPort() + " is not a loopback address; set socks.username and"
          + " socks.password (expected: a loopback address, or credentials)");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "socks.handshake-timeout: " + handshakeTimeout + " (expected: > 0)");
    }
    if (maxPendingHandshakes < 1) {
      throw new IllegalArgumentException(
          "socks.max-pending-handshakes: " + maxPendingHandshakes + " (expected: >= 1)");
    }
  }

  public SocksSettings withListen(InetSocketAddress newListen) {
    return new SocksSettings(newListen, credentials, handshakeTimeout, maxPendingHandshakes);
  }

  public SocksSettings withCredentials(Credentials newCredentials) {
    return new SocksSettings(listen, Optional.of(newCredentials), handshakeTimeout,
        maxPendingHandshakes);
  }

  public SocksSettings withHandshakeTimeout(Duration newTimeout) {
    return new SocksSettings(listen, credentials, newTimeout, maxPendingHandshakes);
  }

  public SocksSettings withMaxPendingHandshakes(int newMax) {
    return new SocksSettings(listen, credentials, handshakeTimeout, newMax);
  }

  private static boolean isLoopback(InetSocketAddress a) {
    return a.isUnresolved() ? "localhost".equalsIgnoreCase(a.getHostString())
        : a.getAddress().isLoopbackAddress();
  }

  /**
   * A username and password (RFC 1929: 1~255 bytes each, UTF-8 here). A secret, so not a
   * record: no {@code equals}, a redacted {@code toString}, and {@link #matches} compares in
   * constant time.
   */
  public static final class Credentials {
    private final byte[] user;
    private final byte[] password;

    public Credentials(String user, String password) {
      this.user = check("socks.username", user);
      this.password = check("socks.password", password);
    }

    private static byte[] check(String what, String s) {
      Objects.requireNonNull(s, what);
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length < 1 || b.length > 255) {
        throw new IllegalArgumentException(
            what + ": " + b.length + " bytes (expected: 1~255 bytes of UTF-8)");
      }
      return b;
    }

    public String user() {
      return new String(user, StandardCharsets.UTF_8);
    }

    /** Whether both match; the time taken does not depend on where they differ. */
    public boolean matches(String user, String password) {
      boolean u = MessageDigest.isEqual(this.user, user.getBytes(StandardCharsets.UTF_8));
      boolean p = MessageDigest.isEqual(this.password, password.getBytes(StandardCharsets.UTF_8));
      return u && p;
    }

    /** Whether {@code other} holds the same username and password (for a reload's diff). */
    public boolean sameAs(Credentials other) {
      boolean u = MessageDigest.isEqual(user, other.user);
      boolean p = MessageDigest.isEqual(password, other.password);
      return u && p;
    }

    @Override
    public String toString() {
      return "Credentials[user=" + user() + ", password=(redacted)]";
    }
  }
}
