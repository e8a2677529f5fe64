package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, part 5, through the real jar: three {@code staex run} processes (root ← relay ←
 * leaf); {@code staex cert revoke} of the leaf, handed to the root with {@code staex revoke};
 * the revocation spreads down to the relay, which closes its link to the leaf within seconds
 * and refuses it from then on; the counters say so.
 */
class StaexRevokeIT extends ProcessTestBase {
  @Test
  void revocationHandedToTheRoot_closesTheLeafsLinkAtTheRelay_andKeepsItOut() throws Exception {
    Chain chain = chain();
    String relay = chain.relay();
    String leaf = chain.leaf();
    Started rootNode = run("root");
    Started relayNode = run("relay");
    Started leafNode = run("leaf");
    awaitStatus("root", s -> s.contains("\"viewSize\":3"));
    awaitStatus("leaf", s -> s.contains("\"activeParent\":\"" + relay + "\""));

    Result signed = staex("cert", "revoke", "--network-key", "network.key", "--node", leaf,
        "--out", "leaf.revocation").assertSuccess();
    assertThat(signed.stdout().strip()).isEqualTo("node " + leaf);
    assertThat(Files.readString(dir.resolve("leaf.revocation")))
        .startsWith("-----BEGIN STAEX REVOCATION-----");
    Result handed = staex("revoke", "leaf.revocation", "-c", "root.conf").assertSuccess();
    assertThat(handed.stdout()).startsWith("revoked node " + leaf).contains("applied");

    // it spreads down: the relay closes the leaf's link, and the leaf has no parent
    String relayStatus = awaitStatus("relay",
        s -> s.contains("\"linksClosed\":{\"revoked\":1") && !s.contains(leaf));
    assertThat(relayStatus).contains("\"revocations\":1");
    awaitStatus("leaf", s -> s.contains("\"activeParent\":null"));

    // and it cannot link again: the leaf keeps dialling, the relay keeps refusing it
    Awaitility.await("the leaf stays out").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          Result r = staex("status", "-c", "relay.conf", "--json");
          return r.exitCode() == 0 && !r.stdout().contains(leaf);
        });
    assertThat(staex("status", "-c", "relay.conf", "--metrics").assertSuccess().stdout())
        .contains("staex_revocations 1")
        .contains("staex_revocations_applied_total 1")
        .contains("staex_links_closed_total{reason=\"revoked\"} 1");
    assertThat(staex("status", "-c", "root.conf").assertSuccess().stdout())
        .contains("revocations held 1  applied 1");
    assertThat(relayNode.stderrText()).doesNotContain("ERROR");

    // handing it over again changes nothing; a file that is not a revocation is refused
    assertThat(staex("revoke", "leaf.revocation", "-c", "relay.conf").assertSuccess().stdout())
        .contains("already applied");
    Result notOne = staex("revoke", "leaf.crt", "-c", "root.conf");
    assertThat(notOne.exitCode()).as(notOne.describe()).isEqualTo(3);
    assertThat(notOne.stderr()).contains("PEM type 'CERTIFICATE' (expected: STAEX REVOCATION)");

    assertThat(rootNode.terminate(Duration.ofSeconds(10))).as(rootNode.describe()).isZero();
    assertThat(relayNode.terminate(Duration.ofSeconds(10))).as(relayNode.describe()).isZero();
    assertThat(leafNode.terminate(Duration.ofSeconds(10))).as(leafNode.describe()).isZero();
  }

  /**
   * Revocations learned over the network survive a restart of every node: each node keeps them
   * in its revocations file (beside its key) and applies it at start, so the revoked leaf stays
   * out although no config names it. A file that does not parse stops the start, naming it and
   * the line.
   */
  @Test
  void revocationLearnedOverTheNetwork_keepsTheLeafOut_afterEveryNodeRestarts() throws Exception {
    Chain chain = chain();
    String root = chain.root();
    String leaf = chain.leaf();
    Started rootNode = run("root");
    Started relayNode = run("relay");
    Started leafNode = run("leaf");
    awaitStatus("root", s -> s.contains("\"viewSize\":3"));
    staex("cert", "revoke", "--network-key", "network.key", "--node", leaf,
        "--out", "leaf.revocation").assertSuccess();
    staex("revoke", "leaf.revocation", "-c", "root.conf").assertSuccess();
    awaitStatus("relay", s -> s.contains("\"linksClosed\":{\"revoked\":1") && !s.contains(leaf));
    Awaitility.await("the relay keeps it in its file").atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(dir.resolve("relay.key.revocations")));
    assertThat(Files.readString(dir.resolve("relay.key.revocations")))
        .contains("-----BEGIN STAEX REVOCATION-----");
    assertThat(Files.getPosixFilePermissions(dir.resolve("relay.key.revocations")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(rootNode.terminate(Duration.ofSeconds(10))).as(rootNode.describe()).isZero();
    assertThat(relayNode.terminate(Duration.ofSeconds(10))).as(relayNode.describe()).isZero();
    assertThat(leafNode.terminate(Duration.ofSeconds(10))).as(leafNode.describe()).isZero();

    // every node restarts; the leaf first, so it dials the relay from the relay's first second
    leafNode = run("leaf");
    relayNode = run("relay");
    rootNode = run("root");
    String relayStatus = awaitStatus("relay",
        s -> s.contains("\"activeParent\":\"" + root + "\""));
    assertThat(relayStatus).contains("\"revocations\":1");
    Awaitility.await("the leaf stays out").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          Result r = staex("status", "-c", "relay.conf", "--json");
          return r.exitCode() == 0 && !r.stdout().contains(leaf);
        });
    assertThat(staex("status", "-c", "root.conf", "--json").assertSuccess().stdout())
        .doesNotContain(leaf).contains("\"revocations\":1");
    assertThat(rootNode.terminate(Duration.ofSeconds(10))).as(rootNode.describe()).isZero();
    assertThat(relayNode.terminate(Duration.ofSeconds(10))).as(relayNode.describe()).isZero();
    assertThat(leafNode.terminate(Duration.ofSeconds(10))).as(leafNode.describe()).isZero();

    // a damaged file is a clear start error
    Files.writeString(dir.resolve("root.key.revocations"), "# kept by staex\nnot pem\n");
    Result broken = staex("run", "-c", "root.conf");
    assertThat(broken.exitCode()).as(broken.describe()).isNotZero();
    assertThat(broken.stderr()).contains("root.key.revocations:2: 'not pem'");
  }

  @Test
  void certIssue_printsTheSerialBesideTheAddress_andRevokeBySerialPrintsPem() {
    staex("network", "create", "--out", "network.key").assertSuccess();
    staex("keygen", "--out", "node.key").assertSuccess();
    Result issued = staex("cert", "issue", "--network-key", "network.key", "--node-key",
        "node.key", "--out", "node.crt").assertSuccess();
    String show = staex("cert", "show", "node.crt").assertSuccess().stdout();
    String serial = show.lines().filter(l -> l.startsWith("serial:")).findFirst().orElseThrow()
        .substring("serial:".length()).strip();

    assertThat(issued.stdout()).as("stdout stays the address alone")
        .isEqualTo(staex("addr", "node.key").assertSuccess().stdout());
    assertThat(issued.stderr()).contains("serial: " + serial);
    Result pem = staex("cert", "revoke", "--network-key", "network.key", "--serial", serial)
        .assertSuccess();
    assertThat(pem.stdout()).startsWith("-----BEGIN STAEX REVOCATION-----");
    Result bad = staex("cert", "revoke", "--network-key", "network.key", "--serial", "xyz");
    assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(2);
    assertThat(bad.stderr()).contains("--serial: 'xyz'");
  }
}
