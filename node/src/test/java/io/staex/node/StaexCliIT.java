package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool;
import io.staex.testing.ExternalTool.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI contract of DESIGN.md / the README, exercised through the real executable jar as a
 * user (or a script) runs it: stdout, stderr, exit status, files, and openssl reading them.
 */
class StaexCliIT {
  private static final String ADDRESS = "[a-z2-7]{55}";

  @TempDir Path dir;
  private Path jar;

  @BeforeEach
  void findJar() {
    jar = Path.of(System.getProperty("staex.jar", "target/staex.jar")).toAbsolutePath();
    assertThat(jar).exists();
  }

  @Test
  void keygen_printsAddressAndWritesOwnerOnlyPkcs8() throws Exception {
    Result r = staex("keygen", "--out", "node.key").assertSuccess();
    String address = r.stdout().strip();
    assertThat(address).matches(ADDRESS);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node.key"))))
        .isEqualTo("rw-------");
    assertThat(staex("addr", "node.key").assertSuccess().stdout().strip()).isEqualTo(address);

    ExternalTool.require("openssl");
    Result openssl = ExternalTool.run(dir, "openssl", "pkey", "-in", "node.key", "-noout", "-text");
    assertThat(openssl.assertSuccess().stdout()).contains("ED25519 Private-Key");
  }

  @Test
  void keygen_refusesToOverwriteWithoutForce() throws Exception {
    staex("keygen", "--out", "node.key").assertSuccess();
    byte[] before = Files.readAllBytes(dir.resolve("node.key"));

    Result again = staex("keygen", "--out", "node.key");
    assertThat(again.exitCode()).isEqualTo(3);
    assertThat(again.stderr().strip()).contains("exists").contains("--force").doesNotContain("\n");
    assertThat(Files.readAllBytes(dir.resolve("node.key"))).isEqualTo(before);

    staex("keygen", "--out", "node.key", "--force").assertSuccess();
    assertThat(Files.readAllBytes(dir.resolve("node.key"))).isNotEqualTo(before);
  }

