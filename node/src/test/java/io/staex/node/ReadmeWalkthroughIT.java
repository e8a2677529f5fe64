package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool;
import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's three-host walk-through, run as written: every fenced block after a {@code
 * <!-- walkthrough:HOST[:start|:check] -->} marker runs with {@code sh -e} in HOST's own folder
 * inside HOST's own network namespace ({@code root} 203.0.113.10, {@code gateway} .20 with the
 * camera at 192.168.1.64:80 on its LAN, {@code laptop} .30, all on one bridge), in README order;
 * {@code :start} blocks are long-running ({@code staex run}), {@code :check} blocks are retried
 * until they succeed (the network converging) and must show the camera's page; {@code <!--
 * walkthrough:copy HOST:FILE TO -->} copies a file as the reader would (scp). {@code ROOT},
 * {@code GATEWAY} and {@code LAPTOP} are the addresses the keygens printed, as the README says.
 * A README whose commands stop working fails this test. Namespaces (prefix {@code stxrd<pid>})
 * and processes are removed by PID afterwards, also when an assertion failed.
 */
class ReadmeWalkthroughIT {
  private static final Pattern MARKER = Pattern.compile(
      "<!-- walkthrough:(?:(copy) (\\w+):(\\S+) (\\w+)|(\\w+)(?::(start|check))?) -->");
  private static final String CAMERA_PAGE = "camera1 live view (walkthrough)";
  private static final Map<String, String> ADDRESSES = Map.of(
      "root", "203.0.113.10", "gateway", "203.0.113.20", "laptop", "203.0.113.30");

  @TempDir Path dir;
  private final String prefix = "stxrd" + ProcessHandle.current().pid() % 100_000;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Started> running = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private Path bin;

  /** One step of the walk-through, in README order. */
  private record Step(String kind, String host, String text, String file, String to) {}

