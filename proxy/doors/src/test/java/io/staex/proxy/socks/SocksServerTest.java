package io.staex.proxy.socks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.proxy.TestSettings;
import io.staex.testing.LeakWatch;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.service.Service;
import io.staex.testing.ExternalTool;
import io.staex.testing.LeakWatch;
import io.staex.testing.fixtures.Identities;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SOCKS5 server on a real chain {@code user → root ← gateway} over loopback links: the
 * gateway exposes an HTTP server (port 80), an echo server (7) and an echo server only a
 * foreign network may reach (82); the SOCKS server runs on the user node. Clients are curl and
 * a SOCKS5 client written byte by byte.
 */
class SocksServerTest {
  static final Identity NET = Identities.identity(31);
  static final Identity OTHER = Identities.identity(32);
  static final InetAddress POOL_ADDRESS = ipv4(10, 77, 0, 1);
  static final byte[] FILE = new byte[1024 * 1024 + 7];

  static EventLoopGroup group;
  static HttpServer http;
  static ServerSocket echo;
  static SocksNode root;
  static SocksNode gateway;
  static SocksNode user;

  final List<SocksServer> servers = new ArrayList<>();

  @BeforeAll
  static void chain() throws Exception {
    LeakWatch.install();
    new Random(5).nextBytes(FILE);
    group = Transports.newEventLoopGroup(3);
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    http.createContext("/file", x -> {
      x.sendResponseHeaders(200, FILE.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(FILE);
      }
    });
    http.start();
    echo = echoServer();
    InetSocketAddress echoAt = new InetSocketAddress("127.0.0.1", echo.getLocalPort());
    root = SocksNode.start(group, NET, 40, List.of());
    gateway = SocksNode.start(group, NET, 41, List.of(
        new Service(80, http.getAddress(), Set.of()),
        new Service(7, echoAt, Set.of()),
        new Service(82, echoAt, Set.of(OTHER.address()))), root);
    user = SocksNode.start(group, NET, 42, List.of(), root);
    Awaitility.await("the chain is up").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> root.relay.viewSize() == 3 && user.relay.activeParent().isPresent());
  }

  @AfterAll
  static void stopAll() throws Exception {
    user.close();
    gateway.close();
    root.close();
    http.stop(0);
    echo.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  @AfterEach
  void closeServers() {
    servers.forEach(SocksServer::close);
    Awaitility.await("every SOCKS stream ends at both nodes").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(user.streams.streamCount() + gateway.streams.streamCount())
            .as("streams: user %s %s; gateway %s %s", user.streams.streamCount(),
                user.streams.streams(), gateway.streams.streamCount(), gateway.streams.streams())
            .isZero());
  }

  static InetAddress ipv4(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static ServerSocket echoServer() throws IOException {
    ServerSocket ss = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!ss.isClosed()) {
        try {
          Socket s = ss.accept();
          Thread h = new Thread(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
              s.shutdownOutput();
            } catch (IOException e) {
              // the client went away
            }
          });
          h.setDaemon(true);
          h.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return ss;
  }

  /**
   * Test targets: gw.staex is the gateway, twins.staex two nodes, slow.staex never answers,
   * 10.77.0.1 the gateway.
   */
  static final class Targets implements SocksTargets {
    @Override
    public CompletableFuture<SocksTarget> resolve(String domain) {
      if (domain.equals("slow.staex")) {
        return new CompletableFuture<>();
      }
      return CompletableFuture.supplyAsync(() -> Map.<String, SocksTarget>of(
          "gw.staex", new SocksTarget.Node(gateway.address()),
          "twins.staex", new SocksTarget.Ambiguous())
          .getOrDefault(domain, new SocksTarget.Unknown()));
    }

    @Override
    public Optional<Address> resolve(InetAddress address) {
      return address.equals(POOL_ADDRESS) ? Optional.of(gateway.address()) : Optional.empty();
    }
  }

  int start(SocksSettings settings) {
    SocksServer s = SocksServer.start(user.streams,
        settings.withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
        new Targets());
    servers.add(s);
    return s.localAddress().getPort();
  }

  int start() {
    return start(TestSettings.socks());
  }

  static String gatewayHost() {
    return gateway.address().hostName();
  }

  static void assertEchoes(SocksClient c, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    c.send(b);
    byte[] back = new byte[b.length];
    c.in.readFully(back);
    assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo(text);
  }

  @Test
  void curl_socks5Hostname_andSocks5h_fetchTheFileByteForByte(@TempDir Path dir)
      throws Exception {
    Path curl = ExternalTool.require("curl");
    int port = start();
    String url = "http://" + gatewayHost() + ":80/file";
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "--socks5-hostname",
        "127.0.0.1:" + port, "-o", "a", url).assertSuccess();
    String upper =
        "http://" + gateway.address().toString().toUpperCase(Locale.ROOT) + ".STAEX/file";
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-x", "socks5h://127.0.0.1:" + port,
        "-o", "b", upper).assertSuccess();
    assertThat(Files.readAllBytes(dir.resolve("a"))).isEqualTo(FILE);
    assertThat(Files.readAllBytes(dir.resolve("b"))).isEqualTo(FILE);
  }

  @Test
  void curl_reportsTheRefusal_forAPortNothingExposes(@TempDir Path dir) {
    Path curl = ExternalTool.require("curl");
    int port = start();
    ExternalTool.Result r = ExternalTool.run(dir, curl.toString(), "-sS",
        "--socks5-hostname", "127.0.0.1:" + port, "http://" + gatewayHost() + ":81/");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(97); // CURLE_PROXY
    assertThat(r.stderr()).containsAnyOf("Connection refused", "(5)");
  }

  @Test
  void pipelinedGreetingRequestAndData_allArrive() throws Exception {
    int port = start();
    try (SocksClient c = new SocksClient(port)) {
      c.send(SocksClient.greeting(0), SocksClient.request(SocksClient.CONNECT, gatewayHost(), 7),
          "early bytes|".getBytes(StandardCharsets.UTF_8));
      assertThat(c.method()).isZero();
      assertThat(c.reply()).isZero();
      byte[] early = new byte[12];
      c.in.readFully(early);
      assertThat(new String(early, StandardCharsets.UTF_8)).isEqualTo("early bytes|");
      assertEchoes(c, "and then more");
    }
  }

  @Test
  void certifiedName_andPoolAddress_reachTheGateway() throws Exception {
    int port = start();
    for (String host : List.of("gw.staex", "GW.staex.", "10.77.0.1")) {
      try (SocksClient c = new SocksClient(port)) {
        assertThat(c.connect(host, 7)).as(host).isZero();
        assertEchoes(c, "via " + host);
      }
    }
  }

  @Test
  void certifiedNames_missCachedBriefly_malformedNeverLookedUp() throws Exception {
    io.staex.testing.ManualClock clock = new io.staex.testing.ManualClock(java.time.Instant.now());
    io.staex.proxy.names.CertifiedNames names = new io.staex.proxy.names.CertifiedNames(
        user.relay, io.staex.testing.fixtures.TestNetwork.of(NET).member(42).policy(),
        Duration.ofSeconds(3), clock);
    assertThat(names.resolve("nobody").get(10, TimeUnit.SECONDS))
        .isInstanceOf(io.staex.proxy.names.NameResult.NotFound.class); // asked the root
    var again = names.resolve("NoBody");
    assertThat(again).isDone(); // from the miss cache, no lookup
    assertThat(again.get()).isInstanceOf(io.staex.proxy.names.NameResult.NotFound.class);
    assertThat(names.missCacheHits()).isEqualTo(1);
    clock.advance(io.staex.proxy.names.CertifiedNames.MISS_TTL);
    assertThat(names.resolve("nobody").get(10, TimeUnit.SECONDS))
        .isInstanceOf(io.staex.proxy.names.NameResult.NotFound.class); // asked again
    assertThat(names.missCacheHits()).isEqualTo(1);
    for (String bad : new String[] {"a".repeat(64), "under_score", "-x", "x.y", ""}) {
      assertThat(names.resolve(bad)).as(bad).isDone();
    }
    assertThat(names.malformed()).isEqualTo(5);
  }

  @Test
  void everyRefusal_hasTheReplyCodeThatTellsTheTruth() throws Exception {
    int port = start();
    String bad = gateway.address().toString();
    bad = bad.substring(0, 10) + (bad.charAt(10) == 'a' ? 'b' : 'a') + bad.substring(11);
    Object[][] cases = {
        {"nobody.staex", 80, 0x04},
        {"twins.staex", 80, 0x04},
        {gatewayHost(), 81, 0x05},
        {gatewayHost(), 82, 0x02},
        {"example.com", 80, 0x02},
        {"8.8.8.8", 80, 0x02},
        {bad + ".staex", 80, 0x04},
        {"x.gw.staex", 80, 0x04},
        {Identities.address(33).hostName(), 80, 0x04},
        {"a".repeat(64) + ".staex", 80, 0x04}, // Netty's IDN check refuses it: still a reply
        {"b".repeat(63) + ".staex", 80, 0x04}, // a valid label, looked up, unknown
        {"under_score.staex", 80, 0x04}, // can't be a certified name: no lookup
        {"-dash.staex", 80, 0x04},
    };
    SoftAssertions soft = new SoftAssertions();
    for (Object[] k : cases) {
      try (SocksClient c = new SocksClient(port)) {
        soft.assertThat(c.connect((String) k[0], (Integer) k[1])).as(k[0] + ":" + k[1])
            .isEqualTo(k[2]);
        soft.assertThat(c.closedByServer()).as(k[0] + " closed").isTrue();
      }
    }
    for (int command : new int[] {SocksClient.BIND, SocksClient.UDP_ASSOCIATE}) {
      try (SocksClient c = new SocksClient(port)) {
        c.send(SocksClient.greeting(0), SocksClient.request(command, gatewayHost(), 80));
        soft.assertThat(c.method()).isZero();
        soft.assertThat(c.reply()).as("command " + command).isEqualTo(0x07);
        soft.assertThat(c.closedByServer()).isTrue();
      }
    }
    soft.assertAll();
  }

  @Test
  void socks4Greeting_isClosed() throws Exception {
    int port = start();
    try (SocksClient c = new SocksClient(port)) {
      c.send(new byte[] {4, 1, 0, 80, 127, 0, 0, 1, 0});
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void silentClient_halfGreeting_slowName_closedAfterTheTimeout_whileARealClientIsServed()
      throws Exception {
    int port = start(TestSettings.socks().withHandshakeTimeout(Duration.ofMillis(800)));
    long t0 = System.nanoTime();
    try (SocksClient silent = new SocksClient(port); SocksClient half = new SocksClient(port);
        SocksClient slow = new SocksClient(port)) {
      half.send(new byte[] {5, 2, 0});
      slow.send(SocksClient.greeting(0),
          SocksClient.request(SocksClient.CONNECT, "slow.staex", 80));
      assertThat(slow.method()).isZero();
      try (SocksClient real = new SocksClient(port)) {
        assertThat(real.connect(gatewayHost(), 7)).isZero();
        assertEchoes(real, "served meanwhile");
      }
      assertThat(silent.closedByServer()).isTrue();
      assertThat(half.closedByServer()).isTrue();
      assertThat(slow.closedByServer()).isTrue();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
  }

  @Test
  void maxPendingHandshakes_reached_theNextClientIsClosedAtOnce() throws Exception {
    int port = start(TestSettings.socks().withMaxPendingHandshakes(2)
        .withHandshakeTimeout(Duration.ofSeconds(30)));
    try (SocksClient a = new SocksClient(port); SocksClient b = new SocksClient(port)) {
      a.send(new byte[] {5});
      b.send(new byte[] {5});
      Awaitility.await("both accepted").atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(10)).until(() -> servers.get(0).accepted() == 2);
      long t0 = System.nanoTime();
      try (SocksClient third = new SocksClient(port)) {
        assertThat(third.closedByServer()).isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      assertThat(servers.get(0).shed()).isEqualTo(1);
    }
    // Their slots come back once the server has seen them close; until then a client is shed.
    Awaitility.await("a handshake slot after two closed").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50)).pollInSameThread().ignoreExceptions()
        .untilAsserted(() -> {
          try (SocksClient c = new SocksClient(port)) {
            assertThat(c.connect(gatewayHost(), 7)).isZero();
          }
        });
  }

  @Test
  void credentials_rightOnesWork_wrongOnesFailAndClose_noAuthIsUnacceptable(@TempDir Path dir)
      throws Exception {
    int port = start(TestSettings.socks()
        .withCredentials(new SocksSettings.Credentials("alice", "s3cret")));
    try (SocksClient c = new SocksClient(port)) {
      c.send(SocksClient.greeting(0, 2), SocksClient.password("alice", "s3cret"));
      assertThat(c.method()).isEqualTo(2);
      assertThat(c.method()).as("RFC 1929 status").isZero();
      c.send(SocksClient.request(SocksClient.CONNECT, gatewayHost(), 7));
      assertThat(c.reply()).isZero();
      assertEchoes(c, "authenticated");
    }
    try (SocksClient c = new SocksClient(port)) {
      c.send(SocksClient.greeting(2), SocksClient.password("alice", "s3creT"));
      assertThat(c.method()).isEqualTo(2);
      assertThat(c.method()).as("RFC 1929 status: failure (Netty's 0xFF)").isEqualTo(0xFF);
      assertThat(c.closedByServer()).isTrue();
    }
    try (SocksClient c = new SocksClient(port)) {
      c.send(SocksClient.greeting(0));
      assertThat(c.method()).isEqualTo(0xFF);
      assertThat(c.closedByServer()).isTrue();
    }
    Path curl = ExternalTool.require("curl");
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-x",
        "socks5h://alice:s3cret@127.0.0.1:" + port, "-o", "f",
        "http://" + gatewayHost() + "/file").assertSuccess();
    assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(FILE);
  }
}