  @Test
  void addr_refusesKeyReadableByOthers() throws Exception {
    staex("keygen", "--out", "node.key").assertSuccess();
    Files.setPosixFilePermissions(dir.resolve("node.key"), PosixFilePermissions.fromString("rw-r--r--"));

    Result r = staex("addr", "node.key");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).contains("chmod 600 node.key");
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void addr_refusesKeyBehindSymbolicLink() throws Exception {
    staex("keygen", "--out", "node.key").assertSuccess();
    Files.createSymbolicLink(dir.resolve("link.key"), Path.of("node.key"));

    Result r = staex("addr", "link.key");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr().strip())
        .contains("link.key: is a symbolic link to node.key")
        .contains("replace the link with the file it points to (mv node.key link.key)")
        .doesNotContain("\n");
    assertThat(r.stdout()).isEmpty();
  }

  /** Giving a file away needs root; CI runs as root, so there this must run, not skip. */
  @Test
  void certIssue_refusesNetworkKeyOfAnotherOwner() throws Exception {
    ExternalTool.requireRoot("changing a file's owner");
    staex("network", "create", "--out", "network.key").assertSuccess();
    staex("keygen", "--out", "node.key").assertSuccess();
    Files.setOwner(dir.resolve("network.key"),
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

    Result r = staex("cert", "issue", "--network-key", "network.key", "--node-key", "node.key",
        "--out", "node.crt");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr().strip())
        .contains("network.key: owned by nobody")
        .contains("chown root network.key")
        .doesNotContain("\n");
    assertThat(dir.resolve("node.crt")).doesNotExist();
  }

  @Test
  void certIssueAndShow_roundTripAndOpensslReadsIt() throws Exception {
    String network = staex("network", "create", "--out", "network.key").assertSuccess().stdout().strip();
    String node = staex("keygen", "--out", "node.key").assertSuccess().stdout().strip();
    staex("cert", "issue", "--network-key", "network.key", "--node-key", "node.key",
            "--name", "camera1", "--role", "relay", "--days", "30", "--out", "node.crt")
        .assertSuccess();

    Result show = staex("cert", "show", "node.crt").assertSuccess();
    assertThat(show.stdout())
        .contains("node:        " + node)
        .contains("network:     " + network)
        .contains("camera1")
        .contains("relay");
    assertThat(lastLine(show.stdout())).isEqualTo("valid");
    assertThat(lastLine(staex("cert", "show", "node.crt", "--trust", network).assertSuccess().stdout()))
        .isEqualTo("valid");
    assertThat(lastLine(staex("cert", "show", "node.crt", "--trust", "network.key").assertSuccess().stdout()))
        .isEqualTo("valid");

    ExternalTool.require("openssl");
    Result x509 = ExternalTool.run(dir, "openssl", "x509", "-in", "node.crt", "-noout", "-text");
    assertThat(x509.assertSuccess().stdout())
        .contains("ED25519")
        .contains("CN = " + node)
        .contains("CN = " + network)
        .contains("DNS:camera1.staex");
  }

  @Test
  void certIssue_byAddressText() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String node = staex("keygen", "--out", "node.key").assertSuccess().stdout().strip();
    staex("cert", "issue", "--network-key", "network.key",
            "--node", node.toUpperCase(Locale.ROOT) + ".staex",
            "--out", "node.crt")
        .assertSuccess();
    assertThat(staex("cert", "show", "node.crt").assertSuccess().stdout()).contains("node:        " + node);
  }

  @Test
  void certShow_otherNetwork_isWrongNetwork() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    staex("network", "create", "--out", "other.key").assertSuccess();
    staex("keygen", "--out", "node.key").assertSuccess();
    staex("cert", "issue", "--network-key", "other.key", "--node-key", "node.key", "--out", "node.crt")
        .assertSuccess();

    Result show = staex("cert", "show", "node.crt", "--trust", "network.key");
    assertThat(show.exitCode()).isEqualTo(4);
    assertThat(lastLine(show.stdout())).startsWith("invalid: wrong-network");
  }

  @Test
  void certShow_tamperedCertificate_isBadSignature() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    staex("keygen", "--out", "node.key").assertSuccess();
    staex("cert", "issue", "--network-key", "network.key", "--node-key", "node.key",
            "--name", "camera1", "--out", "node.crt")
        .assertSuccess();
    replaceInDer(dir.resolve("node.crt"), "camera1", "camera2");

    Result show = staex("cert", "show", "node.crt");
    assertThat(show.exitCode()).isEqualTo(4);
    assertThat(show.stdout()).contains("camera2");
    assertThat(lastLine(show.stdout())).startsWith("invalid: bad-signature");
  }

  @Test
  void badInput_getsOneLineReasonAndNonZeroStatus() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String node = staex("keygen", "--out", "node.key").assertSuccess().stdout().strip();
    String typo = node.substring(0, 10) + (node.charAt(10) == 'a' ? 'b' : 'a') + node.substring(11);

    Result badAddress = staex("cert", "issue", "--network-key", "network.key", "--node", typo, "--out", "x.crt");
    assertThat(badAddress.exitCode()).isEqualTo(2);
    assertThat(badAddress.stderr()).contains("checksum");
    assertThat(dir.resolve("x.crt")).doesNotExist();

    Result badName = staex("cert", "issue", "--network-key", "network.key", "--node-key", "node.key",
        "--name", "Not_A_Label", "--out", "x.crt");
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.stderr()).contains("name 'not_a_label'");

    Result noFile = staex("cert", "show", "missing.crt");
    assertThat(noFile.exitCode()).isEqualTo(3);
    assertThat(noFile.stderr().strip()).isEqualTo("staex cert show: missing.crt: no such file");

    Files.writeString(dir.resolve("garbage.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    Result garbage = staex("cert", "show", "garbage.crt");
    assertThat(garbage.exitCode()).isEqualTo(4);
    assertThat(garbage.stderr()).contains("garbage.crt");

    Result usage = staex("cert", "issue", "--network-key", "network.key", "--out", "x.crt");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.stderr()).contains("--node-key").contains("--node");
  }

  @Test
  void demo_check_fetchesThroughTheNetworkAndRefusesTheStranger() throws Exception {
    Result demo = staex("demo", "--dir", "demo", "--check", "--port", "0").assertSuccess();

    assertThat(demo.stdout())
        .containsPattern("ok: GET http://127.0.0.1:\\d+/ went user -> root -> gateway -> web"
            + " server and back, end-to-end encrypted: Hello from the camera")
        .containsPattern("ok: a node of another network \\(\\w{8}…\\) tried to link to the root:"
            + " refused")
        .containsPattern("ok: the same page through SOCKS5 on 127.0.0.1:\\d+ by certified name")
        .containsPattern("ok: DNS on 127.0.0.1:\\d+ answers camera.staex A 127\\.77\\.")
        .contains("curl http://127.0.0.1:").contains("curl --socks5-hostname 127.0.0.1:");
    assertThat(lastLine(staex("cert", "show", "demo/gateway.crt").assertSuccess().stdout()))
        .isEqualTo("valid");
    assertThat(dir.resolve("demo/user.sock")).doesNotExist();
  }

  @Test
  void launcher_runsTheBuiltJarOnTheNewestJdk() {
    Path launcher = jar.getParent().getParent().getParent().resolve("staex");
    assertThat(launcher).isExecutable();

    Result r = ExternalTool.run(dir, Duration.ofSeconds(60), null,
        List.of(launcher.toString(), "--version"));

    assertThat(r.assertSuccess().stdout()).startsWith("staex ").contains("Java ");
    assertThat(r.stderr()).as("no rebuild: the jar is fresh after mvn package").doesNotContain("building");
  }

  @Test
  void help_isAvailableEverywhere() {
    for (List<String> cmd : List.<List<String>>of(List.of(), List.of("keygen"), List.of("network"), List.of("network", "create"),
        List.of("cert"), List.of("cert", "issue"), List.of("cert", "show"), List.of("cert", "revoke"),
        List.of("revoke"), List.of("addr"), List.of("demo"),
        List.of("run"), List.of("status"))) {
      List<String> args = new ArrayList<>(cmd);
      args.add("--help");
      Result r = staex(args.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(r.stdout()).startsWith("Usage: staex");
    }
  }

  private Result staex(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    return ExternalTool.run(dir, Duration.ofSeconds(60), null, cmd);
  }

  private static String lastLine(String text) {
    List<String> lines = text.strip().lines().toList();
    return lines.get(lines.size() - 1);
  }

  /** Rewrites a PEM certificate with {@code from} replaced by {@code to} inside its DER bytes. */
  private static void replaceInDer(Path pemFile, String from, String to) throws Exception {
    String pem = Files.readString(pemFile);
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    String latin = new String(der, StandardCharsets.ISO_8859_1);
    assertThat(latin).contains(from);
    byte[] changed = latin.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    Files.writeString(pemFile, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(changed)
        + "\n-----END CERTIFICATE-----\n");
  }
}
