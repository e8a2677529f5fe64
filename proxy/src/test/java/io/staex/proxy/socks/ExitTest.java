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
    exit = SocksNode.start(group, NET, 61, List.of(),
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
}
