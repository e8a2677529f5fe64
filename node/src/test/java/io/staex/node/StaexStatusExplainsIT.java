package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code staex status} explains, with real processes (issue 16): why a parent is down, each
 * link's age, bytes and peer certificate, the node's own certificate's end, a forward's last
 * error; and the log lines an operator reads.
 */
class StaexStatusExplainsIT extends ProcessTestBase {

  @Test
  void parentConfiguredWithAnotherNodesKey_saysSoOnBothSides() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("root");
    newNode("child");
    String other = newNode("other");
    int rootPort = freePort();
    config("root", "listen = \"127.0.0.1:" + rootPort + "\"");
    config("child",
        "parents = [ { address = \"127.0.0.1:" + rootPort + "\", key = \"" + other + "\" } ]");
    Started root = run("root");
    Started child = run("child");

    // between attempts: while the next dial runs, the link shows its last reason but no next
    // attempt yet (the first CI run of d8c506e read the status in that moment)
    String json = awaitStatus("child", s -> s.contains("closed by the parent during the"
        + " handshake") && s.contains("\"nextAttempt\":\""));
    assertThat(json).contains("\"state\":\"down\"").contains("\"nextAttempt\":\"");
    assertThat(staex("status", "-c", "child.conf").assertSuccess().stdout())
        .contains("  parent " + other.substring(0, 8) + "… down: closed by the parent during the"
            + " handshake: it refused this node")
        .contains("or it is not " + other)
        .contains("or it gave up waiting for this node's first message");
    Awaitility.await("the root's WARN line").atMost(CONVERGE)
        .untilAsserted(() -> assertThat(root.stderrText())
            .containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN .*link"
                + " handshake from /127\\.0\\.0\\.1:\\d+ refused: NOISE")
            .contains("it dialled another key than this node's"));
    assertThat(child.stderrText()).contains("WARN").contains("closed by the parent during the"
        + " handshake");
  }

  @Test
  void parentDown_thenUp_statusShowsWhy_thenBytesAgeAndCertificates() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String root = newNode("root");
    staex("keygen", "--out", "child.key").assertSuccess();
    staex("cert", "issue", "--network-key", "network.key", "--node-key", "child.key",
        "--days", "10", "--out", "child.crt").assertSuccess();
    int rootPort = freePort();
    config("root", "listen = \"127.0.0.1:" + rootPort + "\"");
    config("child",
        "parents = [ { address = \"127.0.0.1:" + rootPort + "\", key = \"" + root + "\" } ]");

    Result check = staex("config", "check", "-c", "child.conf").assertSuccess();
    assertThat(check.stderr()).contains("warning: certificate of this node expires in 9 days");
    Started child = run("child");
    String down = awaitStatus(child, "child", s -> s.contains("connection refused"));
    assertThat(down).contains("\"lastError\":\"connection refused").contains("\"lastAttempt\":\"")
        .contains("\"certificate\":{\"notAfter\":\"")
        .contains("\"warning\":\"certificate of this node expires in 9 days");
    String text = staex("status", "-c", "child.conf").assertSuccess().stdout();
    assertThat(text).contains("  parent " + root.substring(0, 8) + "… down: connection refused")
        .contains("  WARNING: certificate of this node expires in 9 days");

    run("root");
    String up = awaitStatus(child, "child", s -> s.contains("\"activeParent\":\"" + root + "\"")
        && s.matches("(?s).*\"bytesIn\":[1-9].*"));
    assertThat(up).contains("\"state\":\"up\"").containsPattern("\"bytesOut\":[1-9]")
        .contains("\"upSince\":\"").contains("\"peerCertNotAfter\":\"")
        .contains("\"lastError\":null");
    assertThat(staex("status", "-c", "child.conf", "--metrics").assertSuccess().stdout())
        .containsPattern("staex_cert_expiry_seconds (8|9)\\d{5}\n")
        .containsPattern("staex_link_bytes_total\\{peer=\"" + root + "\",direction=\"in\"} [1-9]")
        .contains("staex_parent_up{peer=\"" + root + "\"} 1");
    assertThat(child.stderrText())
        .containsPattern("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z WARN .*certificate of this node expires")
        .containsPattern("Z INFO .*parent " + root + " link up")
        .containsPattern("Z INFO .*active parent now " + root);
  }

  @Test
  void forwards_showTheirLastError_andATakenPort() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("node");
    int port = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      config("node", "limits { handshake-timeout = 1s }\n  log.level = warn\n  forwards = [\n"
          + "    { listen = \"127.0.0.1:" + port + "\", to = \"nosuch.staex:80\" },\n"
          + "    { listen = \"127.0.0.1:" + taken.getLocalPort() + "\", to = \"nosuch.staex:81\" }\n"
          + "  ]");
      Started node = run("node");
      awaitStatus("node", s -> s.contains("\"state\":\"listening\""));
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(30_000);
        InputStream in = s.getInputStream();
        assertThat(readOrReset(in)).isEqualTo(-1);
      }

      String json = awaitStatus("node", s -> s.contains("nosuch.staex was not found"));
      assertThat(json).containsPattern("\"state\":\"listening; last connection from"
          + " /127\\.0\\.0\\.1:\\d+ reset: nosuch\\.staex was not found\"")
          .contains("\"state\":\"not running: cannot listen on 127.0.0.1:" + taken.getLocalPort()
              + ": address already in use\"");
      assertThat(node.stderrText()).as("log.level = warn").contains(" WARN ")
          .doesNotContain(" INFO ");
    }
  }

  /** As {@link #awaitStatus(String, java.util.function.Predicate)}, showing the node's output. */
  private String awaitStatus(Started node, String name,
      java.util.function.Predicate<String> done) {
    try {
      return awaitStatus(name, done);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(node.describe(), e);
    }
  }

  /** -1 at the end of the stream or when the peer reset the connection. */
  private static int readOrReset(InputStream in) throws Exception {
    try {
      return in.read();
    } catch (java.net.SocketException e) {
      return -1;
    }
  }
}
