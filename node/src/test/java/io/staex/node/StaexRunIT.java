package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import io.staex.testing.ExternalTool;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code staex run} and {@code staex status} through the real jar, as a user runs them: a
 * network of three processes (root ← relay ← leaf) made with the CLI, watched through the
 * control sockets, a relay killed, then everything stopped with SIGTERM.
 */
class StaexRunIT extends ProcessTestBase {
  private static final Logger log = LoggerFactory.getLogger(StaexRunIT.class);

  @Test
  void threeNodes_statusShowsTheTree_relayKilled_allStopCleanly() throws Exception {
    long t0 = System.nanoTime();
    Chain chain = chain();
    String root = chain.root();
    String relay = chain.relay();
    String leaf = chain.leaf();
    int rootPort = chain.rootPort();

    Started rootNode = run("root");
    Started relayNode = run("relay");
    Started leafNode = run("leaf");

    String rootStatus = awaitStatus("root", s -> s.contains("\"viewSize\":3"));
    assertThat(rootStatus).contains("\"address\":\"" + root + "\"").contains(relay).contains(leaf)
        .contains("\"activeParent\":null");
    String leafStatus = awaitStatus("leaf", s -> s.contains("\"activeParent\":\"" + relay + "\""));
    assertThat(leafStatus).contains("\"direction\":\"parent\",\"state\":\"up\"");
    assertThat(staex("status", "-c", "relay.conf").assertSuccess().stdout())
        .contains("parent    " + root).contains("links     2");
    assertThat(staex("status", "-c", "root.conf", "--metrics").assertSuccess().stdout())
        .contains("staex_routes_known 3").contains("staex_links{direction=\"child\"} 1");
    log.info("three nodes converged after {} ms", (System.nanoTime() - t0) / 1_000_000);

    relayNode.kill();
    leafStatus = awaitStatus("leaf", s -> s.contains("\"activeParent\":null"));
    assertThat(leafStatus).contains("\"direction\":\"parent\",\"state\":\"down\"");
    Result dead = staex("status", "-c", "relay.conf");
    assertThat(dead.exitCode()).as(dead.describe()).isEqualTo(6);
    assertThat(dead.stderr().strip()).isEqualTo("staex status: no node is running at "
        + dir.resolve("relay.sock") + " (is `staex run` started?)");

    assertThat(rootNode.terminate(Duration.ofSeconds(10))).as(rootNode.describe()).isZero();
    assertThat(leafNode.terminate(Duration.ofSeconds(10))).as(leafNode.describe()).isZero();
    assertThat(dir.resolve("root.sock")).doesNotExist();
    assertThat(dir.resolve("leaf.sock")).doesNotExist();
    assertThat(rootNode.stdoutText()).isEqualTo("node " + root + " running\n");
    assertThat(rootNode.stderrText()).contains("node " + root + " running: listen 127.0.0.1:"
        + rootPort + ", parents none (root)").doesNotContain("ERROR").doesNotContain("LEAK");

    // A restart over the killed relay's stale socket works.
    Started again = run("relay");
    awaitStatus("relay", s -> s.contains("\"address\":\"" + relay + "\""));
    assertThat(again.terminate(Duration.ofSeconds(10))).as(again.describe()).isZero();
    log.info("whole scenario {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * The real-process scenario: root, relay, a gateway exposing an HTTP server, and a
   * user with parents [relay, root] and a forward to the gateway's service. curl through the
   * forward gets the file byte for byte; the relay (the user's active parent) is killed and the
   * next request goes through the root.
   */
  @Test
  void curlThroughAForward_byteExact_thenFailoverToTheSecondParent() throws Exception {
    String curl = ExternalTool.require("curl").toString();
    byte[] file = new byte[5 * 1024 * 1024 + 3];
    new java.util.Random(7).nextBytes(file);
    com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/file", ex -> {
      ex.sendResponseHeaders(200, file.length);
      try (var out = ex.getResponseBody()) {
        out.write(file);
      }
    });
    http.start();
    try {
      staex("network", "create", "--out", "network.key").assertSuccess();
      String root = newNode("root");
      String relay = newNode("relay");
      String gateway = newNode("gateway");
      newNode("user");
      int rootPort = freePort();
      int relayPort = freePort();
      int forwardPort = freePort();
      int socksPort = freePort();
      int dnsPort = freePort();
      String rootParent = "{ address = \"127.0.0.1:" + rootPort + "\", key = \"" + root + "\" }";
      config("root", "listen = \"127.0.0.1:" + rootPort + "\"");
      config("relay", "listen = \"127.0.0.1:" + relayPort + "\"\n  parents = [ " + rootParent
          + " ]");
      config("gateway", "parents = [ " + rootParent + " ]\n  services = [ { port = 8080, "
          + "target = \"127.0.0.1:" + http.getAddress().getPort() + "\" } ]");
      config("user", "parents = [ { address = \"127.0.0.1:" + relayPort + "\", key = \""
          + relay + "\" }, " + rootParent + " ]\n  forwards = [ { listen = \"127.0.0.1:"
          + forwardPort + "\", to = \"" + gateway + ".staex:8080\" } ]\n"
          + "  forwards-dir = \"user.d\"\n"
          + "  socks.listen = \"127.0.0.1:" + socksPort + "\"\n"
          + "  dns.listen = \"127.0.0.1:" + dnsPort + "\"");
      Files.createDirectories(dir.resolve("user.d"));
      run("root");
      Started relayNode = run("relay");
      run("gateway");
      run("user");
      awaitStatus("root", s -> s.contains("\"viewSize\":4"));
      awaitStatus("user", s -> s.contains("\"activeParent\":\"" + relay + "\""));

      Path out = dir.resolve("got");
      String url = "http://127.0.0.1:" + forwardPort + "/file";
      Result r = ExternalTool.run(dir, Duration.ofSeconds(60), null,
          List.of(curl, "-sS", "--fail", "--max-time", "30", "-o", out.toString(), url));
      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(Files.readAllBytes(out)).isEqualTo(file);
      assertThat(staex("status", "-c", "user.conf").assertSuccess().stdout())
          .contains(gateway.substring(0, 8));

      // a connection held open (a request not finished yet) is a stream both nodes show with
      // its side, state, age and how long its peer has been quiet on it (issue 14)
      try (java.net.Socket held = new java.net.Socket(InetAddress.getLoopbackAddress(),
          forwardPort)) {
        held.getOutputStream().write("GET /file HTTP/1.1\r\n".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII));
        String open = "\"port\":8080,\"direction\":\"%s\",\"state\":\"open\"";
        String atUser = awaitStatus("user", s -> s.contains(String.format(open, "out")));
        assertThat(atUser).containsPattern("\"ageMs\":\\d+,\"quietMs\":\\d+");
        awaitStatus("gateway", s -> s.contains(String.format(open, "in")));
        assertThat(staex("status", "-c", "user.conf").assertSuccess().stdout())
            .contains("QUIET").containsPattern("opened +open ");
      }
      awaitStatus("user", s -> s.contains("\"streams\":[]"));

      // the other two doors: SOCKS5 by certified name and by address, and DNS then SOCKS by IP
      String socks = "127.0.0.1:" + socksPort;
      curlOk(List.of(curl, "-sS", "--fail", "--max-time", "30", "--socks5-hostname", socks,
          "-o", out.toString(), "http://gateway.staex:8080/file"), out, file);
      curlOk(List.of(curl, "-sS", "--fail", "--max-time", "30", "-x", "socks5h://" + socks,
          "-o", out.toString(), "http://" + gateway + ".staex:8080/file"), out, file);
      String dig = ExternalTool.require("dig", "dnsutils").toString();
      Result a = ExternalTool.run(dir, Duration.ofSeconds(30), null, List.of(dig,
          "@127.0.0.1", "-p", Integer.toString(dnsPort), "gateway.staex", "A", "+short"));
      String ip = a.assertSuccess().stdout().strip();
      assertThat(ip).as(a.describe()).startsWith("127.77.");
      Result byAddress = ExternalTool.run(dir, Duration.ofSeconds(30), null, List.of(dig,
          "@127.0.0.1", "-p", Integer.toString(dnsPort), gateway + ".staex", "A", "+short"));
      assertThat(byAddress.assertSuccess().stdout().strip()).isEqualTo(ip);
      curlOk(List.of(curl, "-sS", "--fail", "--max-time", "30", "--socks5", socks,
          "-o", out.toString(), "http://" + ip + ":8080/file"), out, file);

      relayNode.kill();
      long t0 = System.nanoTime();
      Files.deleteIfExists(out);
      curlUntilOk(curl, url, out);
      assertThat(Files.readAllBytes(out)).isEqualTo(file);
      log.info("a request through the second parent {} ms after the first was killed",
          (System.nanoTime() - t0) / 1_000_000);
      assertThat(awaitStatus("user", s -> s.contains("\"activeParent\":\"" + root + "\"")))
          .isNotEmpty();

      // a forward added as a file applies while the node runs, and goes with the file; this
      // one names the gateway by its certified name, looked up through the tree
      int extraPort = freePort();
      Files.writeString(dir.resolve("user.d/extra.conf"), "forwards = [ { listen = \"127.0.0.1:"
          + extraPort + "\", to = \"gateway.staex:8080\" } ]\n");
      String extraUrl = "http://127.0.0.1:" + extraPort + "/file";
      curlUntilOk(curl, extraUrl, out);
      assertThat(Files.readAllBytes(out)).isEqualTo(file);
      Files.delete(dir.resolve("user.d/extra.conf"));
      awaitStatus("user", s -> !s.contains("127.0.0.1:" + extraPort));
      Result gone = ExternalTool.run(dir, Duration.ofSeconds(60), null,
          List.of(curl, "-sS", "--max-time", "10", extraUrl));
      assertThat(gone.exitCode()).as(gone.describe()).isEqualTo(7); // couldn't connect
    } finally {
      http.stop(0);
    }
  }

