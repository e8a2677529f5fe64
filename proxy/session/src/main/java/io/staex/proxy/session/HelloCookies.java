package io.staex.proxy.session;

import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrame;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The responder's side of HELLO cookies ({@code docs/sessions.md}, "Under load"), after
 * WireGuard's cookie reply: a cookie is {@code HMAC-SHA256(secret, source key | the HELLO's
 * ephemeral key)} cut to {@value SessionFrame#COOKIE_SIZE} bytes, the secret drawn at random and
 * replaced every {@link #ROTATE}. Stateless per HELLO: nothing is kept per cookie, a cookie is
 * recomputed to check it. A cookie made with the previous secret is still good, so one lives
 * between one and two rotations.
 *
 * <p>The initiator proves it received the cookie with {@link #mac}: {@code HMAC-SHA256(cookie,
 * session id | Noise message 1)} cut to {@value SessionFrame#COOKIE_SIZE} bytes. Only a node
 * that receives packets sent to the source a HELLO claims learns its cookie, so a valid MAC
 * proves that much; it costs two HMACs to check, against the Diffie-Hellmans and the signature
 * check of a handshake.
 *
 * <p>Not thread-safe: the sessions' event loop only.
 */
final class HelloCookies {
  /** How long a secret makes new cookies; it checks them for as long again after. */
  static final Duration ROTATE = Duration.ofMinutes(2);
  private static final String HMAC = "HmacSHA256";
  private static final int SECRET_SIZE = 32;
  /** Bytes of message 1 the cookie binds: its ephemeral key, which it opens with in clear. */
  private static final int EPHEMERAL_SIZE = 32;

  private final SecureRandom random;
  private final Mac mac;
  private byte[] current;
  private byte[] previous;
  private long rotatedNanos;

  HelloCookies(SecureRandom random, long nowNanos) {
    this.random = random;
    this.mac = newMac();
    this.current = fresh();
    this.previous = fresh();
    this.rotatedNanos = nowNanos;
  }

  /** The cookie for a HELLO claiming {@code source} with Noise message {@code noise}. */
  byte[] cookie(NodeKey source, byte[] noise, long nowNanos) {
    rotate(nowNanos);
    return cookie(current, source, noise);
  }

  /** Whether {@code cookieMac} is the MAC of this HELLO under a cookie of either live secret. */
  boolean valid(NodeKey source, long sessionId, byte[] noise, byte[] cookieMac, long nowNanos) {
    rotate(nowNanos);
    return MessageDigest.isEqual(cookieMac, mac(cookie(current, source, noise), sessionId, noise))
        || MessageDigest.isEqual(
            cookieMac, mac(cookie(previous, source, noise), sessionId, noise));
  }

  /** The initiator's proof of {@code cookie} for its HELLO of session {@code sessionId}. */
  static byte[] mac(byte[] cookie, long sessionId, byte[] noise) {
    Mac m = newMac();
    try {
      m.init(new SecretKeySpec(cookie, HMAC));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < Long.BYTES; i++) {
      m.update((byte) (sessionId >>> (56 - 8 * i)));
    }
    m.update(noise);
    return Arrays.copyOf(m.doFinal(), SessionFrame.COOKIE_SIZE);
  }

  private byte[] cookie(byte[] secret, NodeKey source, byte[] noise) {
    try {
      mac.init(new SecretKeySpec(secret, HMAC));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    mac.update(source.toByteArray());
    mac.update(noise, 0, Math.min(noise.length, EPHEMERAL_SIZE));
    return Arrays.copyOf(mac.doFinal(), SessionFrame.COOKIE_SIZE);
  }

  private void rotate(long nowNanos) {
    long age = nowNanos - rotatedNanos;
    if (age < ROTATE.toNanos()) {
      return;
    }
    previous = age < 2 * ROTATE.toNanos() ? current : fresh();
    current = fresh();
    rotatedNanos = nowNanos;
  }

  private byte[] fresh() {
    byte[] b = new byte[SECRET_SIZE];
    random.nextBytes(b);
    return b;
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance(HMAC);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no " + HMAC + " in this JVM", e);
    }
  }
}
