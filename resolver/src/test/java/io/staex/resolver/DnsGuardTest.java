package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.staex.testing.ExternalTool;
import io.staex.testing.ManualClock;
import io.staex.testing.fixtures.Identities;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * No open resolver, no pool churn, no lookup for names that can't exist: real queries from
 * {@code dig} and dnsjava over UDP and TCP, from allowed and refused source addresses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsGuardTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private InMemoryNameResolver names;
  private EventLoopGroup group;
  private DnsServer server;
  @TempDir Path dir;

  @BeforeAll
  void startGroup() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  void stopGroup() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private void start(DnsSettings settings) {
    AddressPool pool = new AddressPool(settings.pool(), settings.poolTtl(), clock);
    names = new InMemoryNameResolver().put("camera1", new NameAnswer.Found(Identities.address(1)));
    server = DnsServer.start(settings, pool, names, group, clock); // the bucket: clock time
  }

  private String dig(String from, String... args) {
    Path dig = ExternalTool.require("dig", "dnsutils");
    InetSocketAddress at = server.localAddress();
    List<String> command = new ArrayList<>(List.of(dig.toString(), "-b", from,
        "@" + at.getAddress().getHostAddress(), "-p", String.valueOf(at.getPort()),
        "+time=5", "+tries=1"));
    command.addAll(List.of(args));
    return ExternalTool.run(dir, TIMEOUT, null, command).assertSuccess().stdout();
  }

  private Message ask(String name, boolean tcp) throws Exception {
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTCP(tcp);
    resolver.setTimeout(Duration.ofSeconds(5));
    return resolver.send(
        Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
  }

  @Test
  void sourceOutsideAllow_refusedOverUdpAndTcp_andCounted_allowedSourceAnswered() {
    start(TestDnsSettings.on(new InetSocketAddress("127.0.0.2", 0))
        .withAllow(List.of(ClientNetwork.parse("127.0.0.3/32"))));
    assertThat(dig("127.0.0.1", "camera1.staex", "A")).contains("status: REFUSED")
        .doesNotContain("ANSWER SECTION");
    assertThat(dig("127.0.0.1", "camera1.staex", "A", "+tcp")).contains("status: REFUSED");
    assertThat(server.stats().refusedClients()).isEqualTo(2);
    assertThat(names.asked()).isEmpty();

    assertThat(dig("127.0.0.3", "camera1.staex", "A", "+short").strip())
        .startsWith("127.77.");
    assertThat(dig("127.0.0.3", "camera1.staex", "A", "+short", "+tcp").strip())
        .startsWith("127.77.");
    assertThat(server.stats().refusedClients()).isEqualTo(2);
  }

  @Test
  void emptyAllow_answersLoopbackClients() {
    start(TestDnsSettings.on(new InetSocketAddress("127.0.0.2", 0)));
    assertThat(dig("127.0.0.1", "camera1.staex", "A", "+short").strip()).startsWith("127.77.");
    assertThat(server.stats().refusedClients()).isZero();
  }

  @Test
  void newNamesPastTheRate_servfail_existingNamesKeepAnswering() throws Exception {
    // 1 a second, bursts of 10, and the manual clock stands still: the 11th new name is refused.
    start(TestDnsSettings.on(new InetSocketAddress("127.0.0.1", 0))
        .withMaxNewNamesPerSecond(1));
    for (int i = 1; i <= 10; i++) {
      assertThat(ask(Identities.address(i).hostName() + ".", i % 2 == 0).getRcode())
          .isEqualTo(Rcode.NOERROR);
    }
    String eleventh = dig("127.0.0.1", Identities.address(11).hostName(), "A");
    assertThat(eleventh).contains("status: SERVFAIL").contains("rate limited");
    assertThat(ask(Identities.address(12).hostName() + ".", true).getRcode())
        .isEqualTo(Rcode.SERVFAIL);
    assertThat(server.stats().rateLimitedNames()).isEqualTo(2);
    for (int i = 1; i <= 10; i++) {
      assertThat(ask(Identities.address(i).hostName() + ".", false).getRcode())
          .isEqualTo(Rcode.NOERROR);
    }
    assertThat(dig("127.0.0.1", "camera1.staex", "A", "+short").strip()) // holds address(1)'s
        .startsWith("127.77.");
    clock.advance(Duration.ofSeconds(1)); // one more token
    assertThat(ask(Identities.address(13).hostName() + ".", false).getRcode())
        .isEqualTo(Rcode.NOERROR);
    assertThat(ask(Identities.address(14).hostName() + ".", false).getRcode())
        .isEqualTo(Rcode.SERVFAIL);
    assertThat(server.stats().rateLimitedNames()).isEqualTo(3);
  }

  @Test
  void malformedLabels_nxdomainAtOnce_neverLookedUp() throws Exception {
    start(TestDnsSettings.on(new InetSocketAddress("127.0.0.1", 0)));
    String long63 = "a".repeat(63);
    String[] bad = {"under_score.staex", "-dash.staex", "dash-.staex", "a.b.staex",
        "sp\\032ace.staex", "caf\\195\\169.staex"};
    for (String name : bad) {
      long start = System.nanoTime();
      assertThat(dig("127.0.0.1", "-q", name, "A")).as(name).contains("status: NXDOMAIN");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as(name)
          .isLessThan(Duration.ofSeconds(2)); // not a 3 s lookup timeout
    }
    assertThat(ask("x" + long63.substring(1) + ".staex.", true).getRcode())
        .isEqualTo(Rcode.NXDOMAIN); // 63 characters: a valid label, looked up, not found
    assertThat(names.asked()).containsExactly(long63.replace('a', 'x').substring(0, 1)
        + long63.substring(1));
    assertThat(server.stats().malformedNames()).isEqualTo(bad.length);
  }
}
