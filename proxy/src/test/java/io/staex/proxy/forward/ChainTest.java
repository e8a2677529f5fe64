package io.staex.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.testing.LeakWatch;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.LinkTransport;
import io.staex.proxy.service.Service;
import io.staex.proxy.stream.StreamSettings;
import io.staex.testing.Seeded;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole data planes in one JVM over real loopback links: {@code user → relay → root ←
 * gateway}, the user with a second parent (the root). The gateway exposes an echo server (port
 * 7) and a byte source (port 19); plain blocking sockets are the applications.
 */
class ChainTest {
  private static final Logger log = LoggerFactory.getLogger(ChainTest.class);
  static final Identity NET = Identity.generate(Seeded.random(1));
  static final Identity OTHER = Identity.generate(Seeded.random(2));
  static final int ECHO = 7;
  static final int SOURCE = 19;

  static EventLoopGroup group;
  static TestServers.Server echo;
  static TestServers.Server source;

  final List<TestNode> nodes = new ArrayList<>();
  TestNode root;
  TestNode relay;
  TestNode gateway;
  TestNode user;

  @BeforeAll
  static void startAll() throws IOException {
    LeakWatch.install();
    group = LinkTransport.newEventLoopGroup(4);
    echo = TestServers.echo();
    source = TestServers.source();
  }

  @AfterAll
  static void stopAll() throws Exception {
    echo.close();
    source.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  static LinkCredentials own(long seed) {
    return TestNode.credentials(NET, seed, TrustPolicy.ofNetwork(NET.address()));
  }

  List<Service> deviceServices() {
    return List.of(
        new Service(ECHO, new InetSocketAddress("127.0.0.1", echo.port()), java.util.Set.of()),
        new Service(SOURCE, new InetSocketAddress("127.0.0.1", source.port()),
            java.util.Set.of()));
  }

  TestNode start(LinkCredentials c, List<Service> services, StreamSettings s,
      TestNode... parents) {
    TestNode n = TestNode.start(group, c, services, s, parents);
    nodes.add(n);
    return n;
  }

  void startChain(StreamSettings gatewaySettings) throws InterruptedException {
    StreamSettings d = StreamSettings.defaults();
    root = start(TestNode.credentials(NET, 10, TrustPolicy.builder(NET.address())
        .trustNetwork(OTHER.address()).build()), List.of(), d);
    relay = start(own(11), List.of(), d, root);
    gateway = start(own(12), deviceServices(), gatewaySettings, root);
    user = start(own(13), List.of(), d, relay, root);
    await("the root knows all four", Duration.ofSeconds(20), () -> root.relay.viewSize() == 4
        && user.relay.activeParent().equals(Optional.of(relay.address())));
  }

  @BeforeEach
  void chain() throws InterruptedException {
    startChain(StreamSettings.defaults());
  }

  @AfterEach
  void stop() {
    for (TestNode n : nodes) {
      log.info("{}: {}; sessions {}", n.address().shortText(), n.relay.counters(),
          n.streams.sessions().counters().lost());
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }

  static void await(String what, Duration limit, BooleanSupplier ok) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(30_000);
    return s;
  }

  /** Asks the source for {@code length} bytes of {@code seed}; returns their SHA-256. */
  static byte[] download(Socket s, long length, long seed) throws Exception {
    ask(s, length, seed);
    return digestAll(s, length);
  }

  static void ask(Socket s, long length, long seed) throws IOException {
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeLong(length);
    out.writeLong(seed);
    out.flush();
  }

  /** Reads {@code s} to its end, checks it was {@code length} bytes; returns their SHA-256. */
  static byte[] digestAll(Socket s, long length) throws Exception {
    MessageDigest got = MessageDigest.getInstance("SHA-256");
    InputStream in = s.getInputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      got.update(buf, 0, n);
      total += n;
    }
    assertThat(total).isEqualTo(length);
    return got.digest();
  }

