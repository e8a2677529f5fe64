package io.staex.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.TestSettings;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.service.Service;
import io.staex.proxy.stream.StreamCounters;
import io.staex.proxy.stream.StreamProtocol;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpSettings;
import io.staex.testing.ExternalTool;
import io.staex.testing.LeakWatch;
import io.staex.testing.fixtures.Identities;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP forwards and services over real loopback links ({@code user → root ← gateway}): the
 * gateway exposes a UDP echo server, a tiny DNS server and (when installed) libcoap's
 * coap-server as {@code protocol = udp} services; the user forwards UDP ports to them. Real
 * clients: {@link DatagramSocket}s, {@code dig}, {@code coap-client}.
 */
class UdpForwardTest {
  static final Identity NET = Identities.identity(1);
  static final int ECHO = 7;
  static final int ECHO2 = 8;
  static final int DNS = 53;
  static final int COAP = 5683;
  /** Four flows per forward, six per service, a quick idle timeout for the idle test. */
  static final UdpSettings UDP = new UdpSettings(Duration.ofSeconds(5), 4, 6, 4);

  static EventLoopGroup group;
  static UdpEcho echo;
  static TinyDns dns;

  final List<TestNode> nodes = new ArrayList<>();
  TestNode root;
  TestNode gateway;
  TestNode user;
  final List<DatagramSocket> clients = new ArrayList<>();
  ExternalTool.Started coapServer;
  int coapPort;

  @BeforeAll
  static void startAll() throws IOException {
    LeakWatch.install();
    group = Transports.newEventLoopGroup(2);
    echo = new UdpEcho();
    dns = new TinyDns();
  }

