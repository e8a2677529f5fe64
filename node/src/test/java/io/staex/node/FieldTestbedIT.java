package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's field testbed, small: {@code testbed/up.sh 6} builds six real {@code staex run}
 * nodes, each in its own network namespace, joined by veth pairs (root, standby root, two
 * relays, a gateway with an echo and an HTTP server, a user with forwards and SOCKS); then
 * {@code testbed/run.sh blackhole-parent} drops every packet on relay 3's link to its parent
 * (iptables DROP, no reset) while a stream runs through it, and {@code testbed/down.sh}
 * removes everything, also when an assertion failed.
 *
 * <p>The nodes run with a 1 s keepalive (a dead link is noticed in 3 s) and the default
 * withdraw-grace (30 s), which no longer delays recovery: a lost child's subtree is withdrawn
 * upwards at once. It asserts every user reaches every gateway after start, new streams work
 * again within issue 14's 3 keepalive periods + 1 s (plus slack for a busy machine), and no
 * stream ever delivers a wrong byte. Issue 14's other targets (no byte lost, no stream reset)
 * are figures in the scenario's result, not assertions (streams surviving path changes is
 * another part of the issue).
 */
class FieldTestbedIT {
  /**
   * Issue 14's target, 3 missed 1 s keepalives + 1 s, and 4 s of slack for a busy CI machine
   * (the scenario probes each pair with a new stream every 0.5 s, each with a 3 s timeout). Before
   * issue 14's fix the bound had to hold detection + withdraw-grace + the redial backoff
   * (3 + 2 + 30 + 5 s with the grace cut to 2 s; with the default 30 s grace it took 46.8 s at
   * 8 nodes).
   */
  private static final double RECOVER_BOUND_S = 3 + 1 + 4;

  @TempDir Path dir;
  private Path testbed;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void setUp() {
    ExternalTool.requireRoot("the testbed (network namespaces, veth, iptables)");
    ExternalTool.require("ip", "iproute2");
    ExternalTool.require("tc", "iproute2");
    ExternalTool.require("iptables");
    ExternalTool.require("python3");
    ExternalTool.require("curl");
    testbed = Path.of(System.getProperty("staex.examples", "../examples")).toAbsolutePath()
        .normalize().resolveSibling("testbed");
    env.put("TESTBED_DIR", dir.resolve("state").toString());
    env.put("TESTBED_RESULTS", dir.resolve("results").toString());
    // its own namespace names: a testbed a developer has up (stb0...) is left alone
    env.put("TESTBED_PREFIX", "stbit" + ProcessHandle.current().pid() % 100_000 + "-");
    env.put("TESTBED_NODE_CONF", "routing { keepalive-interval = 1s }");
  }

  @AfterEach
  void down() {
    if (testbed != null) {
      script(Duration.ofMinutes(1), "down.sh").assertSuccess();
    }
  }

  @Test
  void sixNodes_converge_andRecoverFromABlackholedParent() throws IOException {
    ExternalTool.Result up = script(Duration.ofSeconds(150), "up.sh", "6").assertSuccess();
    Map<String, String> upFigures = figures(up, "testbed up");
    assertThat(upFigures.get("converge_s")).as(up::describe).isNotEqualTo("none");

    ExternalTool.Result run = script(Duration.ofMinutes(2), "run.sh", "blackhole-parent",
        "--timeout", "60").assertSuccess();
    Map<String, String> f = figures(run, "testbed blackhole-parent");
    assertThat(f.get("streams")).as(run::describe).isEqualTo("1");
    assertThat(Double.parseDouble(f.get("recover_s"))).as(run::describe)
        .isLessThanOrEqualTo(RECOVER_BOUND_S);
    assertThat(f.get("corrupt_streams")).as(run::describe).isEqualTo("0");
    assertThat(Long.parseLong(f.get("sent_bytes"))).as(run::describe).isPositive();
    assertThat(dir.resolve("results").resolve("blackhole-parent.txt")).content()
        .contains("commit: ", "machine: nproc=", "testbed blackhole-parent ");
  }

  private ExternalTool.Result script(Duration timeout, String name, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("env");
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.add(testbed.resolve(name).toString());
    cmd.addAll(List.of(args));
    return ExternalTool.run(dir, timeout, null, cmd);
  }

  /** key=value pairs of the output line that starts with {@code prefix}. */
  private static Map<String, String> figures(ExternalTool.Result r, String prefix) {
    String line = r.stdout().lines().filter(l -> l.startsWith(prefix + " ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no line '" + prefix + " ...'\n" + r.describe()));
    Map<String, String> out = new HashMap<>();
    for (String word : line.split(" ", -1)) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        out.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return out;
  }
}