  static byte[] expected(long length, long seed) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    Random r = new Random(seed);
    byte[] buf = new byte[64 * 1024];
    for (long left = length; left > 0; ) {
      int n = (int) Math.min(buf.length, left);
      TestServers.fill(r, buf, n);
      d.update(buf, 0, n);
      left -= n;
    }
    return d.digest();
  }

  /** Sends {@code data}, half-closes, and returns everything that came back. */
  static byte[] echoRoundTrip(int port, byte[] data) throws Exception {
    try (Socket s = connect(port)) {
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        Future<?> w = writer.submit(() -> {
          s.getOutputStream().write(data);
          s.shutdownOutput();
          return null;
        });
        byte[] back = s.getInputStream().readAllBytes();
        w.get(30, TimeUnit.SECONDS);
        return back;
      } finally {
        writer.shutdownNow();
      }
    }
  }

  @Test
  void hundredMegabytes_throughAForward_arriveByteExact() throws Exception {
    int port = user.forward(gateway, SOURCE);
    long length = 100L * 1024 * 1024;
    long t0 = System.nanoTime();
    byte[] got;
    try (Socket s = connect(port)) {
      got = download(s, length, 42);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    log.info("100 MiB user <- relay <- root <- gateway in {} s: {} MB/s (JDK {})",
        String.format("%.2f", secs), String.format("%.0f", length / 1e6 / secs),
        Runtime.version().feature());
    assertThat(got).isEqualTo(expected(length, 42));
    await("the stream is gone at both ends", Duration.ofSeconds(5),
        () -> user.streams.streamCount() == 0 && gateway.streams.streamCount() == 0);
  }

  @Test
  void halfClose_clientThatStopsSending_stillGetsTheWholeReply() throws Exception {
    int port = user.forward(gateway, ECHO);
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    assertThat(echoRoundTrip(port, data)).isEqualTo(data);
  }

  @Test
  void twoHundredConcurrentStreams_allRoundTrip() throws Exception {
    int port = user.forward(gateway, ECHO);
    ExecutorService pool = Executors.newFixedThreadPool(200);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int seed = i;
        results.add(pool.submit(() -> {
          byte[] data = new byte[64 * 1024 + seed];
          new Random(seed).nextBytes(data);
          return Arrays.equals(echoRoundTrip(port, data), data);
        }));
      }
      int ok = 0;
      for (Future<Boolean> f : results) {
        ok += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(ok).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
    assertThat(user.streams.sessions().sessions()).hasSize(1);
  }

  @Test
  void pausedReader_doesNotStallAnotherStream_andLosesNothing() throws Exception {
    int sourcePort = user.forward(gateway, SOURCE);
    int echoPort = user.forward(gateway, ECHO);
    long length = 40L * 1024 * 1024;
    try (Socket paused = connect(sourcePort)) {
      paused.setReceiveBufferSize(64 * 1024);
      ask(paused, length, 5);
      Thread.sleep(500); // the source fills the window and stops
      for (int i = 0; i < 5; i++) {
        byte[] data = new byte[1024 * 1024];
        new Random(i).nextBytes(data);
        long t0 = System.nanoTime();
        assertThat(echoRoundTrip(echoPort, data)).isEqualTo(data);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      }
      // the paused stream held at most a window (plus socket buffers) on the way
      assertThat(digestAll(paused, length)).isEqualTo(expected(length, 5));
    }
  }

  @Test
  void reloadingForwards_keepsTheStreamsOfUnrelatedAndRemovedOnes() throws Exception {
    Forward a = new Forward(TestNode.ANY, gateway.address(), ECHO);
    Forward b = new Forward(TestNode.ANY, gateway.address(), ECHO);
    assertThat(user.forwards.apply(List.of(a))).isEmpty();
    int portA = user.forwards.list().get(a).getPort();
    try (Socket open = connect(portA)) {
      open.getOutputStream().write("first half, ".getBytes());
      byte[] got = new byte[12];
      new java.io.DataInputStream(open.getInputStream()).readFully(got);
      assertThat(new String(got)).isEqualTo("first half, ");

      // a second forward comes, then the first one's listener goes: its stream stays
      Forward b2 = new Forward(new InetSocketAddress("127.0.0.1", 0), gateway.address(), SOURCE);
      assertThat(user.forwards.apply(List.of(a, b2))).isEmpty();
      assertThat(user.forwards.apply(List.of(b2))).isEmpty();
      assertThat(user.forwards.list()).containsOnlyKeys(b2);
      assertThatThrownBy(() -> connect(portA)).isInstanceOf(java.net.ConnectException.class);
      try (Socket s = connect(user.forwards.list().get(b2).getPort())) {
        assertThat(download(s, 1 << 20, 9)).isEqualTo(expected(1 << 20, 9));
      }

      open.getOutputStream().write("second half".getBytes());
      open.shutdownOutput();
      assertThat(new String(open.getInputStream().readAllBytes())).isEqualTo("second half");
    }
    assertThat(b).isEqualTo(a); // a forward is its value: the same listen and target
  }

  @Test
  void forwardToACertifiedName_resolvesThroughTheTree_unknownAndAmbiguousNamesAreRefused()
      throws Exception {
    TrustPolicy both = TrustPolicy.builder(NET.address()).trustNetwork(OTHER.address()).build();
    TestNode camera = start(TestNode.credentials(NET, 30, both, Optional.of("camera1")),
        deviceServices(), StreamSettings.defaults(), root);
    TestNode viewer = start(TestNode.credentials(NET, 31, both, Optional.empty()), List.of(),
        StreamSettings.defaults(), relay);
    await("the root knows the camera", Duration.ofSeconds(10),
        () -> root.relay.knows(camera.address()) && viewer.relay.activeParent().isPresent());
    List<Forward> fs = List.of(
        Forward.toName(TestNode.ANY, "camera1", ECHO),
        Forward.toName(TestNode.ANY, "nosuch", ECHO),
        Forward.toName(TestNode.ANY, "twin", ECHO));
    assertThat(viewer.forwards.apply(fs)).isEmpty();
    var ports = viewer.forwards.list();
    byte[] data = "by name".getBytes();
    assertThat(echoRoundTrip(ports.get(fs.get(0)).getPort(), data)).isEqualTo(data);
    for (Forward refused : fs.subList(1, 2)) {
      long t0 = System.nanoTime();
      try (Socket s = connect(ports.get(refused).getPort())) {
        assertThatThrownBy(() -> s.getInputStream().read())
            .isInstanceOf(java.net.SocketException.class);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
    // two trusted networks certify a "twin": never a coin toss
    start(TestNode.credentials(NET, 32, both, Optional.of("twin")), List.of(),
        StreamSettings.defaults(), root);
    start(TestNode.credentials(OTHER, 33, TrustPolicy.builder(OTHER.address())
        .trustNetwork(NET.address()).build(), Optional.of("twin")), List.of(),
        StreamSettings.defaults(), root);
    await("the root knows both twins", Duration.ofSeconds(10), () -> root.relay.viewSize() == 8);
    try (Socket s = connect(ports.get(fs.get(2)).getPort())) {
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(java.net.SocketException.class);
    }
  }

  @Test
  void portNothingExposes_isResetAtOnce() throws Exception {
    int port = user.forward(gateway, 81);
    long t0 = System.nanoTime();
    try (Socket s = connect(port)) {
      s.getOutputStream().write(1);
      assertThatThrownBy(() -> {
        if (s.getInputStream().read() < 0) {
          throw new IOException("clean EOF");
        }
      }).isInstanceOf(java.net.SocketException.class).hasMessageContaining("reset");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void foreignNode_refusedAtTheLink_andAtTheSession() throws Exception {
    TrustPolicy foreignPolicy = TrustPolicy.builder(OTHER.address())
        .trustNetwork(NET.address()).build();
    // the relay trusts only its own network: no link
    TestNode stranger = start(TestNode.credentials(OTHER, 20, foreignPolicy), List.of(),
        StreamSettings.defaults(), relay);
    // the root trusts OTHER as well (a shared relay): linked, but the gateway refuses sessions
    TestNode guest = start(TestNode.credentials(OTHER, 21, foreignPolicy), List.of(),
        StreamSettings.defaults(), root);
    await("the guest is linked to the root", Duration.ofSeconds(10),
        () -> guest.relay.activeParent().isPresent() && root.relay.knows(guest.address()));
    int port = guest.forward(gateway, ECHO);
    try (Socket s = connect(port)) {
      s.getOutputStream().write(1);
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(java.net.SocketException.class);
    }
    assertThat(gateway.streams.sessions().counters().refused()).isGreaterThanOrEqualTo(1);
    assertThat(stranger.relay.activeParent()).isEmpty();
    assertThat(relay.relay.links()).doesNotContain(stranger.address());
  }

  @Test
  void streamsPerSessionLimit_refusesTheNextCleanly_othersGoOn() throws Exception {
    stop();
    nodes.clear();
    startChain(new StreamSettings(2, 4096, 256 * 1024, Duration.ofSeconds(20),
        Duration.ofSeconds(10)));
    int sourcePort = user.forward(gateway, SOURCE);
    int echoPort = user.forward(gateway, ECHO);
    try (Socket a = connect(sourcePort); Socket b = connect(sourcePort)) {
      for (Socket s : List.of(a, b)) {
        ask(s, 10L * 1024 * 1024, 1);
      }
      await("two streams open at the gateway", Duration.ofSeconds(5),
          () -> gateway.streams.streamCount() == 2);
      try (Socket third = connect(echoPort)) {
        third.getOutputStream().write(1);
        assertThatThrownBy(() -> third.getInputStream().read())
            .isInstanceOf(java.net.SocketException.class);
      }
      assertThat(gateway.streams.counters().refusedLimit()).isEqualTo(1);
      assertThat(readAll(a.getInputStream())).hasSize(10 * 1024 * 1024);
    }
  }

  @Test
  void activeParentGone_crossingStreamEndsIntactOrWithAReset_newStreamsUseTheSecondParent()
      throws Exception {
    int sourcePort = user.forward(gateway, SOURCE);
    int echoPort = user.forward(gateway, ECHO);
    long length = 300L * 1024 * 1024;
    try (Socket crossing = connect(sourcePort)) {
      ask(crossing, length, 3);
      InputStream in = crossing.getInputStream();
      MessageDigest got = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      boolean reset = false;
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.update(buf, 0, n);
          total += n;
          if (total >= 4 * 1024 * 1024 && nodes.contains(relay)) {
            relay.close(); // mid-stream
            nodes.remove(relay);
          }
        }
      } catch (java.net.SocketException e) {
        reset = true;
      }
      log.info("stream across the lost parent: {} after {} bytes", reset ? "reset" : "intact",
          total);
      if (!reset) { // no record was lost on the way: then every byte must be there
        assertThat(total).isEqualTo(length);
        assertThat(got.digest()).isEqualTo(expected(length, 3));
      } else {
        assertThat(total).isLessThan(length);
      }
    }
    await("the user fails over to the root", Duration.ofSeconds(15),
        () -> user.relay.activeParent().equals(Optional.of(root.address())));
    byte[] data = "after failover".getBytes();
    await("a new stream works", Duration.ofSeconds(15), () -> {
      try {
        return Arrays.equals(echoRoundTrip(echoPort, data), data);
      } catch (Exception e) {
        return false;
      }
    });
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
