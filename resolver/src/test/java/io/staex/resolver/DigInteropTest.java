package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.staex.crypto.Address;
import io.staex.testing.ExternalTool;
import io.staex.testing.fixtures.Identities;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The server as a user meets it: BIND's {@code dig} (Debian {@code dnsutils}) as the client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DigInteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Address camera = Identities.address(1);
  private EventLoopGroup group;
  private AddressPool pool;
  private DnsServer server;
  @TempDir Path dir;

  @BeforeAll
  void start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    DnsSettings settings =
        TestDnsSettings.on(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    pool = new AddressPool(settings.pool(), settings.poolTtl(), Clock.systemUTC());
    InMemoryNameResolver names =
        new InMemoryNameResolver().put("camera1", new NameAnswer.Found(camera))
            .put("twice", new NameAnswer.Ambiguous(
                List.of(Identities.address(11), Identities.address(12))));
    server = DnsServer.start(settings, pool, names, group);
  }

  @AfterAll
  void stop() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private ExternalTool.Result dig(String... args) {
    Path dig = ExternalTool.require("dig", "dnsutils");
    List<String> command = new java.util.ArrayList<>(List.of(dig.toString(),
        "@127.0.0.1", "-p", String.valueOf(server.localAddress().getPort()),
        "+time=5", "+tries=1"));
    command.addAll(List.of(args));
    return ExternalTool.run(dir, TIMEOUT, null, command).assertSuccess();
  }

  @Test
  void addressName_udpAndTcp_printThePoolAddress() {
    String expected = pool.assign(camera).getHostAddress();
    assertThat(dig(camera.hostName(), "A", "+short").stdout().strip()).isEqualTo(expected);
    assertThat(dig(camera.hostName(), "A", "+short", "+tcp").stdout().strip())
        .isEqualTo(expected);
    assertThat(dig("camera1.staex", "A", "+short").stdout().strip()).isEqualTo(expected);
  }

  @Test
  void unknownName_nxdomain() {
    assertThat(dig("ghost.staex", "A").stdout()).contains("status: NXDOMAIN");
    assertThat(dig("ghost.staex", "A", "+tcp").stdout()).contains("status: NXDOMAIN");
  }

  @Test
  void ambiguousName_servfail_withExtendedError() {
    String out = dig("twice.staex", "A").stdout();
    assertThat(out).contains("status: SERVFAIL")
        .contains("ambiguous: twice.staex. is certified by 2 trusted networks");
  }

  @Test
  void outsideName_refused_andReverseLookupOfPoolAddress() {
    assertThat(dig("example.com", "A").stdout()).contains("status: REFUSED");
    String ip = pool.assign(camera).getHostAddress();
    assertThat(dig("-x", ip, "+short").stdout().strip()).isEqualTo(camera.hostName() + ".");
  }
}
