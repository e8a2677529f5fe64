package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import io.staex.testing.ExternalTool;
import io.staex.crypto.Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For tests that run the real jar as a user does: CLI commands, {@code staex run} processes in a
 * temporary folder (killed by PID after each test), status polling, free ports.
 */
abstract class ProcessTestBase {
  /** How long a network of processes gets to link up. */
  protected static final Duration CONVERGE = Duration.ofSeconds(20);
  /** How long {@link #victims} waits for its three processes to start and link up. */
  protected static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir protected Path dir;
  protected Path jar;
  private final List<Started> running = new ArrayList<>();

  @BeforeEach
  void findJar() {
    jar = Path.of(System.getProperty("staex.jar", "target/staex.jar")).toAbsolutePath();
    assertThat(jar).exists();
  }

  /** Every process a test started is killed by its PID. */
  @AfterEach
  void stopAll() {
    running.forEach(Started::close);
  }

  /** Keygen and certificate (certified name {@code name}) for {@code name}; its address. */
  protected String newNode(String name) {
    String address = staex("keygen", "--out", name + ".key").assertSuccess().stdout().strip();
    staex("cert", "issue", "--network-key", "network.key", "--node-key", name + ".key",
        "--name", name, "--out", name + ".crt").assertSuccess();
    return address;
  }

  /** Writes {@code name.conf}: key, cert, quick keepalives, then {@code body}. */
  protected void config(String name, String body) throws Exception {
    Files.writeString(dir.resolve(name + ".conf"), "staex {\n  key = " + name + ".key\n  cert = "
        + name + ".crt\n  routing { keepalive-interval = 500ms, missed-keepalives = 2 }\n  "
        + body + "\n}\n");
  }

  /** Starts {@code staex run -c name.conf}. */
  protected Started run(String name) {
    return start(command("run", "-c", name + ".conf"));
  }

  /** Starts {@code command} in {@link #dir}; it is killed after the test. */
  protected Started start(List<String> command) {
    Started s = ExternalTool.start(dir, command);
    running.add(s);
    return s;
  }

  /** Polls {@code staex status --json} of {@code name} until {@code done} holds; returns it. */
  protected String awaitStatus(String name, Predicate<String> done) {
    return awaitStatus(name, CONVERGE, done);
  }

