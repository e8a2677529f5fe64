package io.staex.proxy.socks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.staex.crypto.Address;
import io.staex.crypto.Identity;
import io.staex.proxy.TestSettings;
import io.staex.proxy.exit.ExitCounters;
import io.staex.proxy.exit.ExitRefusal;
import io.staex.proxy.exit.ExitSettings;
import io.staex.proxy.httpproxy.HttpProxy;
import io.staex.proxy.httpproxy.HttpProxySettings;
import io.staex.proxy.loop.Transports;
import io.staex.testing.ExternalTool;
import io.staex.testing.LeakWatch;
import io.staex.testing.fixtures.Identities;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit nodes over real links: {@code user → root ← exit}, and {@code stranger → root}, a member
 * of the same network not in the exit's {@code exit.allow}. The "Internet" is a web server on
 * 127.0.0.2, which only the exit's {@code exit.destinations = ["0.0.0.0/0", "::/0",
 * "127.0.0.2/32"]} unlocks (it is a loopback address, refused otherwise; 0.0.0.0/0 lists the
 * public addresses only). The user's SOCKS server has {@code socks.exit}.
 */
class ExitTest {
  static final Identity NET = Identities.identity(51);
  static final byte[] FILE = new byte[256 * 1024 + 3];

  static EventLoopGroup group;
  static HttpServer internet;
  static SocksNode root;
  static SocksNode exit;
  static SocksNode user;
  static SocksNode stranger;
  /** Every name the SOCKS servers asked their targets about. */
  static final Set<String> asked = ConcurrentHashMap.newKeySet();

  final List<SocksServer> servers = new ArrayList<>();
  final List<HttpProxy> proxies = new ArrayList<>();

