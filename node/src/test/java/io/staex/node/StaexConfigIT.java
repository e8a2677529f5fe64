package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code staex config check} and {@code staex config show} through the real jar, and the start
 * failures that must say what and where (issue 16): each reads the message a user reads.
 */
class StaexConfigIT extends ProcessTestBase {

  @Test
  void check_listsEveryProblem_withFileLineAndKey_andExits5() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("node");
    String other = staex("keygen", "--out", "other.key").assertSuccess().stdout().strip();
    Files.setPosixFilePermissions(dir.resolve("node.key"),
        PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(dir.resolve("forwards"));
    Files.writeString(dir.resolve("forwards/cam.conf"),
        "forwards = [ { listen = \"127.0.0.1:9999\", to = \"nowhere\" } ]\n");
    Files.writeString(dir.resolve("node.conf"), String.join("\n",
        "staex {",
        "  key = node.key",
        "  cert = node.crt",
        "  forwards-dir = forwards",
        "  parents = [",
        "    { address = \"parent.invalid:7400\", key = \"" + other + "\" }",
        "  ]",
        "}", ""));

    Result r = staex("config", "check", "-c", "node.conf");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(5);
    assertThat(r.stderr())
        .contains("node.conf:2: staex.key: ").contains("chmod 600")
        .contains("node.conf:6: staex.parents[0].address: host 'parent.invalid' does not resolve")
        .containsPattern("cam\\.conf:1: forwards\\[0\\]\\.to: .*nowhere")
        .contains("node.conf: 3 problems");
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void check_parseProblems_areAllListed() throws Exception {
    Files.writeString(dir.resolve("node.conf"), String.join("\n",
        "staex {",
        "  key = node.key",
        "  cert = node.crt",
        "  lisen = \"127.0.0.1:7400\"",
        "  threads = 0",
        "}", ""));

    Result r = staex("config", "check", "-c", "node.conf");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(5);
    assertThat(r.stderr()).contains("node.conf:4: staex.lisen: unknown key, did you mean listen")
        .contains("node.conf:5: staex.threads: ").contains("node.conf: 2 problems");
  }

  @Test
  void check_certificateOfAnotherKey_andParentWithOwnKey() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String node = newNode("node");
    newNode("other");
    Files.writeString(dir.resolve("node.conf"), String.join("\n",
        "staex {",
        "  key = node.key",
        "  cert = other.crt",
        "  parents = [ { address = \"127.0.0.1:7400\", key = \"" + node + "\" } ]",
        "}", ""));

    Result r = staex("config", "check", "-c", "node.conf");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(5);
    assertThat(r.stderr())
        .contains("node.conf:3: staex.cert: ").contains("other.crt: certificate is for ")
        .contains("node.conf:4: staex.parents[0].key: is this node's own address");
  }

  @Test
  void check_goodConfig_exits0_andShowRoundTrips() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String node = newNode("node");
    Files.createDirectories(dir.resolve("forwards"));
    Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(dir.resolve("node.conf"), String.join("\n",
        "port = 7400",
        "staex {",
        "  key = node.key",
        "  cert = node.crt",
        "  listen = \"127.0.0.1:\"${port}",
        "  forwards-dir = forwards",
        "  limits { max-links = 10 }",
        "}", ""));

    Result check = staex("config", "check", "-c", "node.conf").assertSuccess();
    assertThat(check.stdout()).startsWith("node.conf: ok: node " + node + " (node), network ");
    Result show = staex("config", "show", "-c", "node.conf").assertSuccess();
    assertThat(show.stdout())
        .contains("key=\"" + dir.resolve("node.key") + "\"")
        .contains("listen=\"127.0.0.1:7400\"").contains("max-links=10")
        .contains("max-sessions=4096").contains("keepalive-interval=\"5s\"")
        .contains("socket=\"" + dir.resolve("node.sock") + "\"")
        .doesNotContain("port=7400");

    Path shown = dir.resolve("elsewhere/shown.conf");
    Files.writeString(shown, show.stdout());
    staex("config", "check", "-c", "elsewhere/shown.conf").assertSuccess();
    Result again = staex("config", "show", "-c", "elsewhere/shown.conf").assertSuccess();
    assertThat(withoutFirstLine(again.stdout())).isEqualTo(withoutFirstLine(show.stdout()));
  }

  @Test
  void certificateGivenAsKey_saysSo_beforeAnyChmodAdvice() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("node");
    Files.writeString(dir.resolve("node.conf"),
        "staex {\n  key = node.crt\n  cert = node.crt\n}\n");

    Result run = staex("run", "-c", "node.conf");
    Result check = staex("config", "check", "-c", "node.conf");

    assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
    assertThat(run.stderr()).contains("node.crt: holds a CERTIFICATE, not a private key"
        + " (expected: PRIVATE KEY, as staex keygen writes it; a certificate belongs in"
        + " staex.cert)").doesNotContain("chmod");
    assertThat(check.exitCode()).isEqualTo(5);
    assertThat(check.stderr()).contains("node.conf:2: staex.key: ")
        .contains("holds a CERTIFICATE").doesNotContain("chmod");
  }

  @Test
  void missingForwardsDir_exits5_sayingWhich() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("node");
    config("node", "forwards-dir = missing");

    Result run = staex("run", "-c", "node.conf");

    assertThat(run.exitCode()).as(run.describe()).isEqualTo(5);
    assertThat(run.stderr()).contains("staex.forwards-dir: " + dir.resolve("missing")
        + ": cannot be read: no such file or folder").doesNotContain("Exception");
    Result check = staex("config", "check", "-c", "node.conf");
    assertThat(check.exitCode()).isEqualTo(5);
    assertThat(check.stderr()).contains("staex.forwards-dir: " + dir.resolve("missing")
        + ": no such folder");
  }

  @Test
  void socksPortTaken_namesTheAddress_withoutClassNames() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("node");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      config("node", "socks { listen = \"127.0.0.1:" + taken.getLocalPort() + "\" }");

      Result run = staex("run", "-c", "node.conf");

      assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
      assertThat(run.stderr()).contains("staex.socks.listen: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + ": address already in use")
          .doesNotContain("internal error").doesNotContain("Exception");
    }
  }

  @Test
  void unknownCommand_withHelp_isAnError() {
    Result r = staex("frobnicate", "--help");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    assertThat(r.stderr()).contains("frobnicate");
    assertThat(r.stdout()).isEmpty();
    assertThat(staex("config", "--help").assertSuccess().stdout())
        .startsWith("Usage: staex config");
  }

  private static String withoutFirstLine(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(1, lines.size()));
  }
}