  /** As {@link #awaitStatus(String, Predicate)}, waiting up to {@code timeout}. */
  protected String awaitStatus(String name, Duration timeout, Predicate<String> done) {
    AtomicReference<String> status = new AtomicReference<>();
    // On timeout the failure shows the last `staex status` run: its exit code and output.
    Awaitility.await(name + "'s status").atMost(timeout).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> {
          Result r = staex("status", "-c", name + ".conf", "--json");
          assertThat(r.exitCode() == 0 && done.test(r.stdout())).as(r::describe).isTrue();
          status.set(r.stdout());
        });
    return status.get();
  }

  /**
   * The victims of the attack tests, running: {@code user → root ← gateway}, the gateway
   * exposing port 8080 as {@code 127.0.0.1:servicePort}, the user forwarding {@link
   * Victims#forwardPort} to it, all linked ({@code viewSize} 3 at the root). Also a member
   * certificate for {@code mallory} (its files {@code mallory.key}, {@code mallory.crt}) for a
   * {@code HostileMember}. {@code rootExtra} is added to the root's config.
   */
  protected Victims victims(int servicePort, String rootExtra) throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String root = newNode("root");
    String gateway = newNode("gateway");
    String user = newNode("user");
    String mallory = newNode("mallory");
    int rootPort = freePort();
    int forwardPort = freePort();
    String rootParent = "{ address = \"127.0.0.1:" + rootPort + "\", key = \"" + root + "\" }";
    // links survive 5 s without a keepalive: an attack test floods a node on a machine that
    // may be loaded, and a link lost to a late keepalive is not what it tests
    String patient = "\n  routing { keepalive-interval = 1s, missed-keepalives = 5 }";
    config("root", "listen = \"127.0.0.1:" + rootPort + "\"\n  " + rootExtra + patient);
    config("gateway", "parents = [ " + rootParent + " ]\n  services = [ { port = 8080, "
        + "target = \"127.0.0.1:" + servicePort + "\" } ]" + patient);
    config("user", "parents = [ " + rootParent + " ]\n  forwards = [ { listen = \"127.0.0.1:"
        + forwardPort + "\", to = \"" + gateway + ".staex:8080\" } ]" + patient);
    // A fixed heap, touched at start: a table that grew without bound would end in an
    // OutOfMemoryError, and what RSS still gains is memory outside the heap (direct buffers)
    List<String> jvm = List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch");
    Started rootNode = start(command(jar, jvm, "run", "-c", "root.conf"));
    Started gatewayNode = start(command(jar, jvm, "run", "-c", "gateway.conf"));
    Started userNode = start(command(jar, jvm, "run", "-c", "user.conf"));
    Path jarNow = jar;
    Path dirNow = dir;
    java.util.function.Function<String, String> statusOf = name -> ExternalTool.run(dirNow,
        Duration.ofSeconds(60), null, command(jarNow, List.of(), "status", "-c", name + ".conf", "--json"))
        .stdout();
    try {
      // three JVMs starting at once on a loaded machine: more than CONVERGE may pass
      awaitStatus("root", STARTUP, s -> s.contains("\"viewSize\":3"));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the victims did not link up; root " + rootNode.describe()
          + "\ngateway " + gatewayNode.describe() + "\nuser " + userNode.describe(), e);
    }
    return new Victims(Address.parse(root), Address.parse(gateway), Address.parse(user),
        Address.parse(mallory), rootPort, forwardPort, rootNode, gatewayNode, userNode,
        statusOf);
  }

  /**
   * A network ({@code network.key}) and the chain {@code leaf → relay → root}, keys,
   * certificates and configs written (nothing started: {@link #run} each node).
   */
  protected Chain chain() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String root = newNode("root");
    String relay = newNode("relay");
    String leaf = newNode("leaf");
    int rootPort = freePort();
    int relayPort = freePort();
    config("root", "listen = \"127.0.0.1:" + rootPort + "\"");
    config("relay", "listen = \"127.0.0.1:" + relayPort + "\"\n"
        + "  parents = [ { address = \"127.0.0.1:" + rootPort + "\", key = \"" + root + "\" } ]");
    config("leaf",
        "parents = [ { address = \"127.0.0.1:" + relayPort + "\", key = \"" + relay + "\" } ]");
    return new Chain(root, relay, leaf, rootPort, relayPort);
  }

  /** What {@link #chain} wrote: the nodes' addresses and the ports root and relay listen on. */
  protected record Chain(String root, String relay, String leaf, int rootPort, int relayPort) {}

  /** What {@link #victims} started. */
  protected record Victims(Address root, Address gateway, Address user, Address mallory,
      int rootPort, int forwardPort, Started rootNode, Started gatewayNode, Started userNode,
      java.util.function.Function<String, String> statusOf) {
    /** The three victims' {@code status --json} now, for failure messages. */
    public String statuses() {
      return "root " + statusOf.apply("root") + "\ngateway " + statusOf.apply("gateway")
          + "\nuser " + statusOf.apply("user") + "\n";
    }

    /** The last lines each victim logged, for failure messages. */
    public String logs() {
      return "--- root\n" + tail(rootNode) + "--- gateway\n" + tail(gatewayNode) + "--- user\n"
          + tail(userNode);
    }

    private static String tail(Started node) {
      List<String> lines = node.stderrText().lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))
          + "\n";
    }

    /** The root's link endpoint. */
    public InetSocketAddress rootEndpoint() {
      return new InetSocketAddress("127.0.0.1", rootPort);
    }
  }

  /** The {@code staex status --json} of {@code name}, now. */
  protected String status(String name) {
    return staex("status", "-c", name + ".conf", "--json").assertSuccess().stdout();
  }

  /** The number in {@code "key":N} of a {@code status --json}, the first such key. */
  protected static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(\\d+)").matcher(json);
    assertThat(m.find()).as("\"" + key + "\" in " + json).isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * The entries of a top-level array of a {@code status --json} ({@code "sessions"}, {@code
   * "streams"}...) whose {@code peer} is {@code peer}.
   */
  protected static int countWithPeer(String json, String array, Address peer) {
    int start = json.indexOf("\"" + array + "\":[");
    assertThat(start).as(array + " in " + json).isNotNegative();
    int end = json.indexOf(']', start);
    String part = json.substring(start, end);
    return part.split(Pattern.quote("\"peer\":\"" + peer + "\""), -1).length - 1;
  }

  /**
   * The {@code tables} of a {@code status --json}: each table's entries, which the test asserts
   * are within its limit, and which it returns by name.
   */
  protected static java.util.Map<String, Long> tablesWithinLimits(String json) {
    int start = json.indexOf("\"tables\":{");
    assertThat(start).as("tables in " + json).isNotNegative();
    Matcher m = Pattern.compile("\"(\\w+)\":\\{\"size\":(\\d+),\"limit\":(\\d+)}")
        .matcher(json.substring(start, json.indexOf("}}", start) + 2));
    java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
    while (m.find()) {
      long size = Long.parseLong(m.group(2));
      assertThat(size).as("table %s", m.group(1)).isLessThanOrEqualTo(Long.parseLong(m.group(3)));
      sizes.put(m.group(1), size);
    }
    assertThat(sizes).as("tables in " + json).containsKeys("links", "routes", "sessions",
        "streams", "lookups", "revocations");
    return sizes;
  }

  /** The number of entries of a top-level array of objects of a {@code status --json}. */
  protected static int countEntries(String json, String array) {
    int start = json.indexOf("\"" + array + "\":[");
    assertThat(start).as(array + " in " + json).isNotNegative();
    int end = json.indexOf(']', start);
    return json.substring(start, end).split("\\{", -1).length - 1;
  }

  protected static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The command line of {@code staex ARGS} with the built jar. */
  protected List<String> command(String... args) {
    return command(jar, List.of(), args);
  }

  /** The command line of {@code staex ARGS} with the built jar and {@code jvmOptions}. */
  protected static List<String> command(Path jar, List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs {@code staex ARGS} to its end (60 s at most). */
  protected Result staex(String... args) {
    return ExternalTool.run(dir, Duration.ofSeconds(60), null, command(args));
  }
}
