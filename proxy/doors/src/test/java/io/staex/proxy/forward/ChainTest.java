package io.staex.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.TestSettings;
import io.staex.testing.LeakWatch;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.service.Service;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamCounters;
import io.staex.proxy.stream.StreamHandler;
import io.staex.proxy.stream.StreamSettings;
import io.staex.testing.fixtures.Identities;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
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
  static final Identity NET = Identities.identity(1);
  static final Identity OTHER = Identities.identity(2);
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
    group = Transports.newEventLoopGroup(4);
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
    StreamSettings d = TestSettings.streams();
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
    startChain(TestSettings.streams());
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

  static void await(String what, Duration limit, BooleanSupplier ok) {
    Awaitility.await(what).atMost(limit).pollInterval(Duration.ofMillis(20))
        .until(ok::getAsBoolean);
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
      // the source fills the window and stops: the gateway has sent the paused stream at
      // least a whole window that the reader never took
      int window = TestSettings.streams().window();
      await("the paused stream's window is full", Duration.ofSeconds(20),
          () -> gateway.streams.streams().stream()
              .filter(s -> s.port() == SOURCE && !s.outgoing())
              .anyMatch(s -> s.bytesOut() >= window));
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
      open.getOutputStream().write("first half, ".getBytes(StandardCharsets.UTF_8));
      byte[] got = new byte[12];
      new java.io.DataInputStream(open.getInputStream()).readFully(got);
      assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("first half, ");

      // a second forward comes, then the first one's listener goes: its stream stays
      Forward b2 = new Forward(new InetSocketAddress("127.0.0.1", 0), gateway.address(), SOURCE);
      assertThat(user.forwards.apply(List.of(a, b2))).isEmpty();
      assertThat(user.forwards.apply(List.of(b2))).isEmpty();
      assertThat(user.forwards.list()).containsOnlyKeys(b2);
      assertThatThrownBy(() -> connect(portA)).isInstanceOf(java.net.ConnectException.class);
      try (Socket s = connect(user.forwards.list().get(b2).getPort())) {
        assertThat(download(s, 1 << 20, 9)).isEqualTo(expected(1 << 20, 9));
      }

      open.getOutputStream().write("second half".getBytes(StandardCharsets.UTF_8));
      open.shutdownOutput();
      assertThat(new String(open.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("second half");
    }
    assertThat(b).isEqualTo(a); // a forward is its value: the same listen and target
  }

  @Test
  void forwardToACertifiedName_resolvesThroughTheTree_unknownAndAmbiguousNamesAreRefused()
      throws Exception {
    TrustPolicy both = TrustPolicy.builder(NET.address()).trustNetwork(OTHER.address()).build();
    TestNode camera = start(TestNode.credentials(NET, 30, both, Optional.of("camera1")),
        deviceServices(), TestSettings.streams(), root);
    TestNode viewer = start(TestNode.credentials(NET, 31, both, Optional.empty()), List.of(),
        TestSettings.streams(), relay);
    await("the root knows the camera", Duration.ofSeconds(10),
        () -> root.relay.knows(camera.address()) && viewer.relay.activeParent().isPresent());
    List<Forward> fs = List.of(
        Forward.toName(TestNode.ANY, "camera1", ECHO),
        Forward.toName(TestNode.ANY, "nosuch", ECHO),
        Forward.toName(TestNode.ANY, "twin", ECHO));
    assertThat(viewer.forwards.apply(fs)).isEmpty();
    var ports = viewer.forwards.list();
    byte[] data = "by name".getBytes(StandardCharsets.UTF_8);
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
        TestSettings.streams(), root);
    start(TestNode.credentials(OTHER, 33, TrustPolicy.builder(OTHER.address())
        .trustNetwork(NET.address()).build(), Optional.of("twin")), List.of(),
        TestSettings.streams(), root);
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
        TestSettings.streams(), relay);
    // the root trusts OTHER as well (a shared relay): linked, but the gateway refuses sessions
    TestNode guest = start(TestNode.credentials(OTHER, 21, foreignPolicy), List.of(),
        TestSettings.streams(), root);
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
        Duration.ofSeconds(10), 256));
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
    byte[] data = "after failover".getBytes(StandardCharsets.UTF_8);
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

  // ---- datagrams ----

  static final int MEDIA = 5004;

  /** What a stream's handler heard, in order. */
  static class Recorder implements StreamHandler {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    record Got(int channel, FrameBytes data) {}

    @Override
    public void connected(Stream stream) {
      events.add("connected");
    }

    @Override
    public void data(Stream stream, FrameBytes data) {}

    @Override
    public void datagram(Stream stream, int channel, FrameBytes data) {
      events.add(new Got(channel, data));
    }

    @Override
    public void fin(Stream stream) {}

    @Override
    public void writable(Stream stream) {}

    @Override
    public void reset(Stream stream, ResetReason reason) {
      events.add(reason);
    }

    Object next() throws InterruptedException {
      Object e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("an event within 10 s").isNotNull();
      return e;
    }
  }

  static <T> T onLoop(TestNode n, Callable<T> task) throws Exception {
    return n.streams.loop().submit(task).get(30, TimeUnit.SECONDS);
  }

  /** Sends {@code data} as a datagram (from the stream's loop); false if it was dropped. */
  static boolean sendDatagram(Stream s, int channel, byte[] data) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    try {
      return s.sendDatagram(channel, buf);
    } finally {
      buf.release();
    }
  }

  static byte[] payload(int i, int size) {
    byte[] b = new byte[size];
    new Random(i).nextBytes(b);
    for (int k = 0; k < Math.min(4, size); k++) {
      b[k] = (byte) (i >>> (24 - 8 * k)); // the index first, where a test reads it back
    }
    return b;
  }

  /** Opens a stream from the user to the gateway's {@link #MEDIA}, connected. */
  Stream openMedia(Recorder h) throws Exception {
    Stream s = onLoop(user, () -> user.streams.open(gateway.address(), MEDIA, h));
    assertThat(h.next()).isEqualTo("connected");
    return s;
  }

  @Test
  void datagrams_bothWaysThroughTheChain_inOrder_byteExact() throws Exception {
    // the gateway's end sends each datagram back on the next channel (as RTP → RTCP)
    gateway.extraPorts.put(MEDIA, (stream, peer) -> stream.accept(new Recorder() {
      @Override
      public void datagram(Stream st, int channel, FrameBytes data) {
        sendDatagram(st, channel + 1, data.toByteArray());
      }
    }));
    Recorder h = new Recorder();
    Stream s = openMedia(h);
    int sent = 0;
    for (int batch = 0; batch < 20; batch++) { // paced: no congestion, so nothing may drop
      int first = sent;
      assertThat(onLoop(user, () -> {
        boolean all = true;
        for (int i = first; i < first + 50; i++) {
          all &= sendDatagram(s, (2 * i) & 0xFF, payload(i, 1 + i * 7 % 1400));
        }
        return all;
      })).isTrue();
      for (int i = first; i < first + 50; i++) {
        assertThat(h.next()).isEqualTo(new Recorder.Got(((2 * i) & 0xFF) + 1,
            FrameBytes.copyOf(payload(i, 1 + i * 7 % 1400))));
      }
      sent += 50;
    }
    byte[] max = payload(-1, FrameLimits.MAX_DATAGRAM);
    assertThat(onLoop(user, () -> sendDatagram(s, 65534, max))).isTrue();
    assertThat(h.next()).isEqualTo(new Recorder.Got(65535, FrameBytes.copyOf(max)));
    for (TestNode n : List.of(user, gateway)) {
      StreamCounters c = n.streams.counters();
      assertThat(c.datagramsSent()).isEqualTo(1001);
      assertThat(c.datagramsReceived()).isEqualTo(1001);
      assertThat(c.datagramsDroppedQueueFull() + c.datagramsDroppedNoStream()).isZero();
    }
  }

  @Test
  void datagrams_forAStreamTheOtherEndEnded_areDroppedAndCounted_othersGoOn()
      throws Exception {
    // the gateway's end resets its stream at the first datagram
    gateway.extraPorts.put(MEDIA, (stream, peer) -> stream.accept(new Recorder() {
      @Override
      public void datagram(Stream st, int channel, FrameBytes data) {
        st.reset(ResetReason.CLOSED);
      }
    }));
    Recorder h = new Recorder();
    Stream s = openMedia(h);
    onLoop(user, () -> { // one loop task: all 20 go in one record, before the RESET comes
      for (int i = 0; i < 20; i++) {
        sendDatagram(s, 0, payload(i, 100));
      }
      return null;
    });
    assertThat(h.next()).isEqualTo(ResetReason.CLOSED);
    assertThat(onLoop(user, () -> sendDatagram(s, 0, payload(99, 100)))).isFalse();
    StreamCounters g = gateway.streams.counters();
    assertThat(g.datagramsReceived()).isEqualTo(1);
    assertThat(g.datagramsDroppedNoStream()).isEqualTo(19);
    assertThat(user.streams.counters().datagramsDroppedNoStream()).isEqualTo(1);
    // the session and its other streams go on
    int port = user.forward(gateway, ECHO);
    byte[] data = "still here".getBytes(StandardCharsets.UTF_8);
    assertThat(echoRoundTrip(port, data)).isEqualTo(data);
    assertThat(user.streams.sessions().sessions()).hasSize(1);
  }

  @Test
  void datagramBurst_pastTheSendGate_dropsTheOldestBeforeSealing_sessionSurvives()
      throws Exception {
    List<Integer> got = new CopyOnWriteArrayList<>();
    gateway.extraPorts.put(MEDIA, (stream, peer) -> stream.accept(new Recorder() {
      @Override
      public void datagram(Stream st, int channel, FrameBytes data) {
        byte[] b = data.toByteArray();
        got.add(((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8)
            | (b[3] & 0xFF));
      }
    }));
    Recorder h = new Recorder();
    Stream s = openMedia(h);
    int n = 20_000;
    byte[] template = payload(0, 4096);
    long t0 = System.nanoTime();
    onLoop(user, () -> { // 80 MB in one loop task: far faster than three hops carry it
      for (int i = 0; i < n; i++) {
        byte[] b = template.clone();
        b[0] = (byte) (i >>> 24);
        b[1] = (byte) (i >>> 16);
        b[2] = (byte) (i >>> 8);
        b[3] = (byte) i;
        assertThat(sendDatagram(s, 0, b)).isTrue();
      }
      return null;
    });
    // (datagrams still queued are neither sent nor dropped yet: wait until the queue is empty)
    await("every datagram not dropped arrives", Duration.ofSeconds(30), () -> {
      StreamCounters c = user.streams.counters();
      return c.datagramsSent() + c.datagramsDroppedQueueFull() == n
          && got.size() == c.datagramsSent();
    });
    StreamCounters u = user.streams.counters();
    log.info("burst of {} x 4 KiB datagrams in {} ms: {} sent, {} dropped at the queue", n,
        (System.nanoTime() - t0) / 1_000_000, u.datagramsSent(), u.datagramsDroppedQueueFull());
    assertThat(u.datagramsDroppedQueueFull()).as("the send gate closed").isPositive();
    assertThat(u.datagramsSent() + u.datagramsDroppedQueueFull()).isEqualTo(n);
    // in order, and the newest is never the one dropped
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i)).isGreaterThan(got.get(i - 1));
    }
    assertThat(got.get(got.size() - 1)).isEqualTo(n - 1);
    // nothing sealed went missing: no session lost, the stream still carries datagrams
    assertThat(user.streams.sessions().counters().lost()).isZero();
    assertThat(gateway.streams.sessions().counters().lost()).isZero();
    assertThat(user.streams.sessions().sessions()).hasSize(1);
    assertThat(onLoop(user, () -> sendDatagram(s, 0, payload(n, 4)))).isTrue();
    await("one more datagram", Duration.ofSeconds(10), () -> got.contains(n));
    assertThat(h.events).isEmpty(); // no reset
  }
}
