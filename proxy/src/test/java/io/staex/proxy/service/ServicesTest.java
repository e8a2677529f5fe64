package io.staex.proxy.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.TestSettings;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.frame.StreamFrame;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.relay.PacketSender;
import io.staex.proxy.session.Session;
import io.staex.proxy.session.SessionEnd;
import io.staex.proxy.session.SessionListener;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.session.Sessions;
import io.staex.proxy.stream.StreamSettings;
import io.staex.proxy.stream.StreamWire;
import io.staex.proxy.stream.Streams;
import io.staex.proxy.testkit.PlainFrames;
import io.staex.testing.LeakWatch;
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
import org.junit.jupiter.api.Test;

/**
 * The exposed services with real target sockets on loopback: a node's stream layer on a real
 * event loop, with {@link Services} behind it, against a hand-driven peer. (The stream layer's
 * own behaviour is tested under a manual clock in {@code StreamsTest}; this one needs real
 * sockets, so it waits for them, up to 5 s.)
 */
class ServicesTest {
  static final Identity NET = Identity.generate(Seeded.random(1));
  static final int WINDOW = 4096;
  static EventLoopGroup group;
  static ServerSocket device;
  static final List<Socket> accepted = new CopyOnWriteArrayList<>();

  Streams node;
  Services services;
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
    group = Transports.newEventLoopGroup(2);
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

  /** Port 7: the device, open to {@code allow}; 9: a closed port; 10: the device by name. */
  void start(Set<Address> allow) throws Exception {
    Creds n = creds(10);
    Creds p = creds(11);
    TrustPolicy policy = TrustPolicy.ofNetwork(NET.address());
    var loop = group.next();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    services = new Services(loop, NET.address(), Duration.ofSeconds(2), List.of(
        new Service(7, new InetSocketAddress("127.0.0.1", device.getLocalPort()), allow),
        new Service(9, new InetSocketAddress("127.0.0.1", closedPort), Set.of()),
        new Service(10, InetSocketAddress.createUnresolved("localhost", device.getLocalPort()),
            Set.of())));
    node = new Streams(loop, n.me(), n.cert(), policy, TestSettings.sessions(),
        new StreamSettings(16, 16, WINDOW, Duration.ofSeconds(5), Duration.ofSeconds(2), 256),
        Clock.systemUTC(), Seeded.random(12), services);
    peer = new Sessions(group.next(), p.me(), p.cert(), policy, TestSettings.sessions(),
        Clock.systemUTC(), Seeded.random(13), new SessionListener() {
          @Override
          public void established(Session s) {
            peerSessions.add(s);
          }

          @Override
          public void received(Session s, FrameBytes plaintext) {
            fromNode.addAll(PlainFrames.read(plaintext));
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

  @AfterEach
  void stop() {
    peer.close();
    node.close();
  }

  void send(StreamFrame... frames) throws Exception {
    peer.loop().submit(() -> {
      for (StreamFrame f : frames) {
        StreamWire.send(session, f);
      }
    }).get(5, TimeUnit.SECONDS);
  }

  StreamFrame next() throws InterruptedException {
    StreamFrame f = fromNode.poll(5, TimeUnit.SECONDS);
    assertThat(f).as("a frame from the node within 5 s").isNotNull();
    return f;
  }

  @Test
  void connectedService_bytesReachTheTarget_andAreGrantedBack() throws Exception {
    start(Set.of());
    send(new StreamFrame.Open(1, 7, 65536));
    assertThat(next()).isEqualTo(new StreamFrame.Window(1, WINDOW));
    send(new StreamFrame.Data(1, FrameBytes.copyOf(new byte[WINDOW])));
    assertThat(next()).isEqualTo(new StreamFrame.Window(1, WINDOW));
  }

  @Test
  void serviceTargetByHostName_isResolvedOffTheLoop_andConnected() throws Exception {
    start(Set.of());
    send(new StreamFrame.Open(1, 10, 65536));
    assertThat(next()).isEqualTo(new StreamFrame.Window(1, WINDOW));
  }

  @Test
  void servicesSayWhyTheyRefuse() throws Exception {
    start(Set.of(creds(99).me().address()));
    send(new StreamFrame.Open(1, 7, 65536), new StreamFrame.Open(3, 8, 65536),
        new StreamFrame.Open(5, 9, 65536));
    assertThat(List.of(next(), next(), next())).containsExactlyInAnyOrder(
        new StreamFrame.Reset(1, ResetReason.NOT_ALLOWED),
        new StreamFrame.Reset(3, ResetReason.NO_SERVICE),
        new StreamFrame.Reset(5, ResetReason.REFUSED));
    assertThat(node.streamCount()).isZero();
  }

  /** A reload: the table replaced, then the running streams it no longer allows reset. */
  @Test
  void replacedTable_resetsOnlyTheStreamsItRefuses_withItsReason() throws Exception {
    start(Set.of());
    send(new StreamFrame.Open(1, 7, 65536), new StreamFrame.Open(3, 10, 65536));
    assertThat(List.of(next(), next())).containsExactlyInAnyOrder(
        new StreamFrame.Window(1, WINDOW), new StreamFrame.Window(3, WINDOW));
    Service kept = services.list().stream().filter(s -> s.port() == 10).findFirst().orElseThrow();
    Service seven = services.list().stream().filter(s -> s.port() == 7).findFirst().orElseThrow();

    // Port 7 now only for another node: NOT_ALLOWED; port 10 unchanged.
    services.set(List.of(kept, new Service(7, seven.target(), Set.of(creds(99).me().address()))));
    assertThat(node.resetIncoming(services::refusal)).isEqualTo(1);
    assertThat(next()).isEqualTo(new StreamFrame.Reset(1, ResetReason.NOT_ALLOWED));

    // Port 10 gone: NO_SERVICE.
    services.set(List.of());
    assertThat(node.resetIncoming(services::refusal)).isEqualTo(1);
    assertThat(next()).isEqualTo(new StreamFrame.Reset(3, ResetReason.NO_SERVICE));
    assertThat(node.streamCount()).isZero();
    assertThat(node.resetIncoming(services::refusal)).isZero();
  }
}
