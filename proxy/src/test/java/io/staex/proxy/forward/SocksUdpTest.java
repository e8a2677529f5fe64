package io.staex.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.TestSettings;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.service.Service;
import io.staex.proxy.socks.SocksServer;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.socks.SocksTargets;
import io.staex.proxy.stream.StreamProtocol;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpSettings;
import io.staex.testing.LeakWatch;
import io.staex.testing.fixtures.Identities;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SOCKS5 UDP ASSOCIATE (RFC 1928 §7) over real loopback links ({@code user → root ← gateway}),
 * with a byte-level SOCKS client: datagrams to {@code <gateway>.staex:7} reach the gateway's UDP
 * echo service and come back with the header as sent; hostile datagrams are dropped and counted.
 */
class SocksUdpTest {
  static final Identity NET = Identities.identity(1);
  static final UdpSettings UDP = new UdpSettings(Duration.ofSeconds(60), 4, 4, 1);

  static EventLoopGroup group;
  static UdpForwardTest.UdpEcho echo;

  final List<TestNode> nodes = new ArrayList<>();
  TestNode gateway;
  TestNode user;
  SocksServer socks;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void startAll() throws IOException {
    LeakWatch.install();
    group = Transports.newEventLoopGroup(2);
    echo = new UdpForwardTest.UdpEcho();
  }

  @AfterAll
  static void stopAll() throws InterruptedException {
    echo.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  static LinkCredentials own(long seed) {
    return TestNode.credentials(NET, seed, TrustPolicy.ofNetwork(NET.address()));
  }

  @BeforeEach
  void chain() {
    TestNode root = start(own(10), List.of());
    gateway = start(own(12), List.of(new Service(7,
        new InetSocketAddress("127.0.0.1", echo.port()), Set.of(), StreamProtocol.UDP)), root);
    user = start(own(13), List.of(), root);
    Awaitility.await("the root knows all three").atMost(Duration.ofSeconds(20))
        .until(() -> root.relay.viewSize() == 3);
    socks = SocksServer.start(user.streams, new SocksSettings(TestNode.ANY, Optional.empty(),
        Duration.ofSeconds(10), 16), SocksTargets.addressesOnly(), UDP, user.udp);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    socks.close();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }

  TestNode start(LinkCredentials c, List<Service> services, TestNode... parents) {
    TestNode n = TestNode.start(group, c, services, TestSettings.streams(), UDP, parents);
    nodes.add(n);
    return n;
  }

  /** An association: the control connection and the relay's address. */
  record Association(Socket control, InetSocketAddress relay) {}

  Association associate(DatagramSocket client) throws IOException {
    Socket s = new Socket();
    closeables.add(s);
    s.connect(socks.localAddress());
    s.setSoTimeout(20_000);
    OutputStream out = s.getOutputStream();
    DataInputStream in = new DataInputStream(s.getInputStream());
    out.write(new byte[] {5, 1, 0});
    assertThat(new byte[] {in.readByte(), in.readByte()}).containsExactly(5, 0);
    int port = client.getLocalPort();
    out.write(new byte[] {5, 3, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
    byte[] reply = new byte[10];
    in.readFully(reply);
    assertThat(Arrays.copyOf(reply, 4)).containsExactly(5, 0, 0, 1);
    InetAddress ip = InetAddress.getByAddress(Arrays.copyOfRange(reply, 4, 8));
    int relayPort = ((reply[8] & 0xFF) << 8) | (reply[9] & 0xFF);
    return new Association(s, new InetSocketAddress(ip, relayPort));
  }

  DatagramSocket udpSocket() throws IOException {
    DatagramSocket d = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    d.setSoTimeout(20_000);
    closeables.add(d);
    return d;
  }

  /** RSV RSV FRAG ATYP=3 len name port. */
  static byte[] header(int frag, String host, int port) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] name = host.getBytes(StandardCharsets.US_ASCII);
    b.write(0);
    b.write(0);
    b.write(frag);
    b.write(3);
    b.write(name.length);
    b.writeBytes(name);
    b.write(port >> 8);
    b.write(port);
    return b.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static void send(DatagramSocket s, InetSocketAddress to, byte[] data) throws IOException {
    s.send(new DatagramPacket(data, data.length, to));
  }

  static byte[] receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[70_000];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    return Arrays.copyOf(buf, p.getLength());
  }

  String gatewayName() {
    return gateway.address().toString() + ".staex";
  }

  @Test
  void datagramsToAStaexDestination_comeBackWithTheHeaderAsSent() throws IOException {
    DatagramSocket client = udpSocket();
    Association a = associate(client);
    byte[] header = header(0, gatewayName(), 7);
    for (int i = 0; i < 50; i++) {
      byte[] payload = ("reading " + i).getBytes(StandardCharsets.US_ASCII);
      send(client, a.relay(), concat(header, payload));
      assertThat(receive(client)).isEqualTo(concat(header, payload));
    }
    assertThat(user.udp.flowsOpen()).isEqualTo(1);
    assertThat(user.udp.drops().values()).allMatch(v -> v == 0);
    assertThat(user.streams.counters().datagramsDroppedNoStream()
        + user.streams.counters().datagramsDroppedQueueFull()).isZero();
    // the association ends with its control connection: its flow ends at both nodes
    a.control().close();
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> user.udp.flowsOpen() == 0 && gateway.udp.flowsOpen() == 0);
  }

  @Test
  void hostileDatagrams_droppedAndCounted_theAssociationGoesOn() throws IOException {
    DatagramSocket client = udpSocket();
    Association a = associate(client);
    byte[] ok = concat(header(0, gatewayName(), 7), new byte[] {42});
    // another local socket: not the associated client
    send(udpSocket(), a.relay(), ok);
    // a fragment
    send(client, a.relay(), concat(header(1, gatewayName(), 7), new byte[] {1}));
    // outside .staex: no exit, refused
    send(client, a.relay(), concat(header(0, "example.com", 53), new byte[] {1}));
    // garbage
    send(client, a.relay(), new byte[] {0, 0, 0, 9, 1, 2});
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        user.udp.dropped(UdpCounters.Drop.FOREIGN_SOURCE) == 1
            && user.udp.dropped(UdpCounters.Drop.FRAGMENT) == 1
            && user.udp.dropped(UdpCounters.Drop.DESTINATION) == 1
            && user.udp.dropped(UdpCounters.Drop.MALFORMED) == 1);
    // the real destination works; a second one is over max-flows-per-association (1)
    send(client, a.relay(), ok);
    assertThat(receive(client)).isEqualTo(ok);
    send(client, a.relay(), concat(header(0, gatewayName(), 8), new byte[] {1}));
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> user.udp.dropped(UdpCounters.Drop.FLOW_LIMIT) == 1);
    send(client, a.relay(), ok);
    assertThat(receive(client)).isEqualTo(ok);
    assertThat(echo.peers).isNotEmpty();
  }
}
