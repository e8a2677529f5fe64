package io.staex.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.netty.buffer.Unpooled;
import io.staex.proxy.TestSettings;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
  Address peerAddress;
  /** The relay's send gate as the node sees it ({@link PacketSender#isSendPaused}). */
  final AtomicBoolean gate = new AtomicBoolean();

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
    node = new Streams(loop, n.me(), n.cert(), policy, TestSettings.sessions(), settings,
        Clock.systemUTC(), Seeded.random(12), services);
    peer = new Sessions(group.next(), p.me(), p.cert(), policy, TestSettings.sessions(),
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
    peerAddress = p.me().address();
    PacketSender toPeer = new PacketSender() {
      @Override
      public void send(NodeKey d, FrameBytes payload) {
        peer.packet(nodeKey, payload);
      }

      @Override
      public boolean isSendPaused() {
        return gate.get();
      }
    };
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
    gate.set(false);
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
        Duration.ofSeconds(2), 256);
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

  // ---- datagrams ----

  /** What a node-side stream's handler heard, in order. */
  static final class Recorder implements StreamHandler {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    record Got(int channel, FrameBytes data) {}

    @Override
    public void connected(Stream stream) {
      events.add("connected");
    }

    @Override
    public void data(Stream stream, FrameBytes data) {
      events.add(data);
    }

    @Override
    public void datagram(Stream stream, int channel, FrameBytes data) {
      events.add(new Got(channel, data));
    }

    @Override
    public void fin(Stream stream) {
      events.add("fin");
    }

    @Override
    public void writable(Stream stream) {}

    @Override
    public void reset(Stream stream, ResetReason reason) {
      events.add(reason);
    }

    Object next() throws InterruptedException {
      Object e = events.poll(5, TimeUnit.SECONDS);
      assertThat(e).as("an event within 5 s").isNotNull();
      return e;
    }
  }

  /** A stream the node opens to the peer, accepted by the test: id 2 (the node responds). */
  Stream openFromNode(Recorder handler) throws Exception {
    Stream s = onNode(() -> node.open(peerAddress, 554, handler));
    assertThat(next()).isEqualTo(new StreamFrame.Open(s.id(), 554, WINDOW));
    send(new StreamFrame.Window(s.id(), 65536));
    assertThat(handler.next()).isEqualTo("connected");
    return s;
  }

  <T> T onNode(java.util.concurrent.Callable<T> task) throws Exception {
    return node.loop().submit(task).get(5, TimeUnit.SECONDS);
  }

  static FrameBytes payload(int i, int size) {
    byte[] b = new byte[size];
    for (int k = 0; k < size; k++) {
      b[k] = (byte) (i * 31 + k);
    }
    return FrameBytes.copyOf(b);
  }

  boolean sendDatagram(Stream s, int channel, FrameBytes data) throws Exception {
    return onNode(() -> {
      var buf = Unpooled.wrappedBuffer(data.toByteArray());
      try {
        return s.sendDatagram(channel, buf);
      } finally {
        buf.release();
      }
    });
  }

  @Test
  void datagrams_goBothWays_inOrder_byteExact() throws Exception {
    start(settings(16, 16), Set.of());
    Recorder h = new Recorder();
    Stream s = openFromNode(h);
    for (int i = 0; i < 100; i++) {
      assertThat(sendDatagram(s, i % 2, payload(i, 1 + i * 13))).isTrue();
    }
    for (int i = 0; i < 100; i++) {
      assertThat(next()).isEqualTo(new StreamFrame.Datagram(s.id(), i % 2, payload(i, 1 + i * 13)));
    }
    for (int i = 0; i < 100; i++) {
      send(new StreamFrame.Datagram(s.id(), 255 + i, payload(i, i * 7)));
    }
    send(new StreamFrame.Datagram(s.id(), 65535,
        payload(-1, FrameLimits.MAX_DATAGRAM)));
    for (int i = 0; i < 100; i++) {
      assertThat(h.next()).isEqualTo(new Recorder.Got(255 + i, payload(i, i * 7)));
    }
    assertThat(h.next()).isEqualTo(
        new Recorder.Got(65535, payload(-1, FrameLimits.MAX_DATAGRAM)));
    StreamCounters c = node.counters();
    assertThat(c.datagramsSent()).isEqualTo(100);
    assertThat(c.datagramsReceived()).isEqualTo(101);
    assertThat(c.datagramsDroppedNoStream() + c.datagramsDroppedQueueFull()
        + c.datagramsDroppedTooBig()).isZero();
  }

  @Test
  void datagrams_afterAHalfClose_stillFlow_andUntilTheStreamIsFinished() throws Exception {
    start(settings(16, 16), Set.of());
    Recorder h = new Recorder();
    Stream s = openFromNode(h);
    onNode(() -> {
      s.finish();
      return null;
    });
    assertThat(next()).isEqualTo(new StreamFrame.Fin(s.id()));
    assertThat(sendDatagram(s, 1, payload(1, 10))).isTrue();
    assertThat(next()).isEqualTo(new StreamFrame.Datagram(s.id(), 1, payload(1, 10)));
    send(new StreamFrame.Datagram(s.id(), 2, payload(2, 10)), new StreamFrame.Fin(s.id()),
        new StreamFrame.Datagram(s.id(), 3, payload(3, 10)));
    assertThat(h.next()).isEqualTo(new Recorder.Got(2, payload(2, 10)));
    assertThat(h.next()).isEqualTo("fin");
    // both FINs: the stream is finished; later datagrams are dropped both ways, and counted
    assertThat(onNode(s::isFinished)).isTrue();
    assertThat(sendDatagram(s, 4, payload(4, 10))).isFalse();
    assertThat(h.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(node.counters().datagramsDroppedNoStream()).isEqualTo(2);
    assertThat(node.counters().datagramsReceived()).isEqualTo(1);
  }

  @Test
  void datagrams_forUnknownOrUnconnectedStreams_areDropped_andHurtNoOtherStream()
      throws Exception {
    start(settings(16, 16), Set.of());
    // a node-opened stream the peer has not accepted yet: datagrams for it are dropped
    Recorder early = new Recorder();
    Stream waiting = onNode(() -> node.open(peerAddress, 554, early));
    assertThat(next()).isEqualTo(new StreamFrame.Open(waiting.id(), 554, WINDOW));
    assertThat(sendDatagram(waiting, 0, payload(0, 10))).isFalse();
    send(new StreamFrame.Open(1, 7, 65536));
    assertThat(next()).isEqualTo(new StreamFrame.Window(1, WINDOW));
    send(new StreamFrame.Datagram(waiting.id(), 0, payload(0, 10)),
        new StreamFrame.Datagram(12345, 0, payload(1, 10)),
        new StreamFrame.Datagram(0, 0, payload(2, 10)),
        new StreamFrame.Datagram(StreamFrame.MAX_U32, 65535, payload(3, 100)),
        new StreamFrame.Datagram(1, 9, payload(4, 10)), // stream 1's: delivered to its bridge
        new StreamFrame.Data(1, FrameBytes.copyOf(new byte[WINDOW])));
    // stream 1 goes on: its bytes reach the device and are granted back
    assertThat(next()).isEqualTo(new StreamFrame.Window(1, WINDOW));
    // and the waiting one still connects, with nothing delivered early
    send(new StreamFrame.Window(waiting.id(), 65536));
    assertThat(early.next()).isEqualTo("connected");
    assertThat(early.events).isEmpty();
    // too big to send: dropped here, counted
    assertThat(onNode(() -> {
      var big = Unpooled.buffer(FrameLimits.MAX_DATAGRAM + 1).writeZero(
          FrameLimits.MAX_DATAGRAM + 1);
      try {
        return waiting.sendDatagram(0, big);
      } finally {
        big.release();
      }
    })).isFalse();
    StreamCounters c = node.counters();
    assertThat(c.datagramsDroppedNoStream()).isEqualTo(5); // 1 local, 4 from the peer
    assertThat(c.datagramsDroppedTooBig()).isEqualTo(1);
    assertThat(c.datagramsReceived()).isEqualTo(1);
    assertThat(c.protocolErrors()).isZero();
    assertThat(node.streamCount()).isEqualTo(2);
    assertThat(session.isClosed()).isFalse();
  }

  @Test
  void datagramQueue_underAPausedSendGate_dropsTheOldest_thenSendsTheNewestInOrder()
      throws Exception {
    int limit = 16;
    start(settings(16, 16).withDatagramQueue(limit), Set.of());
    Recorder h = new Recorder();
    Stream s = openFromNode(h);
    Recorder other = new Recorder();
    Stream gone = openFromNode(other);
    gate.set(true);
    int n = 300;
    for (int i = 0; i < n; i++) {
      assertThat(sendDatagram(i == n - 2 ? gone : s, 7, payload(i, 100 + i))).isTrue();
    }
    onNode(() -> {
      gone.reset(ResetReason.CLOSED); // its queued datagram is dropped when the gate opens
      return null;
    });
    assertThat(next()).isEqualTo(new StreamFrame.Reset(gone.id(), ResetReason.CLOSED));
    assertThat(fromNode.poll(100, TimeUnit.MILLISECONDS)).as("nothing while paused").isNull();
    assertThat(node.counters().datagramsDroppedQueueFull()).isEqualTo(n - limit);
    gate.set(false); // the layer polls the gate it saw closed, and drains on reopening
    for (int i = n - limit; i < n; i++) {
      if (i != n - 2) {
        assertThat(next()).isEqualTo(new StreamFrame.Datagram(s.id(), 7, payload(i, 100 + i)));
      }
    }
    assertThat(fromNode.poll(100, TimeUnit.MILLISECONDS)).isNull();
    StreamCounters c = node.counters();
    assertThat(c.datagramsSent()).isEqualTo(limit - 1);
    assertThat(c.datagramsDroppedQueueFull()).isEqualTo(n - limit);
    assertThat(c.datagramsDroppedNoStream()).isEqualTo(1);
    assertThat(session.isClosed()).isFalse();
  }
}
