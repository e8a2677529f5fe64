package io.staex.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.frame.FrameBytes;
import io.staex.testing.LeakWatch;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.link.LinkTransport;
import io.staex.proxy.relay.PacketSender;
import io.staex.proxy.service.Service;
import io.staex.proxy.service.Services;
import io.staex.proxy.session.Session;
import io.staex.proxy.session.SessionEnd;
import io.staex.proxy.session.SessionListener;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.session.Sessions;
import io.staex.testing.Seeded;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's stream layer (with its services) against a hand-driven peer: a bare session layer
 * whose stream frames the test writes itself, as a buggy or hostile peer could.
 */
class StreamsTest {
  static final Identity NET = Identity.generate(Seeded.random(1));
  static final int WINDOW = 4096;
  static EventLoopGroup group;
  static ServerSocket device;
  static final List<Socket> accepted = new CopyOnWriteArrayList<>();

  Streams node;
  Sessions peer;
  final BlockingQueue<StreamFrame> fromNode = new LinkedBlockingQueue<>();
  final BlockingQueue<Session> peerSessions = new LinkedBlockingQueue<>();
  Session session;

  record Creds(Identity me, Certificate cert) {}

  static Creds creds(long seed) {
    SecureRandom r = Seeded.random(seed);
    Identity me = Identity.generate(r);
    Instant now = Instant.now();
    return new Creds(me, Certificate.issue(NET, me.address(), Optional.empty(), Set.of(),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), r));
  }

  @BeforeAll
  static void startAll() throws IOException {
    LeakWatch.install();
    group = LinkTransport.newEventLoopGroup(2);
    device = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!device.isClosed()) {
        try {
          accepted.add(device.accept()); // holds connections open, says nothing
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @AfterAll
  static void stopAll() throws Exception {
    device.close();
    for (Socket s : accepted) {
      s.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  void start(StreamSettings settings, Set<Address> allow) throws Exception {
    Creds n = creds(10);
    Creds p = creds(11);
    TrustPolicy policy = TrustPolicy.ofNetwork(NET.address());
    var loop = group.next();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Services services = new Services(loop, NET.address(), Duration.ofSeconds(2), List.of(
        new Service(7, new InetSocketAddress("127.0.0.1", device.getLocalPort()), allow),
        new Service(9, new InetSocketAddress("127.0.0.1", closedPort), Set.of()),
        new Service(10, InetSocketAddress.createUnresolved("localhost", device.getLocalPort()),
            Set.of())));
    node = new Streams(loop, n.me(), n.cert(), policy, SessionSettings.defaults(), settings,
        Clock.systemUTC(), Seeded.random(12), services);
    peer = new Sessions(group.next(), p.me(), p.cert(), policy, SessionSettings.defaults(),
        Clock.systemUTC(), Seeded.random(13), new SessionListener() {
          @Override
          public void established(Session s) {
            peerSessions.add(s);
          }

          @Override
          public void frames(Session s, List<StreamFrame> frames) {
            fromNode.addAll(frames);
          }

          @Override
          public void closed(Session s, SessionEnd why) {}

          @Override
          public void sendPaused() {}

          @Override
          public void sendResumed() {}
        });
    NodeKey nodeKey = NodeKey.of(n.me().address());
    NodeKey peerKey = NodeKey.of(p.me().address());
    PacketSender toPeer = (d, payload) -> peer.packet(nodeKey, payload);
    PacketSender toNode = (d, payload) -> node.sessions().packet(peerKey, payload);
    node.sessions().start(toPeer);
    peer.start(toNode);
    session = peer.loop().submit(() -> peer.connect(n.me().address()).orElseThrow())
        .get(5, TimeUnit.SECONDS);
    assertThat(peerSessions.poll(5, TimeUnit.SECONDS)).isSameAs(session);
  }

  @BeforeEach
  void defaults() {
    fromNode.clear();
  }

  @AfterEach
  void stop() {
    peer.close();
    node.close();
  }

  void send(StreamFrame... frames) throws Exception {
    peer.loop().submit(() -> {
      for (StreamFrame f : frames) {
        session.send(f);
      }
    }).get(5, TimeUnit.SECONDS);
  }

  StreamFrame next() throws InterruptedException {
    StreamFrame f = fromNode.poll(5, TimeUnit.SECONDS);
    assertThat(f).as("a frame from the node within 5 s").isNotNull();
    return f;
  }

  static StreamSettings settings(int perSession, int total) {
    return new StreamSettings(perSession, total, WINDOW, Duration.ofSeconds(5),
        Duration.ofSeconds(2));
  }

  @Test
  void dataBeyondTheWindow_resetsThatStreamOnly() throws Exception {
    start(settings(16, 16), Set.of());
    send(new StreamFrame.Open(1, 7, 65536), new StreamFrame.Open(3, 7, 65536));
    assertThat(List.of(next(), next())).containsExactlyInAnyOrder(
        new StreamFrame.Window(1, WINDOW), new StreamFrame.Window(3, WINDOW));
    // (bytes already written out are granted back at once, so exceed it in one frame)
    send(new StreamFrame.Data(1, FrameBytes.copyOf(new byte[WINDOW + 1])));
    assertThat(next()).isEqualTo(new StreamFrame.Reset(1, ResetReason.PROTOCOL_ERROR));
    send(new StreamFrame.Data(3, FrameBytes.copyOf(new byte[WINDOW])));
    // stream 3 goes on: its bytes reach the device and are granted back
    assertThat(next()).isEqualTo(new StreamFrame.Window(3, WINDOW));
    assertThat(node.streamCount()).isEqualTo(1);
    assertThat(node.counters().protocolErrors()).isEqualTo(1);
  }

  @Test
  void dataAfterFin_isAProtocolError() throws Exception {
    start(settings(16, 16), Set.of());
    send(new StreamFrame.Open(1, 7, 65536));
    assertThat(next()).isEqualTo(new StreamFrame.Window(1, WINDOW));
    send(new StreamFrame.Fin(1), new StreamFrame.Data(1, FrameBytes.copyOf(new byte[1])));
    assertThat(next()).isEqualTo(new StreamFrame.Reset(1, ResetReason.PROTOCOL_ERROR));
  }

  @Test
  void idsThatAreNotThePeersToGive_areRefused() throws Exception {
    start(settings(16, 16), Set.of());
    send(new StreamFrame.Open(2, 7, 65536), new StreamFrame.Open(0, 7, 65536));
    assertThat(List.of(next(), next())).containsExactly(
        new StreamFrame.Reset(2, ResetReason.PROTOCOL_ERROR),
        new StreamFrame.Reset(0, ResetReason.PROTOCOL_ERROR));
  }

  @Test
  void nodeWideStreamLimit_refusesWithLimit() throws Exception {
    start(settings(16, 2), Set.of());
    send(new StreamFrame.Open(1, 7, 65536), new StreamFrame.Open(3, 7, 65536),
        new StreamFrame.Open(5, 7, 65536));
    assertThat(next()).isEqualTo(new StreamFrame.Reset(5, ResetReason.LIMIT));
    assertThat(List.of(next(), next())).containsExactlyInAnyOrder(
        new StreamFrame.Window(1, WINDOW), new StreamFrame.Window(3, WINDOW));
    assertThat(node.counters().refusedLimit()).isEqualTo(1);
  }

  @Test
  void sessionThatEnds_givesBackItsStreamSlots() throws Exception {
    start(settings(16, 2), Set.of());
    send(new StreamFrame.Open(1, 7, 65536), new StreamFrame.Open(3, 7, 65536));
    assertThat(List.of(next(), next())).containsExactlyInAnyOrder(
        new StreamFrame.Window(1, WINDOW), new StreamFrame.Window(3, WINDOW));
    assertThat(node.streamCount()).isEqualTo(2);
    peer.close(); // the peer goes away: CLOSE CLOSED, the node's streams are aborted
    long end = System.nanoTime() + 5_000_000_000L;
    while (node.streamCount() != 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    // a stream lost with its session must not hold a limits.max-streams slot for good
    assertThat(node.streamCount()).isZero();
    assertThat(node.streams()).isEmpty();
  }

  @Test
  void serviceTargetByHostName_isResolvedOffTheLoop_andConnected() throws Exception {
    start(settings(16, 16), Set.of());
    send(new StreamFrame.Open(1, 10, 65536));
    assertThat(next()).isEqualTo(new StreamFrame.Window(1, WINDOW));
  }

  @Test
  void servicesSayWhyTheyRefuse() throws Exception {
    start(settings(16, 16), Set.of(creds(99).me().address()));
    send(new StreamFrame.Open(1, 7, 65536), new StreamFrame.Open(3, 8, 65536),
        new StreamFrame.Open(5, 9, 65536));
    assertThat(List.of(next(), next(), next())).containsExactlyInAnyOrder(
        new StreamFrame.Reset(1, ResetReason.NOT_ALLOWED),
        new StreamFrame.Reset(3, ResetReason.NO_SERVICE),
        new StreamFrame.Reset(5, ResetReason.REFUSED));
    assertThat(node.streamCount()).isZero();
  }
}
