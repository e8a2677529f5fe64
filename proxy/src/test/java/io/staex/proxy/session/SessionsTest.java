package io.staex.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Handshake;
import io.staex.crypto.Identity;
import io.staex.crypto.Purpose;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.testing.LeakWatch;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrame;
import io.staex.proxy.frame.SessionFrameCodec;
import io.staex.proxy.frame.SessionFrameType;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.link.LinkTransport;
import io.staex.testing.Seeded;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session layers of several nodes joined by an in-memory "relay" that can drop, tamper with and
 * inject packets, as a hostile relay on the path could.
 */
class SessionsTest {
  static final Identity NET = Identity.generate(Seeded.random(1));
  static final Identity OTHER = Identity.generate(Seeded.random(2));
  static final SessionSettings FAST = new SessionSettings(16, 50, Duration.ofSeconds(3),
      Duration.ofMillis(200), Duration.ofMinutes(5), Duration.ofMinutes(30), 64 * 1024, Duration.ofSeconds(5));

  static EventLoopGroup group;

  /** Every node of a test by key: the in-memory relay delivers to it. */
  final Map<NodeKey, Peer> nodes = new ConcurrentHashMap<>();
  final List<Peer> started = new ArrayList<>();
  /** Applied to every packet: return null to drop it. */
  volatile UnaryOperator<Packet> relay = p -> p;