  @Test
  void readmeWalkthrough_threeHosts_asWritten() throws Exception {
    ExternalTool.requireRoot("the README walk-through (three network namespaces)");
    ExternalTool.require("ip", "iproute2");
    ExternalTool.require("curl");
    ExternalTool.require("dig", "dnsutils");
    ExternalTool.require("python3");
    Path readme = Path.of(System.getProperty("staex.examples", "../examples")).toAbsolutePath()
        .normalize().resolveSibling("README.md");
    List<Step> steps = steps(Files.readString(readme));
    assertThat(steps.stream().filter(s -> s.kind().equals("check"))).as("README check blocks")
        .isNotEmpty();
    network();
    staexOnPath();
    for (String host : ADDRESSES.keySet()) {
      Files.createDirectories(dir.resolve(host));
    }
    camera();
    for (Step s : steps) {
      switch (s.kind()) {
        case "copy" -> Files.copy(dir.resolve(s.host()).resolve(s.file()),
            dir.resolve(s.to()).resolve(s.file()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        case "start" -> running.add(ExternalTool.start(dir.resolve(s.host()),
            inHost(s.host(), "exec " + s.text().strip())));
        case "check" -> check(s);
        default -> {
          Result r = ExternalTool.run(dir.resolve(s.host()), Duration.ofSeconds(120), null,
              inHost(s.host(), s.text()));
          assertThat(r.exitCode()).as("README block on %s:\n%s\n%s", s.host(), s.text(),
              r.describe()).isZero();
          learnAddresses();
        }
      }
    }
  }

  /** A check block, retried until it succeeds and shows the camera's page (2 minutes). */
  private void check(Step s) {
    List<Result> last = new ArrayList<>(List.of());
    try {
      Awaitility.await("README check on " + s.host()).atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1)).until(() -> {
            Result r = ExternalTool.run(dir.resolve(s.host()), Duration.ofSeconds(60), null,
                inHost(s.host(), s.text()));
            last.clear();
            last.add(r);
            return r.exitCode() == 0 && r.stdout().contains(CAMERA_PAGE);
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("README check block on " + s.host() + " never passed:\n"
          + s.text() + "\n" + (last.isEmpty() ? "" : last.get(0).describe()) + logs(), e);
    }
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    for (Started p : running) {
      out.append("\n--- ").append(p.command()).append('\n').append(p.stderrText());
    }
    return out.toString();
  }

  /** ROOT, GATEWAY, LAPTOP once their keys exist: what each keygen printed. */
  private void learnAddresses() {
    for (String host : ADDRESSES.keySet()) {
      Path key = dir.resolve(host).resolve(host + ".key");
      String var = host.toUpperCase(java.util.Locale.ROOT);
      if (Files.exists(key) && !env.containsKey(var)) {
        Result r = ExternalTool.run(dir.resolve(host), Duration.ofSeconds(60), null,
            List.of(bin.resolve("staex").toString(), "addr", key.toString())).assertSuccess();
        env.put(var, r.stdout().strip());
      }
    }
  }

  /** The README's marked steps, in order. */
  static List<Step> steps(String readme) {
    List<Step> out = new ArrayList<>();
    Matcher m = MARKER.matcher(readme);
    while (m.find()) {
      if (m.group(1) != null) {
        out.add(new Step("copy", m.group(2), "", m.group(3), m.group(4)));
        continue;
      }
      int open = readme.indexOf("```", m.end());
      int body = readme.indexOf('\n', open) + 1;
      int close = readme.indexOf("\n```", body);
      assertThat(open).as("a fenced block after " + m.group()).isPositive();
      assertThat(readme.substring(m.end(), open).strip()).as("only space between "
          + m.group() + " and its block").isEmpty();
      out.add(new Step(m.group(6) == null ? "run" : m.group(6), m.group(5),
          readme.substring(body, close + 1), null, null));
    }
    return out;
  }

  /** The command that runs {@code script} with sh -e in {@code host}'s namespace. */
  private List<String> inHost(String host, String script) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", prefix + host, "env",
        "PATH=" + bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME=" + dir.resolve(host)));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of("sh", "-ec", script));
    return cmd;
  }

  /** A {@code staex} command on the PATH: the built jar, as the tarball's launcher runs it. */
  private void staexOnPath() throws IOException {
    Path jar = Path.of(System.getProperty("staex.jar", "target/staex.jar")).toAbsolutePath();
    assertThat(jar).exists();
    bin = Files.createDirectories(dir.resolve("bin"));
    Path staex = bin.resolve("staex");
    Files.writeString(staex, "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"),
        "bin", "java") + " -XX:TieredStopAtLevel=1 -jar " + jar + " \"$@\"\n");
    Files.setPosixFilePermissions(staex, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Three namespaces on one bridge (in root's), the camera's LAN address on the gateway. */
  private void network() {
    String br = prefix + "br";
    for (String host : ADDRESSES.keySet()) {
      ip("netns", "add", prefix + host);
      namespaces.add(prefix + host);
      ip("-n", prefix + host, "link", "set", "lo", "up");
    }
    ip("-n", prefix + "root", "link", "add", br, "type", "bridge");
    ip("-n", prefix + "root", "link", "set", br, "up");
    ip("-n", prefix + "root", "addr", "add", ADDRESSES.get("root") + "/24", "dev", br);
    for (String host : List.of("gateway", "laptop")) {
      String veth = prefix + host.charAt(0);
      ip("link", "add", veth, "netns", prefix + host, "type", "veth", "peer", "name",
          veth + "p", "netns", prefix + "root");
      ip("-n", prefix + "root", "link", "set", veth + "p", "master", br, "up");
      ip("-n", prefix + host, "addr", "add", ADDRESSES.get(host) + "/24", "dev", veth);
      ip("-n", prefix + host, "link", "set", veth, "up");
    }
    // the camera's LAN address, local to the gateway's namespace (no dummy module needed)
    ip("-n", prefix + "gateway", "addr", "add", "192.168.1.64/32", "dev", "lo");
  }

  /** The camera's web page: a file served on 192.168.1.64:80 in the gateway's namespace. */
  private void camera() throws IOException {
    Path www = Files.createDirectories(dir.resolve("camera"));
    Files.writeString(www.resolve("index.html"), "<h1>" + CAMERA_PAGE + "</h1>\n");
    Started cam = ExternalTool.start(www, List.of("ip", "netns", "exec", prefix + "gateway",
        "python3", "-m", "http.server", "--bind", "192.168.1.64", "80"));
    running.add(cam);
    Awaitility.await("the camera's web server").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300)).until(() -> ExternalTool.run(www,
            Duration.ofSeconds(10), null, List.of("ip", "netns", "exec", prefix + "gateway",
                "curl", "-sf", "http://192.168.1.64/")).exitCode() == 0);
  }

  private void ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    ExternalTool.run(dir, Duration.ofSeconds(30), null, cmd).assertSuccess();
  }

  @AfterEach
  void down() {
    running.forEach(Started::close);
    for (String ns : namespaces) {
      ExternalTool.run(dir, Duration.ofSeconds(30), null, List.of("ip", "netns", "del", ns));
    }
  }
}
