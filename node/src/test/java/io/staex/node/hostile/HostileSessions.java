package io.staex.node.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.staex.crypto.Address;
import io.staex.crypto.Handshake;
import io.staex.crypto.Purpose;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.frame.CloseReason;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrame;
import io.staex.proxy.frame.SessionFrameCodec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session HELLOs for attack tests, sent through a {@link HostileMember}: genuine ones made from
 * the member's own key and certificate exactly as the session layer makes them (Noise IK message
 * 1 of a {@link Handshake} with {@link Purpose#SESSION}, a random session id, handshake times
 * that only go up), and junk ones claiming any source. {@link #open} opens sessions for real:
 * it answers COOKIEs with the cookie's MAC as an honest initiator would, and reports what the
 * peer answered to each HELLO (WELCOME, or CLOSE with its reason).
 *
 * <p>Not thread-safe: one thread per instance (the member may be shared).
 */
public final class HostileSessions {
  /** What a peer answered to one genuine HELLO. */
  public enum Outcome { WELCOME, REFUSED_LIMIT, REFUSED_OTHER, NO_ANSWER }

  private final HostileMember member;
  private final SecureRandom random;
  private long lastHelloMillis = Long.MIN_VALUE;

  public HostileSessions(HostileMember member, SecureRandom random) {
    this.member = member;
    this.random = random;
  }

  /** A genuine HELLO from this member to {@code peer}, as its session layer would send it. */
  public SessionFrame.SessionHello hello(Address peer) {
    long now = System.currentTimeMillis();
    long time = Math.max(now, lastHelloMillis + 1); // a peer drops a HELLO not after the last
    lastHelloMillis = time;
    Handshake hs = Handshake.initiator(member.identity(), member.certificate(), peer,
        TrustPolicy.ofNetwork(member.certificate().network()), Purpose.SESSION,
        Clock.offset(Clock.systemUTC(), Duration.ofMillis(time - now)), random);
    try {
      return new SessionFrame.SessionHello(random.nextLong(), FrameBytes.adopt(
          hs.writeMessage(new byte[0])));
    } finally {
      hs.destroy();
    }
  }

  /** A HELLO whose Noise message is random bytes: it costs a responder a DH to refuse. */
  public static SessionFrame.SessionHello junkHello(SecureRandom random) {
    byte[] noise = new byte[96 + random.nextInt(64)];
    random.nextBytes(noise);
    return new SessionFrame.SessionHello(random.nextLong(), FrameBytes.adopt(noise));
  }

  /** {@code frame} in a packet from {@code source} to {@code destination}, no source route. */
  public static LinkFrame.Packet packet(
      NodeKey source, NodeKey destination, SessionFrame frame) {
    ByteBuf buf = Unpooled.buffer(SessionFrameCodec.encodedSize(frame));
    try {
      SessionFrameCodec.encode(frame, buf);
      return LinkFrame.Packet.of(destination, source, List.of(), FrameBytes.copyOf(buf));
    } finally {
      buf.release();
    }
  }

  /**
   * Sends {@code count} genuine HELLOs to {@code peer}, one every {@code pace}, answering COOKIEs
   * with their MAC, and waits up to {@code timeout} after the last for every answer. Frames the
   * member receives that are not answers to these HELLOs are dropped.
   *
   * @return one outcome per HELLO, in the order sent
   */
  public List<Outcome> open(Address peer, int count, Duration pace, Duration timeout)
      throws InterruptedException {
    NodeKey me = member.key();
    NodeKey to = NodeKey.of(peer);
    Map<Long, SessionFrame.SessionHello> sent = new HashMap<>();
    Map<Long, Outcome> outcomes = new HashMap<>();
    long[] order = new long[count];
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      SessionFrame.SessionHello h = hello(peer);
      order[i] = h.sessionId();
      sent.put(h.sessionId(), h);
      member.send(packet(me, to, h));
      next += pace.toNanos();
      drain(me, to, sent, outcomes, next);
    }
    drain(me, to, sent, outcomes, System.nanoTime() + timeout.toNanos());
    return Arrays.stream(order).mapToObj(id -> outcomes.getOrDefault(id, Outcome.NO_ANSWER))
        .toList();
  }

  /** Reads answers until every HELLO has one or {@code untilNanos}. */
  private void drain(NodeKey me, NodeKey from, Map<Long, SessionFrame.SessionHello> sent,
      Map<Long, Outcome> outcomes, long untilNanos) throws InterruptedException {
    while (outcomes.size() < sent.size()) {
      long left = untilNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Optional<LinkFrame> f = member.poll(Duration.ofNanos(left));
      if (f.isEmpty()) {
        return;
      }
      if (!(f.get() instanceof LinkFrame.Packet p) || !p.destination().equals(me)
          || !p.source().equals(from)) {
        continue;
      }
      SessionFrame answer;
      try {
        answer = SessionFrameCodec.decode(p.payload());
      } catch (FrameDecodeException e) {
        continue;
      }
      SessionFrame.SessionHello h = sent.get(answer.sessionId());
      if (h == null || outcomes.containsKey(answer.sessionId())) {
        continue;
      }
      if (answer instanceof SessionFrame.SessionWelcome) {
        outcomes.put(h.sessionId(), Outcome.WELCOME);
      } else if (answer instanceof SessionFrame.SessionClose c) {
        outcomes.put(h.sessionId(),
            c.reason() == CloseReason.LIMIT ? Outcome.REFUSED_LIMIT : Outcome.REFUSED_OTHER);
      } else if (answer instanceof SessionFrame.SessionCookie c) {
        byte[] noise = h.noiseMessage().toByteArray();
        member.send(packet(me, from, new SessionFrame.SessionHello(h.sessionId(),
            h.noiseMessage(), FrameBytes.adopt(cookieMac(c.cookie().toByteArray(),
                h.sessionId(), noise)))));
      }
    }
  }

  /**
   * The initiator's proof of a COOKIE, as the session layer computes it (HMAC-SHA256 keyed by
   * the cookie over the session id, big-endian, and the Noise message; its first 16 bytes).
   */
  static byte[] cookieMac(byte[] cookie, long sessionId, byte[] noise) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(cookie, "HmacSHA256"));
      for (int i = 0; i < Long.BYTES; i++) {
        m.update((byte) (sessionId >>> (56 - 8 * i)));
      }
      m.update(noise);
      return Arrays.copyOf(m.doFinal(), SessionFrame.COOKIE_SIZE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