  @AfterAll
  static void stopAll() throws InterruptedException {
    echo.close();
    dns.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  static LinkCredentials own(long seed) {
    return TestNode.credentials(NET, seed, TrustPolicy.ofNetwork(NET.address()));
  }

  @BeforeEach
  void chain() throws IOException {
    echo.peers.clear();
    echo.largest = 0;
    coapPort = freeUdpPort();
    List<Service> services = List.of(
        udp(ECHO, echo.port()), udp(ECHO2, echo.port()), udp(DNS, dns.port()),
        udp(COAP, coapPort));
    root = start(own(10), List.of());
    gateway = start(own(12), services, root);
    user = start(own(13), List.of(), root);
    Awaitility.await("the root knows all three").atMost(Duration.ofSeconds(20))
        .until(() -> root.relay.viewSize() == 3);
  }

  @AfterEach
  void stop() {
    clients.forEach(DatagramSocket::close);
    if (coapServer != null) {
      coapServer.close();
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }

  TestNode start(LinkCredentials c, List<Service> services, TestNode... parents) {
    TestNode n = TestNode.start(group, c, services, TestSettings.streams(), UDP, parents);
    nodes.add(n);
    return n;
  }

  static Service udp(int port, int target) {
    return new Service(port, new InetSocketAddress("127.0.0.1", target), Set.of(),
        StreamProtocol.UDP);
  }

  int udpForward(int port) throws SocketException {
    // a listen port of its own: two forwards on 127.0.0.1:0 to one service would be one forward
    return user.forward(new Forward(new InetSocketAddress("127.0.0.1", freeUdpPort()),
        gateway.address(), port).withProtocol(StreamProtocol.UDP));
  }

  DatagramSocket client() throws SocketException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    s.setSoTimeout(20_000);
    s.setReceiveBufferSize(1 << 20);
    clients.add(s);
    return s;
  }

  static void send(DatagramSocket s, int port, byte[] data) throws IOException {
    s.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(), port));
  }

  static byte[] receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[70_000];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    return Arrays.copyOf(buf, p.getLength());
  }

  @Test
  void datagramsGoBothWaysByteExact_inOrder_oneDevicePeerPerClientFlow() throws IOException {
    int port = udpForward(ECHO);
    Random random = new Random(7);
    DatagramSocket a = client();
    DatagramSocket b = client();
    for (int size : new int[] {1, 1200, 8000, FrameLimits.MAX_DATAGRAM}) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      send(a, port, data);
      assertThat(receive(a)).as("%d bytes", size).isEqualTo(data);
    }
    // b's flow first gets its stream (until then it holds at most UdpFlow.MAX_PENDING = 16)
    send(b, port, new byte[] {7});
    assertThat(receive(b)).containsExactly(7);
    // then 200 numbered datagrams in bursts of 20 come back all, in order (loopback loses
    // nothing; bursts, so that this test's own sockets' buffers cannot overflow when loaded)
    for (int burst = 0; burst < 10; burst++) {
      for (int i = burst * 20; i < burst * 20 + 20; i++) {
        send(b, port, ByteBuffer.allocate(4).putInt(i).array());
      }
      for (int i = burst * 20; i < burst * 20 + 20; i++) {
        assertThat(ByteBuffer.wrap(receive(b)).getInt()).isEqualTo(i);
      }
    }
    // two clients, two flows: the device saw two peers (one socket per flow at the gateway)
    assertThat(echo.peers).hasSize(2);
    // (opened, not open: on a loaded machine a's flow may idle out while b's 200 travel)
    assertThat(user.udp.flowsOpened()).isEqualTo(2);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.udp.flowsOpened() == 2);
    assertThat(user.udp.datagramsIn()).isEqualTo(205);
    assertThat(user.udp.datagramsOut()).isEqualTo(205);
    assertThat(gateway.udp.datagramsIn()).isEqualTo(205);
    assertThat(gateway.udp.datagramsOut()).isEqualTo(205);
    for (TestNode n : List.of(user, gateway)) {
      assertThat(n.udp.drops().values()).allMatch(v -> v == 0);
      StreamCounters c = n.streams.counters();
      assertThat(c.datagramsDroppedQueueFull() + c.datagramsDroppedNoStream()
          + c.datagramsDroppedTooBig()).isZero();
    }
  }

  @Test
  void oversizeDatagram_droppedAndCounted_notTruncated() throws IOException {
    int port = udpForward(ECHO);
    DatagramSocket a = client();
    send(a, port, new byte[FrameLimits.MAX_DATAGRAM + 1]);
    send(a, port, new byte[65_000]);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> user.udp.dropped(UdpCounters.Drop.TOO_BIG) == 2);
    send(a, port, "after".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(new String(receive(a), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("after");
    assertThat(echo.largest).isLessThanOrEqualTo(5);
  }

  @Test
  void flowLimits_perForwardAndPerService_dropAndCount() throws IOException {
    byte[] ping = {1, 2, 3};
    // forward A: four clients fit (max-flows-per-forward = 4), a fifth is dropped at the user
    int portA = udpForward(ECHO);
    List<DatagramSocket> inA = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      DatagramSocket c = client();
      send(c, portA, ping);
      assertThat(receive(c)).isEqualTo(ping);
      inA.add(c);
    }
    send(client(), portA, ping);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> user.udp.dropped(UdpCounters.Drop.FLOW_LIMIT) == 1);
    // service ECHO2 through forwards B and C: six flows fit (max-flows-per-service = 6), the
    // seventh is refused LIMIT at the gateway and its datagram is dropped at the user
    int portB = udpForward(ECHO2);
    int portC = udpForward(ECHO2);
    for (int port : new int[] {portB, portB, portB, portB, portC, portC}) {
      DatagramSocket c = client();
      send(c, port, ping);
      assertThat(receive(c)).isEqualTo(ping);
    }
    send(client(), portC, ping);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.udp.dropped(UdpCounters.Drop.FLOW_LIMIT) == 1
            && user.udp.dropped(UdpCounters.Drop.NOT_CONNECTED) == 1);
    assertThat(user.udp.dropped(UdpCounters.Drop.FLOW_LIMIT)).isEqualTo(1);
    // the flows inside the limits still work
    for (DatagramSocket c : inA) {
      send(c, portA, ping);
      assertThat(receive(c)).isEqualTo(ping);
    }
  }

  @Test
  void idleFlows_endAtBothNodes_andANewDatagramOpensANewFlow() throws IOException {
    int port = udpForward(ECHO);
    DatagramSocket a = client();
    send(a, port, new byte[] {9});
    assertThat(receive(a)).containsExactly(9);
    // whichever node's timer fires first (the gateway's: it saw the last datagram earlier) ends
    // the flow and its FIN ends the other's; on a loaded machine both may fire before the FIN
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> user.udp.flowsOpen() == 0
        && gateway.udp.flowsOpen() == 0
        && user.udp.flowsIdleClosed() + gateway.udp.flowsIdleClosed() >= 1);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> user.streams.streamCount() == 0 && gateway.streams.streamCount() == 0);
    send(a, port, new byte[] {10});
    assertThat(receive(a)).containsExactly(10);
    assertThat(user.udp.flowsOpened()).isEqualTo(2);
  }

  @Test
  void dig_asksADnsServerBehindAUdpService() throws IOException {
    Path dig = ExternalTool.require("dig", "dnsutils");
    int port = udpForward(DNS);
    ExternalTool.Result r = ExternalTool.run(Path.of("."), dig.toString(), "@127.0.0.1", "-p",
        String.valueOf(port), "sensor1.lan", "A", "+short", "+tries=1", "+time=10")
        .assertSuccess();
    assertThat(r.stdout().strip()).isEqualTo("192.0.2.7");
    assertThat(dns.queries).isNotEmpty();
  }

  @Test
  void coapClient_getsAndPutsThroughAUdpForward_blockwiseByteExact(@TempDir Path dir)
      throws IOException {
    Path server = ExternalTool.require("coap-server-notls", "libcoap3-bin");
    Path coap = ExternalTool.require("coap-client-notls", "libcoap3-bin");
    coapServer = ExternalTool.start(dir, List.of(server.toString(), "-A", "127.0.0.1", "-p",
        String.valueOf(coapPort), "-d", "10"));
    // the server is up (asked directly), so each client below is one flow
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ExternalTool.run(dir,
        Duration.ofSeconds(30), coap.toString(), "-m", "get", "coap://127.0.0.1:" + coapPort
            + "/").stdout().contains("libcoap"));
    int port = udpForward(COAP);
    String base = "coap://127.0.0.1:" + port;
    // the small resource: the server's banner at /
    assertThat(ExternalTool.run(dir, coap.toString(), "-m", "get", base + "/").assertSuccess()
        .stdout()).contains("This is a test server made with libcoap");
    byte[] reading = new byte[5000];
    new Random(17).nextBytes(reading);
    Files.write(dir.resolve("in.bin"), reading);
    ExternalTool.run(dir, coap.toString(), "-m", "put", "-b", "512", "-f", "in.bin",
        base + "/sensor").assertSuccess();
    ExternalTool.run(dir, coap.toString(), "-m", "get", "-b", "512", "-o", "out.bin",
        base + "/sensor").assertSuccess();
    assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(reading);
    for (TestNode n : List.of(user, gateway)) {
      assertThat(n.udp.drops().values()).allMatch(v -> v == 0);
    }
  }

  static int freeUdpPort() throws SocketException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      return s.getLocalPort();
    }
  }

  /** Echoes every datagram to its sender; remembers the senders and the largest size. */
  static final class UdpEcho implements AutoCloseable {
    final DatagramSocket socket;
    final Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
    volatile int largest;
    private final Thread thread;

    UdpEcho() throws SocketException {
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      socket.setReceiveBufferSize(1 << 20);
      thread = new Thread(this::run, "udp-echo");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void run() {
      byte[] buf = new byte[70_000];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          peers.add((InetSocketAddress) p.getSocketAddress());
          largest = Math.max(largest, p.getLength());
          socket.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
        } catch (IOException e) {
          return;
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** Answers every A query with 192.0.2.7 (TTL 60). */
  static final class TinyDns implements AutoCloseable {
    final DatagramSocket socket;
    final List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();

    TinyDns() throws SocketException {
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      Thread t = new Thread(this::run, "tiny-dns");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void run() {
      byte[] buf = new byte[512];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          byte[] answer = answer(Arrays.copyOf(buf, p.getLength()));
          if (answer != null) {
            socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    private byte[] answer(byte[] q) {
      if (q.length < 12) {
        return null;
      }
      int end = 12;
      StringBuilder name = new StringBuilder();
      while (end < q.length && q[end] != 0) {
        int len = q[end] & 0xFF;
        name.append(new String(q, end + 1, len, java.nio.charset.StandardCharsets.US_ASCII))
            .append('.');
        end += len + 1;
      }
      end += 5; // the root label, QTYPE, QCLASS
      if (end > q.length) {
        return null;
      }
      queries.add(name.toString());
      ByteBuffer out = ByteBuffer.allocate(end + 16);
      out.put(q, 0, 2).putShort((short) 0x8180).putShort((short) 1).putShort((short) 1)
          .putShort((short) 0).putShort((short) 0);
      out.put(q, 12, end - 12);
      out.putShort((short) 0xC00C).putShort((short) 1).putShort((short) 1).putInt(60)
          .putShort((short) 4).put(new byte[] {(byte) 192, 0, 2, 7});
      return Arrays.copyOf(out.array(), out.position());
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