  record Packet(NodeKey from, NodeKey to, FrameBytes payload) {
    SessionFrameType type() {
      try {
        return SessionFrameType.fromCode(payload.toByteArray()[0] & 0xff);
      } catch (FrameDecodeException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** One node: its credentials, session layer and what its listener heard. */
  final class Peer {
    final Identity me;
    final Certificate cert;
    Sessions sessions;
    final BlockingQueue<Session> established = new LinkedBlockingQueue<>();
    final BlockingQueue<List<StreamFrame>> frames = new LinkedBlockingQueue<>();
    final BlockingQueue<SessionEnd> closed = new LinkedBlockingQueue<>();

    Peer(Identity network, long seed, TrustPolicy policy, SessionSettings settings, Clock clock) {
      SecureRandom random = Seeded.random(seed);
      me = Identity.generate(random);
      Instant now = Instant.now();
      cert = Certificate.issue(network, me.address(), Optional.empty(), Set.of(),
          now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), random);
      sessions = new Sessions(group.next(), me, cert, policy, settings, clock, random, listener());
      nodes.put(key(), this);
      started.add(this);
      sessions.start((to, payload) -> {
        Packet p = relay.apply(new Packet(key(), to, payload));
        Peer dst = p == null ? null : nodes.get(p.to());
        if (dst != null) {
          dst.sessions.packet(p.from(), p.payload());
        }
      });
    }

    SessionListener listener() {
      return new SessionListener() {
        @Override
        public void established(Session s) {
          established.add(s);
        }

        @Override
        public void frames(Session s, List<StreamFrame> f) {
          frames.add(f);
        }

        @Override
        public void closed(Session s, SessionEnd why) {
          closed.add(why);
        }

        @Override
        public void sendPaused() {}

        @Override
        public void sendResumed() {}
      };
    }

    NodeKey key() {
      return NodeKey.of(me.address());
    }

    Address address() {
      return me.address();
    }

    <T> T onLoop(Callable<T> c) throws Exception {
      return sessions.loop().submit(c).get(5, TimeUnit.SECONDS);
    }

    Session connect(Peer to) throws Exception {
      return onLoop(() -> sessions.connect(to.address()).orElseThrow());
    }

    void send(Session s, StreamFrame... frames) throws Exception {
      onLoop(() -> {
        for (StreamFrame f : frames) {
          s.send(f);
        }
        return null;
      });
    }
  }

  Peer peer(long seed) {
    return peer(seed, FAST);
  }

  /** A node of {@link #NET} that trusts its own network only. */
  Peer peer(long seed, SessionSettings settings) {
    return new Peer(NET, seed, TrustPolicy.ofNetwork(NET.address()), settings, Clock.systemUTC());
  }

  @BeforeAll
  static void startGroup() {
    LeakWatch.install();
    group = LinkTransport.newEventLoopGroup(2);
  }

  @AfterAll
  static void stopGroup() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  @AfterEach
  void closeAll() {
    relay = p -> p;
    for (Peer p : started) {
      p.sessions.close();
    }
  }

  static <T> T next(BlockingQueue<T> q, String what) throws InterruptedException {
    T t = q.poll(5, TimeUnit.SECONDS);
    if (t == null) {
      throw new AssertionError("no " + what + " within 5 s");
    }
    return t;
  }

  static StreamFrame.Data data(int i) {
    return new StreamFrame.Data(1, FrameBytes.copyOf(new byte[] {(byte) i, (byte) (i >> 8)}));
  }

  @Test
  void handshake_establishesBothEnds_framesQueuedMeanwhileArriveInOrder() throws Exception {
    Peer a = peer(10);
    Peer b = peer(11);
    Session s = a.connect(b);
    List<StreamFrame> sent = new ArrayList<>();
    sent.add(new StreamFrame.Open(1, 80, 65536));
    for (int i = 0; i < 300; i++) {
      sent.add(data(i));
    }
    a.send(s, sent.toArray(new StreamFrame[0]));

    Session atA = next(a.established, "established at A");
    Session atB = next(b.established, "established at B");
    assertThat(atA).isSameAs(s);
    assertThat(atA.peerCertificate().orElseThrow().node()).isEqualTo(b.address());
    assertThat(atB.peerCertificate().orElseThrow().node()).isEqualTo(a.address());
    assertThat(atB.id()).isEqualTo(atA.id());
    assertThat(atB.isInitiator()).isFalse();
    List<StreamFrame> got = new ArrayList<>();
    while (got.size() < sent.size()) {
      got.addAll(next(b.frames, "frames at B"));
    }
    assertThat(got).containsExactlyElementsOf(sent);

    // and back, on the same session
    b.send(atB, new StreamFrame.Window(1, 1000));
    assertThat(next(a.frames, "frames at A")).containsExactly(new StreamFrame.Window(1, 1000));
    assertThat(a.onLoop(() -> a.sessions.connect(b.address()).orElseThrow())).isSameAs(s);
  }

  @Test
  void nodeOfAnotherNetwork_isRefused_andItsOpenerLearnsAtOnce() throws Exception {
    Peer b = peer(12);
    Peer foreign = new Peer(OTHER, 13, TrustPolicy.builder(OTHER.address())
        .trustNetwork(NET.address()).build(), FAST, Clock.systemUTC());
    long t0 = System.nanoTime();
    foreign.connect(b);
    assertThat(next(foreign.closed, "closed at the foreign node")).isEqualTo(SessionEnd.REFUSED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(b.sessions.counters().refused()).isEqualTo(1);
    assertThat(b.established).isEmpty();
  }

  @Test
  void responderThatTheInitiatorDoesNotTrust_isDropped() throws Exception {
    Peer a = peer(14);
    Peer foreign = new Peer(OTHER, 15, TrustPolicy.builder(OTHER.address())
        .trustNetwork(NET.address()).build(), FAST, Clock.systemUTC());
    a.connect(foreign);
    assertThat(next(a.closed, "closed at A")).isEqualTo(SessionEnd.UNTRUSTED);
    // the foreign node had accepted; A's CLOSE REFUSED ends it there too
    next(foreign.established, "established at the foreign node");
    assertThat(next(foreign.closed, "closed at the foreign node")).isEqualTo(SessionEnd.REFUSED);
  }

  @Test
  void relayFlippingABit_recordIsDropped_neverDelivered_andTheSessionEnds() throws Exception {
    Peer a = peer(16);
    Peer b = peer(17);
    AtomicLong records = new AtomicLong();
    relay = p -> {
      if (p.to().equals(b.key()) && p.type() == SessionFrameType.RECORD
          && records.incrementAndGet() == 2) {
        byte[] bytes = p.payload().toByteArray();
        bytes[bytes.length - 20] ^= 0x04; // inside the ciphertext
        return new Packet(p.from(), p.to(), FrameBytes.copyOf(bytes));
      }
      return p;
    };
    Session s = a.connect(b);
    next(b.established, "established at B");
    a.send(s, data(1));
    assertThat(next(b.frames, "first record")).containsExactly(data(1));
    a.send(s, data(2)); // flipped on the way
    Thread.sleep(300);
    assertThat(b.frames).isEmpty();
    assertThat(b.sessions.counters().badRecords()).isEqualTo(1);
    a.send(s, data(3)); // arrives, but after a hole: the stream layer must not see it
    assertThat(next(b.closed, "closed at B")).isEqualTo(SessionEnd.LOST);
    assertThat(b.frames).isEmpty();
    assertThat(next(a.closed, "closed at A")).isEqualTo(SessionEnd.PEER_CLOSED);
  }

  @Test
  void lostHello_isRetransmitted() throws Exception {
    Peer a = peer(18);
    Peer b = peer(19);
    AtomicLong hellos = new AtomicLong();
    relay = p -> p.type() == SessionFrameType.HELLO && hellos.incrementAndGet() == 1 ? null : p;
    a.connect(b);
    next(a.established, "established after a retransmission");
    assertThat(hellos.get()).isEqualTo(2);
  }

  @Test
  void replayedHello_underAnotherId_isDroppedBeforeItMakesASession() throws Exception {
    Peer a = peer(20);
    Peer b = peer(21);
    List<Packet> hellos = new ArrayList<>();
    relay = p -> {
      if (p.type() == SessionFrameType.HELLO) {
        hellos.add(p);
      }
      return p;
    };
    a.connect(b);
    next(b.established, "established at B");
    byte[] replay = hellos.get(0).payload().toByteArray();
    replay[1] ^= 1; // another session id, same Noise message
    b.sessions.packet(a.key(), FrameBytes.copyOf(replay));
    b.sessions.packet(a.key(), hellos.get(0).payload()); // same id: answered again, no new session
    Thread.sleep(300);
    assertThat(b.sessions.counters().replayedHellos()).isEqualTo(1);
    assertThat(b.sessions.sessions()).hasSize(1);
    assertThat(b.established).isEmpty();
  }

  @Test
  void handshakesPerSecondPerPeer_limitDropsTheRest() throws Exception {
    SessionSettings two = new SessionSettings(16, 2, Duration.ofSeconds(3),
        Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(30), 64 * 1024, Duration.ofSeconds(5));
    Peer b = peer(22, two);
    Peer a = peer(23);
    Clock ticking = new Clock() {
      final AtomicLong ms = new AtomicLong(Instant.now().toEpochMilli());

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(ms.incrementAndGet());
      }

      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    for (int i = 0; i < 6; i++) {
      Handshake hs = Handshake.initiator(a.me, a.cert, b.address(),
          TrustPolicy.ofNetwork(NET.address()), Purpose.SESSION, ticking, Seeded.random(100 + i));
      b.sessions.packet(a.key(), encode(new SessionFrame.SessionHello(
          i, FrameBytes.copyOf(hs.writeMessage(new byte[0])))));
    }
    Thread.sleep(300);
    assertThat(b.sessions.counters().accepted()).isEqualTo(2);
    assertThat(b.sessions.counters().rateLimited()).isEqualTo(4);
  }

  @Test
  void maxSessions_refusesTheNextWithLimit() throws Exception {
    SessionSettings one = new SessionSettings(1, 50, Duration.ofSeconds(3),
        Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(30), 64 * 1024, Duration.ofSeconds(5));
    Peer b = peer(24, one);
    Peer a = peer(25);
    Peer c = peer(26);
    a.connect(b);
    next(a.established, "A's session");
    c.connect(b);
    assertThat(next(c.closed, "C's session")).isEqualTo(SessionEnd.LIMIT);
    assertThat(b.sessions.counters().limited()).isEqualTo(1);
    // and locally: B cannot open a second one either
    assertThat(b.onLoop(() -> b.sessions.connect(c.address()))).isEmpty();
  }

  @Test
  void peerThatRestarted_answersUnknownSession_andTheOldSessionEnds() throws Exception {
    Peer a = peer(27);
    Peer b = peer(28);
    Session s = a.connect(b);
    next(b.established, "established at B");
    b.sessions.close(); // B "restarts": same key, no sessions
    assertThat(next(a.closed, "A hears B's CLOSE")).isEqualTo(SessionEnd.PEER_CLOSED);
    Sessions fresh = new Sessions(group.next(), b.me, b.cert, TrustPolicy.ofNetwork(NET.address()),
        FAST, Clock.systemUTC(), Seeded.random(29), b.listener());
    b.sessions = fresh;
    fresh.start((to, payload) -> nodes.get(to).sessions.packet(b.key(), payload));
    // a record for the old session id reaches the new B
    Session again = a.connect(b);
    assertThat(again).isNotSameAs(s);
    next(a.established, "a new session");
    relay = p -> p;
    fresh.packet(a.key(), encode(new SessionFrame.SessionRecord(s.id(),
        FrameBytes.copyOf(new byte[40]))));
    Thread.sleep(200);
    assertThat(fresh.counters().unknownSessions()).isEqualTo(1);
  }

  @Test
  void handshakeWithoutAnswer_timesOut() throws Exception {
    SessionSettings quick = new SessionSettings(16, 50, Duration.ofMillis(600),
        Duration.ofMillis(100), Duration.ofMinutes(5), Duration.ofMinutes(30), 64 * 1024, Duration.ofSeconds(5));
    Peer a = peer(30, quick);
    Peer b = peer(31);
    relay = p -> p.type() == SessionFrameType.HELLO ? null : p;
    a.connect(b);
    assertThat(next(a.closed, "timeout")).isEqualTo(SessionEnd.TIMEOUT);
  }

  @Test
  void idleSession_isClosedAtBothEnds() throws Exception {
    SessionSettings idle = new SessionSettings(16, 50, Duration.ofSeconds(3),
        Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofMinutes(30), 64 * 1024, Duration.ofSeconds(5));
    Peer a = peer(32, idle);
    Peer b = peer(33);
    a.connect(b);
    next(b.established, "established");
    assertThat(next(a.closed, "idle")).isEqualTo(SessionEnd.IDLE);
    assertThat(next(b.closed, "peer closed")).isEqualTo(SessionEnd.PEER_CLOSED);
  }

  @Test
  void sessionWithOpenStreams_isNotIdle_andRekeyedOneClosesAfterItsLastStream() throws Exception {
    SessionSettings s = new SessionSettings(16, 50, Duration.ofSeconds(3),
        Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(600), 64 * 1024, Duration.ofSeconds(5));
    Peer a = peer(34, s);
    Peer b = peer(35);
    Session first = a.connect(b);
    a.onLoop(() -> {
      first.streamOpened();
      return null;
    });
    next(a.established, "established");
    Thread.sleep(1000); // past idle (no effect: a stream is open) and past rekeyAfter
    assertThat(first.state()).isEqualTo(Session.State.ESTABLISHED);
    assertThat(first.isRetiring()).isTrue();
    Session second = a.connect(b);
    assertThat(second).isNotSameAs(first);
    a.onLoop(() -> {
      first.streamClosed();
      return null;
    });
    assertThat(next(a.closed, "the old session")).isEqualTo(SessionEnd.CLOSED);
    assertThat(a.onLoop(() -> a.sessions.connect(b.address()).orElseThrow())).isSameAs(second);
  }

  @Test
  void sessionWithStreams_peerThatForgotIt_isToldByTheKeepalive_silentPeerTimesOut()
      throws Exception {
    SessionSettings ka = new SessionSettings(16, 50, Duration.ofSeconds(3),
        Duration.ofMillis(200), Duration.ofMinutes(5), Duration.ofMinutes(30), 64 * 1024,
        Duration.ofMillis(200));
    Peer a = peer(40, ka);
    Peer b = peer(41);
    Session s = a.connect(b);
    a.onLoop(() -> {
      s.streamOpened();
      return null;
    });
    next(b.established, "established");
    // B forgets the session and its CLOSE is lost: A's next keepalive learns it
    relay = p -> p.from().equals(b.key()) && p.type() == SessionFrameType.CLOSE ? null : p;
    b.sessions.close(); // B restarts: same key, no sessions
    relay = p -> p;
    Sessions fresh = new Sessions(group.next(), b.me, b.cert, TrustPolicy.ofNetwork(NET.address()),
        FAST, Clock.systemUTC(), Seeded.random(43), b.listener());
    b.sessions = fresh;
    started.add(b);
    fresh.start((to, payload) -> nodes.get(to).sessions.packet(b.key(), payload));
    assertThat(next(a.closed, "after a keepalive")).isEqualTo(SessionEnd.PEER_CLOSED);
    assertThat(fresh.counters().unknownSessions()).isEqualTo(1);

    // a peer that hears us but whose packets are all lost: silence ends it
    Session t = a.connect(b);
    a.onLoop(() -> {
      t.streamOpened();
      return null;
    });
    Peer c = peer(42);
    Session u = a.connect(c);
    a.onLoop(() -> {
      u.streamOpened();
      return null;
    });
    next(c.established, "established with C");
    relay = p -> p.from().equals(c.key()) ? null : p;
    long t0 = System.nanoTime();
    SessionEnd why = null;
    while (why != SessionEnd.TIMEOUT) {
      why = next(a.closed, "silence");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void unreachablePeer_endsItsSessions() throws Exception {
    Peer a = peer(36);
    Peer b = peer(37);
    a.connect(b);
    next(a.established, "established");
    a.sessions.unreachable(b.key(), UnreachableReason.NO_ROUTE);
    assertThat(next(a.closed, "unreachable")).isEqualTo(SessionEnd.UNREACHABLE);
  }

  @Test
  void garbagePackets_areCountedAndChangeNothing() throws Exception {
    Peer a = peer(38);
    Peer b = peer(39);
    Session s = a.connect(b);
    next(b.established, "established");
    b.sessions.packet(a.key(), FrameBytes.copyOf(new byte[] {9, 9, 9}));
    b.sessions.packet(a.key(), FrameBytes.empty());
    b.sessions.packet(a.key(), encode(new SessionFrame.SessionWelcome(s.id(),
        FrameBytes.copyOf(new byte[48]))));
    a.send(s, data(7));
    assertThat(next(b.frames, "frames after garbage")).containsExactly(data(7));
    assertThat(b.sessions.counters().malformed()).isEqualTo(2);
  }

  static FrameBytes encode(SessionFrame f) {
    var buf = Unpooled.buffer();
    SessionFrameCodec.encode(f, buf);
    FrameBytes out = FrameBytes.copyOf(buf);
    buf.release();
    return out;
  }
}
