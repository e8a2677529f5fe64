package io.staex.conf;

import static io.staex.conf.Fixtures.lineOf;
import static io.staex.conf.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staex.conf.ConfigProblem.Reason;
import io.staex.crypto.Address;
import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.RedialBackoff;
import io.staex.proxy.link.StartupLimits;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.stream.StreamSettings;
import io.staex.proxy.udp.UdpSettings;
import io.staex.resolver.Cidr;
import io.staex.resolver.ClientNetwork;
import io.staex.resolver.DnsSettings;
import io.staex.routing.RoutingBudget;
import io.staex.routing.RoutingSettings;
import java.io.IOException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.net.InetSocketAddress;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeConfigTest {
  private static final Address NETWORK = Fixtures.address(100);
  private static final Address PINNED = Fixtures.address(101);
  private static final Address REVOKED = Fixtures.address(102);
  private static final Address PARENT1 = Fixtures.address(103);
  private static final Address PARENT2 = Fixtures.address(104);
  private static final Address CAMERA = Fixtures.address(105);

  @TempDir Path dir;

  /** The format as DESIGN.md and the tools that write it know it. */
  private static final String CONTRACT = String.join("\n",
      "# written by a provisioning tool",
      "staex {",
      "  key  = \"node.key\"",
      "  cert = \"node.crt\"",
      "  trust { networks = [\"" + NETWORK + "\"], nodes = [\"" + PINNED + "\"],"
          + " revoked = [\"" + REVOKED + "\", \"serial:0a1b\"] }",
      "  listen = \"0.0.0.0:7400\"",
      "  parents = [",
      "    { address = \"relay1.example:7400\", key = \"" + PARENT1 + "\" },",
      "    { address = \"[2001:db8::7]:7400\", key = \"" + PARENT2 + "\" }",
      "  ]",
      "  services = [",
      "    { port = 80, target = \"192.168.1.60:8080\", allow = [] },",
      "    { port = 554, target = \"192.168.1.50:554\", allow = [\"" + NETWORK + "\"],",
      "      protocol = rtsp }",
      "  ]",
      "  forwards = [",
      "    { listen = \"127.0.0.1:8080\", to = \"" + CAMERA + ".staex:80\" },",
      "    { listen = \"[::1]:8554\", to = \"camera1.staex:554\", protocol = rtsp }",
      "  ]",
      "  forwards-dir = \"forwards.d\"",
      "}",
      "");

  @Test
  void contractExample_parsesToRecords() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", CONTRACT));

    assertThat(config.key()).isEqualTo(dir.resolve("node.key"));
    assertThat(config.cert()).isEqualTo(dir.resolve("node.crt"));
    assertThat(config.trust())
        .isEqualTo(new TrustConfig(List.of(NETWORK), List.of(PINNED), List.of(
            new Revocation.Key(REVOKED), new Revocation.Serial(BigInteger.valueOf(0x0a1b))), 10_000,
            Optional.of(dir.resolve("node.key.revocations"))));
    assertThat(config.listen()).contains(new HostPort("0.0.0.0", 7400));
    assertThat(config.parents()).containsExactly(
        new ParentConfig(new HostPort("relay1.example", 7400), PARENT1),
        new ParentConfig(new HostPort("2001:db8::7", 7400), PARENT2));
    assertThat(config.services()).containsExactly(
        new ServiceConfig(80, new HostPort("192.168.1.60", 8080), List.of()),
        new ServiceConfig(554, new HostPort("192.168.1.50", 554), List.of(NETWORK),
            Protocol.RTSP));
    assertThat(config.forwards()).containsExactly(
        new ForwardConfig(new HostPort("127.0.0.1", 8080), new Target.ByAddress(CAMERA, 80)),
        new ForwardConfig(new HostPort("::1", 8554), new Target.ByName("camera1", 554),
            Protocol.RTSP));
    assertThat(config.forwardsDir()).contains(dir.resolve("forwards.d"));
    assertThat(config.listenAddresses()).containsExactly(
        HostPort.parse("0.0.0.0:7400"), HostPort.parse("127.0.0.1:8080"),
        HostPort.parse("[::1]:8554"));
  }

  /**
   * reference.conf's values, written out once more: the records below are exactly what a node
   * runs with, since the node passes them on unchanged (only adding its server address and
   * resolved parents to the relay's).
   */
  @Test
  void emptyFile_takesEveryDefaultFromReferenceConf() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", ""));

    RoutingSettings routing = new RoutingSettings(Duration.ofSeconds(5), 3,
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(20),
        Duration.ofSeconds(60), 32, 1_000_000, 256, new RoutingBudget(200, 4000, 50, 12_000));
    LinkSettings link = new LinkSettings(Duration.ofSeconds(5), 3, Duration.ofSeconds(10),
        LinkSettings.MAX_RECORD_SIZE, 256 * 1024, 1024 * 1024);
    RelaySettings relay = new RelaySettings(Optional.empty(), 1024, List.of(), link, routing,
        new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(1),
            Duration.ofSeconds(60)), 4 * 1024 * 1024, 20,
        new StartupLimits(10, 30, 64, 8, Duration.ofSeconds(2)), 200);
    SessionSettings sessions = new SessionSettings(4096, 20, Duration.ofSeconds(10),
        Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(30), 256 * 1024,
        Duration.ofSeconds(5), 100, 16, Duration.ofSeconds(1), 10, Duration.ofSeconds(30),
        4 * 1024 * 1024, 16L * 1024 * 1024);
    StreamSettings streams = new StreamSettings(256, 4096, 256 * 1024, Duration.ofSeconds(30),
        Duration.ofSeconds(10), 256, 16 << 20, 64L << 20);
    assertThat(config).isEqualTo(new NodeConfig(
        dir.resolve("node.key"), dir.resolve("node.crt"), new TrustConfig(List.of(), List.of(),
        List.of(), 10_000, Optional.of(dir.resolve("node.key.revocations"))), Optional.empty(),
        List.of(), List.of(), List.of(), Optional.empty(), 1, relay, sessions, streams,
        Optional.empty(), Optional.empty(), new ControlConfig(dir.resolve("node.sock")),
        new UdpSettings(Duration.ofSeconds(60), 256, 256, 64)));
  }

  @Test
  void warmup_offByDefault_onWithTrue_refusesNonBoolean() throws Exception {
    assertThat(NodeConfig.load(write(dir, "node.conf", "")).warmup()).isFalse();
    assertThat(NodeConfig.load(write(dir, "on.conf", "staex.warmup = true")).warmup())
        .isTrue();
    Path file = write(dir, "bad.conf", "staex.warmup = sometimes");
    assertThat(only(file).toString()).startsWith(file + ":1: staex.warmup: ")
        .contains("true or false");
  }

  /**
   * Every number, duration, size and switch of reference.conf changes the records when a file
   * sets it to another valid value: no key is read and then dropped on the way to a module's
   * settings. The keys that hold text or lists are covered by their own tests.
   */
  @Test
  void everyValueOfReferenceConf_reachesTheRecords() throws Exception {
    String on = "staex.socks.listen = \"127.0.0.1:1080\"\nstaex.dns.listen = \"127.0.0.1:5353\"\n"
        + "staex.metrics.listen = \"127.0.0.1:9464\"\n"
        + "staex.http-proxy.listen = \"127.0.0.1:3128\"\n";
    NodeConfig base = NodeConfig.load(write(dir, "base.conf", on));
    // resolved: trust.revocations-file's default is made from staex.key
    Config reference = ConfigFactory.parseResources(NodeConfig.class, "/reference.conf").resolve();
    Set<String> notChanged = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : reference.entrySet()) {
      String other = otherValue(e.getValue());
      if (other == null) {
        notChanged.add(e.getKey());
        continue;
      }
      Path file = write(dir, "node.conf", on + e.getKey() + " = " + other);
      assertThat(NodeConfig.load(file)).as(e.getKey() + " = " + other).isNotEqualTo(base);
    }
    assertThat(notChanged).containsExactlyInAnyOrder("staex.key", "staex.cert",
        "staex.trust.networks", "staex.trust.nodes", "staex.trust.revoked", "staex.listen",
        "staex.parents", "staex.services", "staex.forwards", "staex.forwards-dir",
        "staex.socks.listen", "staex.socks.username", "staex.socks.password",
        "staex.dns.listen", "staex.dns.pool", "staex.dns.upstreams", "staex.dns.allow",
        "staex.control.socket", "staex.log.level", "staex.log.format",
        "staex.trust.revocations-file", "staex.metrics.listen", "staex.socks.exit",
        "staex.http-proxy.listen", "staex.http-proxy.username", "staex.http-proxy.password",
        "staex.exit.allow", "staex.exit.destinations");
  }

  /** Twice a number, duration or size; the other boolean; null for text and lists. */
  private static String otherValue(ConfigValue v) {
    Object raw = v.unwrapped();
    if (raw instanceof Integer) {
      return String.valueOf((Integer) raw * 2);
    }
    if (raw instanceof Boolean) {
      return String.valueOf(!(Boolean) raw);
    }
    if (raw instanceof String) {
      Matcher m = Pattern.compile("([0-9]+)(ms|s|m|h|d|K|M|G)").matcher((String) raw);
      if (m.matches()) {
        return Long.parseLong(m.group(1)) * 2 + m.group(2);
      }
    }
    return null;
  }

  @Test
  void referenceConfsSocksAndDnsDefaults_whenTurnedOn() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", String.join("\n",
        "staex.socks.listen = \"127.0.0.1:1080\"",
        "staex.dns.listen = \"127.0.0.1:5353\"")));

    SocksSettings socks = config.socks().orElseThrow();
    assertThat(socks.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 1080));
    assertThat(socks.credentials()).isEmpty();
    assertThat(socks.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(socks.maxPendingHandshakes()).isEqualTo(256);
    assertThat(config.dns()).contains(new DnsSettings(new InetSocketAddress("127.0.0.1", 5353),
        Cidr.parse("127.77.0.0/16"), Duration.ofSeconds(60), Duration.ofHours(1),
        DnsSettings.Upstream.REFUSE, List.of(), Duration.ofSeconds(3), 64,
        Duration.ofSeconds(10), List.of(), 10));
  }

  @Test
  void setValues_overrideDefaultsKeyByKey() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", String.join("\n",
        "staex.routing.keepalive-interval = 2s",
        "staex.routing.max-hops = 8",
        "staex.limits { stream-buffer-bytes = 64K, link-buffer-bytes = 1048576,"
            + " idle-timeout = 90s, datagram-queue = 64 }",
        "staex.socks.listen = \"127.0.0.1:1080\"",
        "staex.dns.listen = \"127.0.0.1:5353\"",
        "staex.control.socket = \"run/control.sock\"")));

    assertThat(config.relay().routing().keepaliveInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.relay().link().keepaliveInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.relay().routing().maxHops()).isEqualTo(8);
    assertThat(config.relay().routing().stateLifetime()).isEqualTo(Duration.ofMinutes(20));
    assertThat(config.streams().window()).isEqualTo(64 * 1024);
    assertThat(config.relay().linkQueueBytes()).isEqualTo(1024 * 1024);
    assertThat(config.sessions().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.streams().datagramQueue()).isEqualTo(64);
    assertThat(config.relay().maxLinks()).isEqualTo(1024);
    assertThat(config.socks().orElseThrow().listen())
        .isEqualTo(new InetSocketAddress("127.0.0.1", 1080));
    assertThat(config.dns().orElseThrow().listen())
        .isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    assertThat(config.control().socket()).isEqualTo(dir.resolve("run/control.sock"));
  }

  @Test
  void relativePaths_resolvedAgainstTheConfigFolder() throws Exception {
    Path file = write(dir, "etc/staex/node.conf", String.join("\n",
        "staex { key = \"keys/gw.key\", cert = \"../certs/gw.crt\",",
        "  forwards-dir = \"forwards.d\", control.socket = \"/run/staex.sock\" }"));

    NodeConfig config = NodeConfig.load(file);

    assertThat(config.key()).isEqualTo(dir.resolve("etc/staex/keys/gw.key"));
    assertThat(config.cert()).isEqualTo(dir.resolve("etc/certs/gw.crt"));
    assertThat(config.forwardsDir()).contains(dir.resolve("etc/staex/forwards.d"));
    assertThat(config.control().socket()).isEqualTo(Path.of("/run/staex.sock"));
  }

  @Test
  void defaultControlSocket_besideTheKey() throws Exception {
    NodeConfig config =
        NodeConfig.load(write(dir, "node.conf", "staex.key = \"/var/lib/staex/gw.key\""));

    assertThat(config.control().socket()).isEqualTo(Path.of("/var/lib/staex/gw.sock"));
  }

  @Test
  void substitutionsAndIncludes_resolved() throws Exception {
    write(dir, "common.conf", "staex.limits.max-links = 64");
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", String.join("\n",
        "include \"common.conf\"",
        "relay = \"relay1.example\"",
        "staex.limits.max-sessions = ${staex.limits.max-links}",
        "staex.parents = [ { address = ${relay}\":7400\", key = \"" + PARENT1 + "\" } ]")));

    assertThat(config.relay().maxLinks()).isEqualTo(64);
    assertThat(config.sessions().maxSessions()).isEqualTo(64);
    assertThat(config.parents().get(0).address()).isEqualTo(HostPort.parse("relay1.example:7400"));
  }

  @Test
  void ipv6Listen_parsed() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", "staex.listen = \"[::]:7400\""));

    assertThat(config.listen()).contains(new HostPort("::", 7400));
  }

  @ParameterizedTest
  @CsvSource({"1, true", "65535, true", "0, false", "65536, false", "-1, false"})
  void servicePort_mustBeOneTo65535(int port, boolean valid) throws Exception {
    Path file = write(dir, "node.conf",
        "staex.services = [ { port = " + port + ", target = \"10.0.0.1:80\" } ]");

    if (valid) {
      assertThat(NodeConfig.load(file).services().get(0).port()).isEqualTo(port);
    } else {
      assertThat(only(file)).hasToString(
          file + ":1: staex.services[0].port: " + port + " is out of range (expected: 1~65535)");
    }
  }

  @ParameterizedTest
  @CsvSource({"1, true", "65535, true", "0, false", "65536, false"})
  void listenPort_mustBeOneTo65535(int port, boolean valid) throws Exception {
    Path file = write(dir, "node.conf", "staex.listen = \"0.0.0.0:" + port + "\"");

    if (valid) {
      assertThat(NodeConfig.load(file).listen()).contains(new HostPort("0.0.0.0", port));
    } else {
      assertThat(only(file)).hasToString(
          file + ":1: staex.listen: \"0.0.0.0:" + port + "\" is not host:port: port " + port
              + " (expected: 1~65535)");
    }
  }

  @Test
  void badParentKey_namesFileLineKeyValueAndExpectation() throws Exception {
    String text = String.join("\n",
        "staex {",
        "  parents = [",
        "    { address = \"relay1.example:7400\", key = \"" + PARENT1 + "\" },",
        "    { address = \"relay2.example:7400\",",
        "      key = \"abc\" }",
        "  ]",
        "}");
    Path file = write(dir, "node.conf", text);

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.INVALID_VALUE);
    assertThat(p).hasToString(file + ":5: staex.parents[1].key: \"abc\" is not an address:"
        + " 3 characters (expected: 55)");
  }

  @Test
  void unknownProtocol_namesKeyValueAndExpectation() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex {",
        "  forwards = [ { listen = \"127.0.0.1:8554\", to = \"camera1.staex:554\",",
        "    protocol = sctp } ]",
        "}"));

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.INVALID_VALUE);
    assertThat(p).hasToString(file + ":3: staex.forwards[0].protocol: \"sctp\" is not a"
        + " protocol: expected: tcp, rtsp or udp");
  }

  @Test
  void udpForwardAndService_andTheUdpSection() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", String.join("\n",
        "staex {",
        "  services = [ { port = 5683, target = \"127.0.0.1:15683\", protocol = udp } ]",
        "  forwards = [ { listen = \"127.0.0.1:25683\", to = \"gateway.staex:5683\",",
        "    protocol = UDP } ]",
        "  udp { idle-timeout = 5s, max-flows-per-forward = 8, max-flows-per-service = 9,",
        "    max-flows-per-association = 10 }",
        "}")));

    assertThat(config.services().get(0).protocol()).isEqualTo(Protocol.UDP);
    assertThat(config.forwards().get(0).protocol()).isEqualTo(Protocol.UDP);
    assertThat(config.udp()).isEqualTo(new UdpSettings(Duration.ofSeconds(5), 8, 9, 10));
  }

  @Test
  void udpLimits_belowOne_refusedAtTheKey() throws Exception {
    Path file = write(dir, "node.conf", "staex.udp.max-flows-per-forward = 0\n");

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.INVALID_VALUE);
    assertThat(p.toString()).contains("staex.udp.max-flows-per-forward");
  }

  @Test
  void serviceProtocol_anyCase_defaultTcp() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf", String.join("\n",
        "staex {",
        "  services = [ { port = 1, target = \"127.0.0.1:1\", protocol = RTSP },",
        "    { port = 2, target = \"127.0.0.1:2\" } ]",
        "}")));

    assertThat(config.services()).extracting(ServiceConfig::protocol)
        .containsExactly(Protocol.RTSP, Protocol.TCP);
  }

  @Test
  void unknownKey_withSuggestion() throws Exception {
    Path file = write(dir, "node.conf", "staex {\n  lisen = \"0.0.0.0:7400\"\n}");

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(p).hasToString(file + ":2: staex.lisen: unknown key, did you mean listen?"
        + " (expected one of: key, cert, trust, listen, parents, services, forwards,"
        + " forwards-dir, threads, routing, sessions, limits, socks, http-proxy, exit, dns,"
        + " control, log, metrics, udp, warmup)");
  }

  @Test
  void unknownKeyInTheWrongSection_suggestsWhereItBelongs() throws Exception {
    Path file = write(dir, "node.conf", "staex.limits.max-hops = 8");

    assertThat(only(file)).hasToString(
        file + ":1: staex.limits.max-hops: unknown key, did you mean staex.routing.max-hops?"
            + " (expected one of: max-links, max-sessions, max-streams-per-session, max-streams,"
            + " stream-buffer-bytes, stream-window-max, stream-window-growth-total,"
            + " link-buffer-bytes, link-write-buffer-high,"
            + " link-write-buffer-low, session-queue-bytes, session-retransmit-bytes,"
            + " retransmit-bytes-total, handshakes-per-second-per-source,"
            + " link-startups-start, link-startups-rate, link-startups-full,"
            + " link-startups-per-prefix, link-first-message-timeout, hellos-per-second-per-link,"
            + " routing-messages-per-second-per-link, routing-message-burst-per-link,"
            + " signature-checks-per-second-per-link, signature-check-burst-per-link,"
            + " idle-timeout, handshake-timeout, open-timeout, datagram-queue,"
            + " handshakes-per-second, probe-answers-per-second-per-peer,"
            + " explain-answers-per-second-per-peer)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "link-startups-start = 100 | link-startups-start: 100 (expected: 0~link-startups-full,"
          + " link-startups-full is 64)",
      "link-startups-rate = 101 | link-startups-rate: 101 (expected: 0~100 percent)",
      "link-startups-per-prefix = 65 | link-startups-per-prefix: 65 (expected:"
          + " 1~link-startups-full, link-startups-full is 64)",
      "link-startups-full = 0 | link-startups-full: 0 is out of range (expected: >= 1)",
      "link-first-message-timeout = 0s | link-first-message-timeout: \"0s\" is not positive"
          + " (expected: a duration with a unit, e.g. 500ms, 5s, 2m, 1h, 1d, greater than zero)",
  })
  void badStartupLimits_refusedAtTheirKey(String setting, String problem) throws Exception {
    Path file = write(dir, "node.conf", "staex.limits {\n  " + setting + "\n}");

    assertThat(only(file)).hasToString(file + ":2: staex.limits." + problem);
  }

  @Test
  void startupLimits_fromTheFile() throws Exception {
    NodeConfig config = NodeConfig.load(write(dir, "node.conf",
        "staex.limits { link-startups-start = 5, link-startups-rate = 50,"
            + " link-startups-full = 20, link-startups-per-prefix = 2,"
            + " link-first-message-timeout = 500ms }"));

    assertThat(config.relay().startups())
        .isEqualTo(new StartupLimits(5, 50, 20, 2, Duration.ofMillis(500)));
  }

  @Test
  void unknownKeyFarFromAnyKnown_listsTheKnownOnes() throws Exception {
    Path file = write(dir, "node.conf", "staex.socks.frobnicate = \"x\"");

    assertThat(only(file)).hasToString(
        file + ":1: staex.socks.frobnicate: unknown key (expected one of: listen, username,"
            + " password, exit, handshake-timeout, max-pending-handshakes)");
  }

  @Test
  void dnsOnANonLoopbackAddress_needsAllowedClientNetworks() throws Exception {
    Path open = write(dir, "open.conf", "staex.dns.listen = \"0.0.0.0:53\"");
    assertThat(only(open).toString()).startsWith(open + ":1: staex.dns.listen: ")
        .contains("is not a loopback address, and dns.allow names no client networks");

    Path bad = write(dir, "bad.conf", "staex.dns { listen = \"0.0.0.0:53\","
        + " allow = [ \"10.0.0.0/8\", \"10.0.0.1/8\", \"camera\" ] }");
    assertThat(refused(bad).problems()).extracting(ConfigProblem::key)
        .containsExactlyInAnyOrder("staex.dns.allow[1]", "staex.dns.allow[2]");

    Path rate = write(dir, "rate.conf", "staex.dns.max-new-names-per-second = 0\n"
        + "staex.dns.listen = \"127.0.0.1:5353\"\nstaex.key = k\nstaex.cert = c");
    assertThat(only(rate).toString()).contains("staex.dns.max-new-names-per-second")
        .contains("expected: 1~100000");

    Path ok = write(dir, "ok.conf", "staex.dns { listen = \"0.0.0.0:5353\","
        + " allow = [ \"10.0.0.0/8\", \"fd00::/8\" ], max-new-names-per-second = 5 }\n"
        + "staex.key = k\nstaex.cert = c");
    DnsSettings dns = NodeConfig.load(ok).dns().orElseThrow();
    assertThat(dns.allow()).containsExactly(ClientNetwork.parse("10.0.0.0/8"),
        ClientNetwork.parse("fd00::/8"));
    assertThat(dns.maxNewNamesPerSecond()).isEqualTo(5);
  }

  @Test
  void socksOnANonLoopbackAddress_needsCredentials() throws Exception {
    Path open = write(dir, "open.conf", "staex.socks.listen = \"0.0.0.0:1080\"");
    assertThat(only(open).toString()).startsWith(open + ":1: staex.socks.listen: ")
        .contains("is not a loopback address, and the proxy has no credentials");

    Path half = write(dir, "half.conf", "staex.socks.username = \"cam\"");
    assertThat(only(half).toString()).startsWith(half + ":1: staex.socks.username: ")
        .contains("without its partner");

    Path ok = write(dir, "ok.conf", "staex.socks { listen = \"0.0.0.0:1080\", username = u,"
        + " password = p }\nstaex.key = k\nstaex.cert = c");
    NodeConfig config = NodeConfig.load(ok);
    SocksSettings.Credentials credentials = config.socks().orElseThrow().credentials().get();
    assertThat(credentials.user()).isEqualTo("u");
    assertThat(credentials.matches("u", "p")).isTrue();
    assertThat(credentials.toString()).doesNotContain("=p");
  }

  @Test
  void httpProxyOnANonLoopbackAddress_needsCredentials_withoutAColonInTheName()
      throws Exception {
    Path open = write(dir, "open.conf", "staex.http-proxy.listen = \"0.0.0.0:3128\"");
    assertThat(only(open).toString()).startsWith(open + ":1: staex.http-proxy.listen: ")
        .contains("is not a loopback address, and the HTTP proxy has no credentials")
        .contains("http-proxy.username and http-proxy.password");

    Path half = write(dir, "half.conf", "staex.http-proxy.password = \"pw\"");
    assertThat(only(half).toString()).startsWith(half + ":1: staex.http-proxy.password: ")
        .contains("without its partner");

    Path colon = write(dir, "colon.conf", "staex.http-proxy { username = \"a:b\","
        + " password = p }");
    assertThat(only(colon).toString()).startsWith(colon + ":1: staex.http-proxy.username: ")
        .contains("holds ':'");

    Path ok = write(dir, "ok.conf", "staex.http-proxy { listen = \"0.0.0.0:3128\","
        + " username = u, password = p }\nstaex.key = k\nstaex.cert = c");
    SocksSettings.Credentials credentials =
        NodeConfig.load(ok).httpProxy().orElseThrow().credentials().get();
    assertThat(credentials.matches("u", "p")).isTrue();
    assertThat(credentials.matches("u", "q")).isFalse();
  }

  @Test
  void dnsForwardViaExit_needsUpstreamsAndAnExit_andNeverResolvesTheUpstreamHere()
      throws Exception {
    Path noUpstream = write(dir, "a.conf", "staex.socks.exit = [ \"gw.staex\" ]\n"
        + "staex.dns { listen = \"127.0.0.1:5353\", forward = via-exit }");
    assertThat(only(noUpstream).toString()).startsWith(noUpstream + ":2: staex.dns.forward: ")
        .contains("dns.upstreams is empty");
    Path noExit = write(dir, "b.conf", "staex.dns { listen = \"127.0.0.1:5353\","
        + " forward = via-exit, upstreams = [ \"9.9.9.9:53\" ] }");
    assertThat(only(noExit).toString()).startsWith(noExit + ":1: staex.dns.forward: ")
        .contains("socks.exit names no exit");
    Path typo = write(dir, "c.conf", "staex.dns.forward = via-exits");
    assertThat(only(typo).toString()).contains("staex.dns.forward: ")
        .contains("(expected: true, false or via-exit)");

    Path ok = write(dir, "ok.conf", "staex.socks.exit = [ \"gw.staex\" ]\n"
        + "staex.dns { listen = \"127.0.0.1:5353\", forward = via-exit,"
        + " upstreams = [ \"dns.quad9.net:53\", \"9.9.9.9:53\" ] }\nstaex.key = k\n"
        + "staex.cert = c");
    DnsSettings dns = NodeConfig.load(ok).dns().orElseThrow();
    assertThat(dns.upstream()).isEqualTo(DnsSettings.Upstream.VIA_EXIT);
    assertThat(dns.upstreams()).containsExactly(
        InetSocketAddress.createUnresolved("dns.quad9.net", 53),
        InetSocketAddress.createUnresolved("9.9.9.9", 53));
  }

  @Test
  void dnsSection_poolTtlAndUpstreams() throws Exception {
    Path bad = write(dir, "bad.conf", "staex.dns.pool = \"127.77.0.1/16\"\n"
        + "staex.dns.upstreams = [ \"1.1.1.1\" ]");
    BadConfigException e = catchThrowableOfType(BadConfigException.class,
        () -> NodeConfig.load(bad));
    assertThat(e.problems()).extracting(ConfigProblem::key)
        .containsExactlyInAnyOrder("staex.dns.pool", "staex.dns.upstreams[0]");

    Path ok = write(dir, "ok.conf", "staex.dns { listen = \"127.0.0.1:5353\","
        + " pool = \"10.9.0.0/24\","
        + " forward = true, upstreams = [ \"9.9.9.9:53\" ] }\nstaex.key = k\nstaex.cert = c");
    DnsSettings dns = NodeConfig.load(ok).dns().orElseThrow();
    assertThat(dns.pool()).isEqualTo(Cidr.parse("10.9.0.0/24"));
    assertThat(dns.upstream()).isEqualTo(DnsSettings.Upstream.FORWARD);
    assertThat(dns.upstreams()).containsExactly(new InetSocketAddress("9.9.9.9", 53));
    assertThat(dns.answerTtl()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void unknownKeyInAListEntry_reported() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.forwards = [",
        "  { listen = \"127.0.0.1:8080\", to = \"camera1.staex:80\", too = 1 }",
        "]"));

    assertThat(only(file)).hasToString(
        file + ":2: staex.forwards[0].too: unknown key, did you mean to? (expected one of:"
            + " listen, to, protocol)");
  }

  @Test
  void misspeltTopLevelSection_reported() throws Exception {
    Path file = write(dir, "node.conf", "stax { listen = \"0.0.0.0:7400\" }\nother = 1");

    assertThat(only(file)).hasToString(file + ":1: stax: unknown key, did you mean staex?"
        + " (expected: staex { ... }; other top-level keys are only for substitutions)");
  }

  @Test
  void wrongType_namesTheKindFoundAndExpected() throws Exception {
    Path file = write(dir, "node.conf", "staex.parents = \"relay1.example:7400\"");

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.WRONG_TYPE);
    assertThat(p.toString()).startsWith(
        file + ":1: staex.parents: \"relay1.example:7400\" is a string (expected: a list of {");
  }

  @Test
  void nullSection_refused() throws Exception {
    Path file = write(dir, "node.conf", "staex.trust = null\nstaex.parents = [ null ]");

    BadConfigException e = refused(file);

    assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
        file + ":1: staex.trust: is null (expected: an object: trust { ... })",
        file + ":2: staex.parents[0]: is null (expected: { address = \"host:port\","
            + " key = \"<the parent's address>\" })");
  }

  @Test
  void missingKeyInAnEntry_pointsAtTheEntry() throws Exception {
    Path file = write(dir, "node.conf", "staex.parents = [\n  { address = \"r:7400\" }\n]");

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.MISSING_KEY);
    assertThat(p).hasToString(file + ":2: staex.parents[0].key: is missing (expected: the"
        + " parent's 55-character address)");
  }

  @Test
  void duplicateServicePort_pointsAtTheFirst() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.services = [",
        "  { port = 80, target = \"10.0.0.1:80\" }",
        "  { port = 80, target = \"10.0.0.2:80\" }",
        "]"));

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.DUPLICATE);
    assertThat(p).hasToString(file + ":3: staex.services[1].port: 80 is already used by"
        + " staex.services[0].port (" + file + ":2) (expected: each port once)");
  }

  @Test
  void duplicateForwardListen_reported() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.forwards = [",
        "  { listen = \"127.0.0.1:8080\", to = \"camera1.staex:80\" }",
        "  { listen = \"127.0.0.1:8080\", to = \"camera2.staex:80\" }",
        "]"));

    assertThat(only(file)).hasToString(file + ":3: staex.forwards[1].listen: \"127.0.0.1:8080\""
        + " is already used by staex.forwards[0].listen (" + file + ":2) (expected: each listen"
        + " address once)");
  }

  @Test
  void listenAddressUsedBySocksAndAForward_reported() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.forwards = [ { listen = \"127.0.0.1:1080\", to = \"camera1.staex:80\" } ]",
        "staex.socks.listen = \"127.0.0.1:1080\""));

    ConfigProblem p = only(file);

    assertThat(p.key()).isEqualTo("staex.socks.listen");
    assertThat(p.reason()).isEqualTo(Reason.DUPLICATE);
  }

  @Test
  void duplicateParent_reported() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.parents = [",
        "  { address = \"r1:7400\", key = \"" + PARENT1 + "\" }",
        "  { address = \"r2:7400\", key = \"" + PARENT1 + "\" }",
        "]"));

    assertThat(only(file).key()).isEqualTo("staex.parents[1].key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"max-links = 0", "max-sessions = -5", "max-streams-per-session = 0",
      "max-streams = 0", "handshakes-per-second-per-source = 0", "datagram-queue = 0",
      "handshakes-per-second = 0",
      "hellos-per-second-per-link = 0"})
  void zeroOrNegativeLimit_refused(String setting) throws Exception {
    Path file = write(dir, "node.conf", "staex.limits {\n  " + setting + "\n}");
    String key = setting.substring(0, setting.indexOf(' '));
    String value = setting.substring(setting.indexOf('=') + 2);

    assertThat(only(file)).hasToString(
        file + ":2: staex.limits." + key + ": " + value + " is out of range (expected: >= 1)");
  }

  @Test
  void badSizes_refused() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.limits {",
        "  stream-buffer-bytes = 0",
        "  link-buffer-bytes = 4T",
        "}",
        "staex.limits.link-buffer-bytes = lots"));

    BadConfigException e = refused(file);

    assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
        file + ":2: staex.limits.stream-buffer-bytes: 0 is out of range (expected: bytes, a"
            + " number or a size such as 256K or 4M (powers of 1024), 1 to 2147483647)",
        file + ":5: staex.limits.link-buffer-bytes: \"lots\" is not a size (expected: bytes, a"
            + " number or a size such as 256K or 4M (powers of 1024), 1 to 2147483647)");
  }

  @Test
  void badDurations_refused() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.limits {",
        "  idle-timeout = 300",
        "  handshake-timeout = 0s",
        "}",
        "staex.routing.withdraw-grace = soon",
        "staex.routing.parent-hold-down = \"60\""));

    BadConfigException e = refused(file);

    assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
        file + ":2: staex.limits.idle-timeout: 300 has no unit (expected: a duration with a"
            + " unit, e.g. 500ms, 5s, 2m, 1h, 1d)",
        file + ":3: staex.limits.handshake-timeout: \"0s\" is not positive (expected: a duration"
            + " with a unit, e.g. 500ms, 5s, 2m, 1h, 1d, greater than zero)",
        file + ":5: staex.routing.withdraw-grace: \"soon\" is not a duration (expected: a"
            + " duration with a unit, e.g. 500ms, 5s, 2m, 1h, 1d)",
        file + ":6: staex.routing.parent-hold-down: \"60\" has no unit (expected: a duration"
            + " with a unit, e.g. 500ms, 5s, 2m, 1h, 1d)");
  }

  @Test
  void routingRuleBroken_blamedOnTheKeySetInTheFile() throws Exception {
    String text = "staex.routing {\n  refresh-interval = 15m\n}";
    Path file = write(dir, "node.conf", text);

    ConfigProblem p = only(file);

    assertThat(p).hasToString(file + ":2: staex.routing.refresh-interval: \"15m\" breaks a rule:"
        + " state-lifetime: 20m (expected: at least twice refresh-interval 15m, or states expire"
        + " between refreshes)");
  }

  @Test
  void moduleRulesBroken_reportedAtTheKeyInTheFilesTerms() throws Exception {
    Path window = write(dir, "window.conf", "staex.limits.stream-buffer-bytes = 512");
    assertThat(only(window)).hasToString(
        window + ":1: staex.limits.stream-buffer-bytes: 512 (expected: >= 1024)");

    Path windowMax = write(dir, "window-max.conf", "staex.limits.stream-window-max = 128K");
    assertThat(only(windowMax)).hasToString(windowMax + ":1: staex.limits.stream-window-max:"
        + " 131072 (expected: stream-buffer-bytes 262144 ~ 1073741824)");
    Path noGrowth = write(dir, "no-growth.conf", "staex.limits.stream-window-growth-total = 0");
    assertThat(NodeConfig.load(noGrowth).streams().windowGrowthTotal()).isZero();

    Path queue = write(dir, "queue.conf", "staex.limits.link-buffer-bytes = 512K");
    assertThat(only(queue)).hasToString(queue + ":1: staex.limits.link-buffer-bytes: 524288"
        + " (expected: >= link-write-buffer-high 1048576)");

    Path socks = write(dir, "socks.conf", "staex.socks { listen = \"127.0.0.1:1080\","
        + " max-pending-handshakes = 0 }");
    assertThat(only(socks).toString()).startsWith(
        socks + ":1: staex.socks.max-pending-handshakes: 0 is out of range");
  }

  @Test
  void ruleBetweenTwoKeys_blamedOnTheOneTheFileSet() throws Exception {
    Path handshake = write(dir, "handshake.conf", "staex.limits.handshake-timeout = 40s");
    assertThat(only(handshake)).hasToString(handshake + ":1: staex.limits.handshake-timeout:"
        + " open-timeout 30s is not longer than handshake-timeout 40s (expected: open-timeout >"
        + " handshake-timeout: an open waits for the session handshake and the far end's"
        + " connect)");

    Path ttl = write(dir, "ttl.conf",
        "staex.dns { listen = \"127.0.0.1:5353\", answer-ttl = 10m }");
    assertThat(only(ttl)).hasToString(ttl + ":1: staex.dns.answer-ttl: \"10m\" breaks a rule:"
        + " pool-ttl: 1h (expected: at least 10 × answer-ttl = 1h40m)");
  }

  @Test
  void routingRangeBroken_reportedAtThatKey() throws Exception {
    Path file = write(dir, "node.conf", "staex.routing.max-hops = 300");

    assertThat(only(file)).hasToString(
        file + ":1: staex.routing.max-hops: 300 (expected: 1~255)");
  }

  @Test
  void threads_defaultOne_rangeChecked() throws Exception {
    assertThat(NodeConfig.load(write(dir, "node.conf", "staex.threads = 4")).threads())
        .isEqualTo(4);
    Path file = write(dir, "bad.conf", "staex.threads = 0");

    assertThat(only(file)).hasToString(file + ":1: staex.threads: 0 is out of range (expected: 1~64)");
  }

  @Test
  void badTrustEntries_eachReported() throws Exception {
    Path file = write(dir, "node.conf", String.join("\n",
        "staex.trust {",
        "  networks = [ \"" + NETWORK + "\", \"nope\" ]",
        "  revoked = [ \"serial:zz\" ]",
        "}"));

    BadConfigException e = refused(file);

    assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
        file + ":2: staex.trust.networks[1]: \"nope\" is not an address: 4 characters"
            + " (expected: 55)",
        file + ":3: staex.trust.revoked[0]: \"serial:zz\" is not a revocation: character 'z' in"
            + " serial (expected: hex digits 0-9, a-f)");
  }

  @Test
  void trustedNetworks_atMostSixteen() throws Exception {
    String list = java.util.stream.IntStream.range(0, 17)
        .mapToObj(i -> "\"" + Fixtures.address(200 + i) + "\"")
        .collect(java.util.stream.Collectors.joining(", "));
    Path file = write(dir, "node.conf", "staex.trust.networks = [ " + list + " ]");

    assertThat(only(file)).hasToString(file + ":1: staex.trust.networks: 17 networks (expected:"
        + " at most 16; a node names them in its routing state so that their members may look"
        + " up its name)");
  }

  @Test
  void badForwardTarget_reported() throws Exception {
    Path file = write(dir, "node.conf",
        "staex.forwards = [ { listen = \"127.0.0.1:8080\", to = \"camera1.lan:80\" } ]");

    assertThat(only(file)).hasToString(file + ":1: staex.forwards[0].to: \"camera1.lan:80\" is"
        + " not a target: 'camera1.lan' is not a .staex name (expected: <address>.staex or"
        + " <name>.staex)");
  }

  @Test
  void emptyKeyPath_refused() throws Exception {
    Path file = write(dir, "node.conf", "staex.key = \"\"");

    assertThat(only(file)).hasToString(
        file + ":1: staex.key: \"\" is empty (expected: the node's private key file)");
  }

  @Test
  void severalProblems_reportedTogetherInOneException() throws Exception {
    String text = String.join("\n",
        "staex {",
        "  lisen = \"0.0.0.0:7400\"",
        "  parents = [ { address = \"relay1.example:0\", key = \"abc\" } ]",
        "  services = [ { port = 80, target = \"10.0.0.1\" } ]",
        "  limits.max-links = 0",
        "  routing.keepalive-interval = 5",
        "}");
    Path file = write(dir, "node.conf", text);

    BadConfigException e = refused(file);

    assertThat(e.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
        "staex.lisen", "staex.parents[0].address", "staex.parents[0].key",
        "staex.services[0].target", "staex.limits.max-links",
        "staex.routing.keepalive-interval");
    assertThat(e.problems()).allSatisfy(p -> {
      assertThat(p.file()).isEqualTo(file.toString());
      assertThat(p.line()).isPositive();
      assertThat(p.detail()).contains("expected");
    });
    assertThat(e.getMessage()).startsWith("6 problems:\n");
    assertThat(e.problems().stream().filter(p -> p.key().equals("staex.limits.max-links")))
        .extracting(ConfigProblem::line).containsExactly(lineOf(text, "max-links"));
  }

  @Test
  void problemInAnIncludedFile_namesThatFile() throws Exception {
    Path common = write(dir, "common.conf", "\nstaex.listen = \"0.0.0.0\"");
    Path file = write(dir, "node.conf", "include \"common.conf\"");

    assertThat(only(file)).hasToString(common + ":2: staex.listen: \"0.0.0.0\" is not host:port:"
        + " no port (expected: host:port, e.g. 127.0.0.1:8080)");
  }

  @Test
  void syntaxError_namesFileAndLine() throws Exception {
    Path file = write(dir, "node.conf", "staex {\n  listen = \"0.0.0.0:7400\"\n  parents = [\n}");

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.SYNTAX);
    assertThat(p.file()).isEqualTo(file.toString());
    assertThat(p.line()).isEqualTo(4);
  }

  @Test
  void unresolvedSubstitution_reported() throws Exception {
    Path file = write(dir, "node.conf", "staex.listen = ${nowhere}");

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.SYNTAX);
    assertThat(p.toString()).startsWith(file + ":1: ").contains("nowhere");
  }

  @Test
  void missingFile_reported() throws IOException {
    Path file = dir.resolve("absent.conf");

    ConfigProblem p = only(file);

    assertThat(p.reason()).isEqualTo(Reason.UNREADABLE);
    assertThat(p).hasToString(file + ": no such file");
  }

  private static BadConfigException refused(Path file) {
    return catchThrowableOfType(BadConfigException.class, () -> NodeConfig.load(file));
  }

  private static ConfigProblem only(Path file) {
    BadConfigException e = refused(file);
    assertThat(e).as("load(%s) refused", file).isNotNull();
    assertThat(e.problems()).as(e.getMessage()).hasSize(1);
    assertThat(e).hasMessage(e.problems().get(0).toString());
    return e.problems().get(0);
  }
}
