package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.node.hostile.EchoServer;
import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code staex reload} and SIGHUP on real processes: a gateway (root) exposing services and a
 * user (its child) forwarding to them, both reloaded while streams run.
 */
class StaexReloadIT extends ProcessTestBase {
  private static final int TIMEOUT_MILLIS = 20_000;

  private int gatewayPort;

  private void gatewayConfig(String services) throws Exception {
    config("gateway", "listen = \"127.0.0.1:" + gatewayPort + "\"\n  services = [ " + services
        + " ]");
  }

  @Test
  void reload_appliesForwardsAndServices_resetsWhatIsNoLongerAllowed_refusesABrokenFile()
      throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String gateway = newNode("gateway");
    newNode("user");
    gatewayPort = freePort();
    int forwardA = freePort();
    int forwardB = freePort();
    int forwardC = freePort();
    try (EchoServer echoA = new EchoServer(); EchoServer echoB = new EchoServer();
        EchoServer echoC = new EchoServer()) {
      String serviceA = "{ port = 8080, target = \"127.0.0.1:" + echoA.port() + "\" }";
      String serviceB = "{ port = 8081, target = \"127.0.0.1:" + echoB.port() + "\" }";
      String serviceC = "{ port = 8082, target = \"127.0.0.1:" + echoC.port() + "\" }";
      gatewayConfig(serviceA + ", " + serviceC);
      String parent = "parents = [ { address = \"127.0.0.1:" + gatewayPort + "\", key = \""
          + gateway + "\" } ]";
      String fwdA = forward(forwardA, gateway, 8080);
      String fwdB = forward(forwardB, gateway, 8081);
      String fwdC = forward(forwardC, gateway, 8082);
      config("user", parent + "\n  forwards = [ " + fwdA + ", " + fwdC + " ]");
      // SIGHUP at its default disposition whatever ran the build (nohup sets it to ignored, and
      // an ignored signal cannot be caught: the node then warns and only `staex reload` works)
      List<String> gwCommand = new ArrayList<>(List.of("env", "--default-signal=HUP"));
      gwCommand.addAll(command("run", "-c", "gateway.conf"));
      Started gw = start(gwCommand);
      Started user = run("user");
      awaitStatus("user", STARTUP, s -> s.contains("\"state\":\"up\""));

      try (Socket a = new Socket(InetAddress.getLoopbackAddress(), forwardA);
          Socket c = new Socket(InetAddress.getLoopbackAddress(), forwardC)) {
        assertThat(echo(a, "a1")).isEqualTo("a1");
        assertThat(echo(c, "c1")).isEqualTo("c1");

        // The gateway drops service 8080 and adds 8081: a's stream ends, c's goes on.
        gatewayConfig(serviceB + ", " + serviceC);
        Result r = staex("reload", "-c", "gateway.conf");
        r.assertSuccess();
        assertThat(r.stdout()).contains("services: +1 -1 ~0").contains("streams reset: 1")
            .contains("needs restart: nothing");
        assertThat(endOfStream(a)).as("the removed service's stream ends").isTrue();
        assertThat(echo(c, "c2")).isEqualTo("c2");
        Awaitility.await("the user's log names the reset reason")
            .atMost(Duration.ofSeconds(10)).until(() -> user.stderrText().contains("NO_SERVICE"));
        assertThat(gw.stderrText()).contains("the reloaded configuration no longer allows it");

        // The user adds a forward to the new service; its running forward is untouched.
        config("user", parent + "\n  forwards = [ " + fwdA + ", " + fwdB + ", " + fwdC + " ]");
        r = staex("reload", "-c", "user.conf");
        r.assertSuccess();
        assertThat(r.stdout()).contains("forwards: +1 -0 ~0");
        try (Socket b = new Socket(InetAddress.getLoopbackAddress(), forwardB)) {
          assertThat(echo(b, "b1")).isEqualTo("b1");
        }
        assertThat(echo(c, "c3")).isEqualTo("c3");

        // A broken file changes nothing: exit 5, the problem named by file:line.
        String good = Files.readString(dir.resolve("gateway.conf"));
        Files.writeString(dir.resolve("gateway.conf"), good.replace("port = 8081",
            "port = 99999"));
        String socket = dir.resolve("gateway.sock").toString();
        r = staex("reload", "--control", socket);
        assertThat(r.exitCode()).as(r::describe).isEqualTo(5);
        assertThat(r.stderr()).contains("reload refused, nothing changed")
            .containsPattern("gateway\\.conf:\\d+: ");
        assertThat(echo(c, "c4")).isEqualTo("c4");
        assertThat(gw.stderrText()).contains("WARN").contains("refused, nothing changed");

        // SIGHUP does what staex reload does: the file fixed, with 8080 back.
        gatewayConfig(serviceA + ", " + serviceB + ", " + serviceC);
        hangUp(gw);
        String status = awaitStatus("gateway", s -> s.contains("\"applied\":2"));
        assertThat(status).contains("\"refused\":1").contains("\"port\":8080");
        assertThat(gw.process().isAlive()).as("SIGHUP no longer stops the node").isTrue();
        try (Socket a2 = new Socket(InetAddress.getLoopbackAddress(), forwardA)) {
          assertThat(echo(a2, "a2")).isEqualTo("a2");
        }
        assertThat(echo(c, "c5")).isEqualTo("c5");
        assertThat(staex("status", "--metrics", "-c", "gateway.conf").stdout())
            .contains("staex_reloads_total{result=\"applied\"} 2")
            .contains("staex_reloads_total{result=\"refused\"} 1");
        assertThat(staex("status", "-c", "gateway.conf").stdout()).contains("reload")
            .contains("applied: services: +1 -0 ~0");
      }
    }
  }

  @Test
  void certRenew_keepsKeyNameAndRoles_newSerialAndValidity_onlyWithItsNetworkKey()
      throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    staex("network", "create", "--out", "other.key").assertSuccess();
    String node = staex("keygen", "--out", "n.key").assertSuccess().stdout().strip();
    Result issued = staex("cert", "issue", "--network-key", "network.key", "--node-key", "n.key",
        "--name", "cam", "--role", "relay", "--days", "10", "--out", "n.crt").assertSuccess();
    String oldSerial = line(issued.stderr(), "serial: ");
    String before = staex("cert", "show", "n.crt").assertSuccess().stdout();
    assertThat(before).contains("serial:      " + oldSerial);

    Result wrong = staex("cert", "renew", "--network-key", "other.key", "--cert", "n.crt");
    assertThat(wrong.exitCode()).as(wrong::describe).isEqualTo(4);
    assertThat(wrong.stderr()).contains("n.crt").contains("other.key");
    assertThat(Files.readString(dir.resolve("n.crt")))
        .as("a refused renewal leaves the file").isNotEmpty();
    assertThat(staex("cert", "show", "n.crt").stdout()).isEqualTo(before);

    Result renewed = staex("cert", "renew", "--network-key", "network.key", "--cert", "n.crt",
        "--days", "400").assertSuccess();
    assertThat(renewed.stdout().strip()).isEqualTo(node);
    assertThat(renewed.stderr()).contains("(replaces " + oldSerial + ")");
    String after = staex("cert", "show", "n.crt").assertSuccess().stdout();
    assertThat(after).contains("node:        " + node).contains("cam (cam.staex)")
        .contains("roles:       relay").doesNotContain(oldSerial).contains("\nvalid");
    // 400 days: the expiry warning a 10-day certificate gets in config check is gone
    config("n", "");
    assertThat(staex("config", "check", "-c", "n.conf").stderr()).doesNotContain("warning");
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> l.substring(prefix.length()).strip()).orElseThrow();
  }

  private static String forward(int port, String node, int to) {
    return "{ listen = \"127.0.0.1:" + port + "\", to = \"" + node + ".staex:" + to + "\" }";
  }

  private void hangUp(Started node) throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(node.process().pid()))
        .inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** Sends {@code text} and reads as many bytes back. */
  private static String echo(Socket s, String text) throws IOException {
    s.setSoTimeout(TIMEOUT_MILLIS);
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(b);
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    byte[] got = in.readNBytes(b.length);
    return new String(got, StandardCharsets.UTF_8);
  }

  /** Whether the connection ends (closed or reset) within the timeout, rather than hanging. */
  private static boolean endOfStream(Socket s) throws IOException {
    s.setSoTimeout(TIMEOUT_MILLIS);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }
}
