package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import io.staex.testing.ExternalTool;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
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
    AtomicReference<String> status = new AtomicReference<>();
    // On timeout the failure shows the last `staex status` run: its exit code and output.
    Awaitility.await(name + "'s status").atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> {
          Result r = staex("status", "-c", name + ".conf", "--json");
          assertThat(r.exitCode() == 0 && done.test(r.stdout())).as(r::describe).isTrue();
          status.set(r.stdout());
        });
    return status.get();
  }

  protected static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The command line of {@code staex ARGS} with the built jar. */
  protected List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
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