  /** Runs {@code curl} once: it must succeed and leave {@code expected} in {@code out}. */
  private void curlOk(List<String> curl, Path out, byte[] expected) throws Exception {
    Files.deleteIfExists(out);
    Result r = ExternalTool.run(dir, Duration.ofSeconds(60), null, curl);
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
  }

  /**
   * Runs curl for {@code url} into {@code out} until it succeeds, starting attempts for
   * {@link #CONVERGE}; the last one may take its 10 s.
   */
  private void curlUntilOk(String curl, String url, Path out) {
    Awaitility.await("curl " + url).atMost(CONVERGE.plusSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> {
          Result r = ExternalTool.run(dir, Duration.ofSeconds(60), null,
              List.of(curl, "-sS", "--fail", "--max-time", "10", "-o", out.toString(), url));
          assertThat(r.exitCode()).as(r::describe).isZero();
        });
  }

  @Test
  void badConfig_everyProblemAndExitCode5_nothingStarted() throws Exception {
    Files.writeString(dir.resolve("node.conf"),
        "staex {\n  lisen = \"127.0.0.1:7400\"\n  parents = [ { address = \"x\" } ]\n}\n");

    Result r = staex("run", "-c", "node.conf");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(5);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).contains("node.conf:2: staex.lisen").contains("did you mean")
        .contains("node.conf:3: staex.parents[0]");
    assertThat(dir.resolve("node.sock")).doesNotExist();
  }

  @Test
  void status_noNode_exitCode6() {
    Result r = staex("status", "--socket", "nothing.sock");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(6);
    assertThat(r.stderr()).contains("no node is running at nothing.sock");
  }
}