  @BeforeAll
  static void chain() throws Exception {
    LeakWatch.install();
    new Random(7).nextBytes(FILE);
    group = Transports.newEventLoopGroup(3);
    internet = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 16);
    internet.createContext("/file", x -> {
      x.sendResponseHeaders(200, FILE.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(FILE);
      }
    });
    internet.start();
    root = SocksNode.start(group, NET, 60, List.of());
    user = SocksNode.start(group, NET, 62, List.of(), root);
    Address userAddress = user.address();
    exit = SocksNode.start(group, NET, 61,
        List.of(new io.staex.proxy.service.Service(80, internet.getAddress(), Set.of())),
        new ExitSettings(true, List.of(userAddress), List.of("0.0.0.0/0", "::/0", "127.0.0.2/32"), true,
            Duration.ofSeconds(5)), root);
    stranger = SocksNode.start(group, NET, 63, List.of(), root);
    Awaitility.await("the tree is up").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> root.relay.viewSize() == 4 && user.relay.activeParent().isPresent()
            && stranger.relay.activeParent().isPresent());
  }

  @AfterAll
  static void stopAll() throws Exception {
    stranger.close();
    user.close();
    exit.close();
    root.close();
    internet.stop(0);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    LeakWatch.assertNoLeaks();
  }

  @AfterEach
  void closeServers() {
    servers.forEach(SocksServer::close);
    proxies.forEach(HttpProxy::close);
    Awaitility.await("every stream ends").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> user.streams.streamCount() + exit.streams.streamCount()
            + stranger.streams.streamCount() == 0);
  }

  /** gw.staex is the exit, root.staex the root (no exit), ghost.staex nobody. */
  static final class Targets implements SocksTargets {
    @Override
    public CompletableFuture<SocksTarget> resolve(String domain) {
      asked.add(domain);
      return CompletableFuture.supplyAsync(() -> Map.<String, SocksTarget>of(
          "gw.staex", new SocksTarget.Node(exit.address()),
          "root.staex", new SocksTarget.Node(root.address()))
          .getOrDefault(domain, new SocksTarget.Unknown()));
    }

    @Override
    public Optional<Address> resolve(InetAddress address) {
      asked.add(address.getHostAddress());
      return Optional.empty();
    }
  }

  int socks(SocksNode on, List<String> exits) {
    SocksServer s = SocksServer.start(on.streams,
        TestSettings.socks().withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
        new Router(new Targets(), exits));
    servers.add(s);
    return s.localAddress().getPort();
  }

  static HttpProxySettings httpSettings() {
    return new HttpProxySettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Duration.ofSeconds(10), 64, 8192, 20);
  }

  int http(SocksNode on, List<String> exits) {
    HttpProxy p = HttpProxy.start(on.streams, httpSettings(), new Router(new Targets(), exits));
    proxies.add(p);
    return p.localAddress().getPort();
  }

  String url() {
    return "http://127.0.0.2:" + internet.getAddress().getPort() + "/file";
  }

  long refused(ExitRefusal why) {
    return exit.exit.counters().refused().get(why);
  }

  @Test
  void curlThroughSocks5h_reachesAServerOnlyTheExitMayReach(@TempDir Path dir) throws Exception {
    Path curl = ExternalTool.require("curl");
    int port = socks(user, List.of("gw.staex"));
    long before = exit.exit.counters().streams();
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-x", "socks5h://127.0.0.1:" + port,
        "-o", "a", url()).assertSuccess();
    assertThat(Files.readAllBytes(dir.resolve("a"))).isEqualTo(FILE);
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      ExitCounters c = exit.exit.counters();
      assertThat(c.streams()).isEqualTo(before + 1);
      assertThat(c.open()).isZero();
      assertThat(c.bytesOut()).isGreaterThan(FILE.length);
    });
  }

  @Test
  void failover_skipsAnUnknownExitAndANodeThatIsNoExit(@TempDir Path dir) throws Exception {
    Path curl = ExternalTool.require("curl");
    int port = socks(user, List.of("ghost.staex", "root.staex", "gw.staex"));
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-x", "socks5h://127.0.0.1:" + port,
        "-o", "a", url()).assertSuccess();
    assertThat(Files.readAllBytes(dir.resolve("a"))).isEqualTo(FILE);
  }

  @Test
  void noExit_refusesEverythingOutsideStaex_withoutAskingAnyone(@TempDir Path dir)
      throws Exception {
    Path curl = ExternalTool.require("curl");
    int port = socks(user, List.of());
    asked.clear();
    long before = exit.exit.counters().streams() + exit.exit.counters().refusedTotal();
    ExternalTool.Result r = ExternalTool.run(dir, curl.toString(), "-sS", "-x",
        "socks5h://127.0.0.1:" + port, url());
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(97);
    assertThat(r.stderr()).contains("(2)");
    try (SocksClient c = new SocksClient(port)) {
      assertThat(c.connect("leak-check.example", 80)).isEqualTo(2); // FORBIDDEN
    }
    // no name was looked up (no DNS); the IP literal was only checked against the pool
    assertThat(asked).containsOnly("127.0.0.2");
    assertThat(exit.exit.counters().streams() + exit.exit.counters().refusedTotal())
        .isEqualTo(before);
  }

  @Test
  void privateDestinations_areRefusedAtTheExit_byTheirResolvedAddress() throws Exception {
    int port = socks(user, List.of("gw.staex"));
    // localhost is a name that resolves to loopback at the exit: judged by the address
    for (String host : List.of("127.0.0.1", "localhost", "::ffff:127.0.0.1", "10.1.2.3",
        "169.254.169.254", "0.0.0.0")) {
      try (SocksClient c = new SocksClient(port)) {
        assertThat(c.connect(host, internet.getAddress().getPort())).as(host).isEqualTo(2);
      }
    }
    assertThat(refused(ExitRefusal.LOOPBACK)).isGreaterThanOrEqualTo(3);
    assertThat(refused(ExitRefusal.PRIVATE)).isGreaterThanOrEqualTo(1);
    assertThat(refused(ExitRefusal.LINK_LOCAL)).isGreaterThanOrEqualTo(1);
    assertThat(refused(ExitRefusal.UNSPECIFIED)).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aNodeNotInExitAllow_isRefused(@TempDir Path dir) {
    Path curl = ExternalTool.require("curl");
    int port = socks(stranger, List.of("gw.staex"));
    long before = refused(ExitRefusal.NODE);
    ExternalTool.Result r = ExternalTool.run(dir, curl.toString(), "-sS", "-x",
        "socks5h://127.0.0.1:" + port, url());
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(97);
    assertThat(r.stderr()).contains("(2)");
    assertThat(refused(ExitRefusal.NODE)).isEqualTo(before + 1);
  }

  // ---- the HTTP proxy door ----

  @Test
  void httpProxy_absoluteGet_throughTheExit_andByCertifiedName_andConnect(@TempDir Path dir)
      throws Exception {
    Path curl = ExternalTool.require("curl");
    String proxy = "http://127.0.0.1:" + http(user, List.of("gw.staex"));
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-x", proxy, "-o", "a", url())
        .assertSuccess();
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-x", proxy,
        "--proxy-header", "Proxy-Authorization: Basic Zm9vOmJhcg==", "--proxy-header",
        "X-Proxy-Only: 1", "-o", "b", "http://gw.staex/file").assertSuccess();
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-p", "-x", proxy, "-o", "c",
        "http://gw.staex/file").assertSuccess();
    ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-p", "-x", proxy, "-o", "d",
        url()).assertSuccess();
    for (String f : List.of("a", "b", "c", "d")) {
      assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(FILE);
    }
  }

  @Test
  void httpProxy_javaHttpClient_withAProxySelector() throws Exception {
    int port = http(user, List.of("gw.staex"));
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .proxy(java.net.ProxySelector.of(new InetSocketAddress("127.0.0.1", port))).build();
    for (String u : List.of("http://gw.staex/file", url())) {
      java.net.http.HttpResponse<byte[]> r = client.send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(u)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(u).isEqualTo(200);
      assertThat(r.body()).as(u).isEqualTo(FILE);
    }
  }

  @Test
  void httpProxy_refusals_sayWhy(@TempDir Path dir) {
    Path curl = ExternalTool.require("curl");
    String noExit = "http://127.0.0.1:" + http(user, List.of());
    String withExit = "http://127.0.0.1:" + http(user, List.of("gw.staex"));
    String strangers = "http://127.0.0.1:" + http(stranger, List.of("gw.staex"));
    record Case(String proxy, String url, boolean tunnel, String code, String body) {}
    for (Case c : List.of(
        new Case(noExit, url(), false, "403", "direct connections are not allowed"),
        new Case(noExit, url(), true, "403", ""),
        new Case(withExit, "http://127.0.0.1:" + internet.getAddress().getPort() + "/", false,
            "403", "NOT_ALLOWED"),
        new Case(strangers, url(), false, "403", "NOT_ALLOWED"),
        new Case(withExit, "http://ghost.staex/", false, "502", "no node has the name"),
        new Case(withExit, "http://gw.staex:81/", false, "502", "NO_SERVICE"))) {
      ExternalTool.Result r = ExternalTool.run(dir, curl.toString(), "-sS", "-x", c.proxy(),
          c.tunnel() ? "-p" : "-s", "-w", "\n%{http_code}", c.url());
      String out = r.stdout() + r.stderr();
      assertThat(out).as(c + " " + r.describe()).contains(c.code()).contains(c.body());
    }
  }

  @Test
  void httpProxy_tooManyHeaders_is431_andTooLargeAHeaderBlock_too() throws Exception {
    int port = http(user, List.of());
    StringBuilder many = new StringBuilder("GET http://gw.staex/file HTTP/1.1\r\nHost: gw.staex\r\n");
    for (int i = 0; i < 25; i++) {
      many.append("X-").append(i).append(": y\r\n");
    }
    String big = "GET http://gw.staex/file HTTP/1.1\r\nHost: gw.staex\r\nX-Big: "
        + "y".repeat(9000) + "\r\n";
    for (String head : List.of(many.toString(), big)) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write((head + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(s.getInputStream().readAllBytes(),
            java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 431");
      }
    }
  }

  @Test
  void pacFile_evaluatedByPactester(@TempDir Path dir) throws Exception {
    Path curl = ExternalTool.require("curl");
    Path pactester = ExternalTool.require("pactester", "libpacparser1");
    for (List<String> exits : List.of(List.<String>of(), List.of("gw.staex"))) {
      int port = http(user, exits);
      ExternalTool.run(dir, curl.toString(), "-sS", "--fail", "-o", "proxy.pac",
          "http://127.0.0.1:" + port + "/proxy.pac").assertSuccess();
      String proxy = "PROXY 127.0.0.1:" + port;
      ExternalTool.Result staex = ExternalTool.run(dir, pactester.toString(), "-p", "proxy.pac",
          "-u", "http://camera1.staex/x");
      assertThat(staex.stdout().trim()).as(staex.describe()).isEqualTo(proxy);
      ExternalTool.Result other = ExternalTool.run(dir, pactester.toString(), "-p",
          "proxy.pac", "-u", "http://example.com/");
      assertThat(other.stdout().trim()).as(other.describe())
          .isEqualTo(exits.isEmpty() ? "DIRECT" : proxy);
    }
  }
}
