package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the node's config reader ({@link NodeConfig#load}, HOCON through
 * typesafe-config, then our schema) on arbitrary text: config files are written by hand and by
 * provisioning tools, and a mistake must come back as a list of problems, each with a file and
 * a message. Replays the seeds below and {@code NodeConfigFuzzTestInputs/} under {@code mvn
 * test}; {@code bench/fuzz.sh} fuzzes it.
 */
class NodeConfigFuzzTest {
  /** One file in a folder of its own, rewritten for each input. */
  private static final Path FILE = configFile();

  /** The documented format with every section, a small file, and one with substitutions. */
  static Stream<byte[]> configs() {
    String full = String.join("\n",
        "# written by a provisioning tool",
        "staex {",
        "  key  = \"node.key\"",
        "  cert = \"node.crt\"",
        "  trust { networks = [\"" + Fixtures.address(100) + "\"], nodes = [\""
            + Fixtures.address(101) + "\"], revoked = [\"" + Fixtures.address(102)
            + "\", \"serial:0a1b\"] }",
        "  listen = \"0.0.0.0:7400\"",
        "  parents = [",
        "    { address = \"relay1.example:7400\", key = \"" + Fixtures.address(103) + "\" },",
        "    { address = \"[2001:db8::7]:7400\", key = \"" + Fixtures.address(104) + "\" }",
        "  ]",
        "  services = [",
        "    { port = 80, target = \"192.168.1.60:8080\", allow = [] },",
        "    { port = 554, target = \"192.168.1.50:554\", allow = [\"" + Fixtures.address(100)
            + "\"], protocol = rtsp }",
        "  ]",
        "  forwards = [",
        "    { listen = \"127.0.0.1:8080\", to = \"" + Fixtures.address(105) + ".staex:80\" },",
        "    { listen = \"[::1]:8554\", to = \"camera1.staex:554\", protocol = rtsp }",
        "  ]",
        "  socks { listen = \"127.0.0.1:1080\" }",
        "  dns { listen = \"127.0.0.1:5353\", pool = \"127.77.0.0/16\" }",
        "  limits { max-links = 64 }",
        "  threads = 2",
        "}",
        "");
    String small = "staex {\n  key = gateway.key\n  cert = gateway.crt\n"
        + "  parents = [ { address = \"127.0.0.1:7401\", key = \"" + Fixtures.address(103)
        + "\" } ]\n  services = [ { port = 8080, target = \"127.0.0.1:8000\" } ]\n}\n";
    String substituted = "port = 7400\nstaex {\n  key = n.key, cert = n.crt\n"
        + "  listen = \"0.0.0.0:\"${port}\n  limits.max-links = ${staex.threads}\n"
        + "  threads = ${?STAEX_FUZZ_UNSET}\n}\n";
    return Stream.of(full, small, substituted)
        .map(config -> config.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Any file content: a config, or a {@link BadConfigException} listing at least one problem, each
   * naming this file and saying what is wrong. Nothing else escapes.
   */
  @MethodSource("configs")
  @FuzzTest
  void load(byte[] content) throws IOException {
    Files.write(FILE, content);
    try {
      NodeConfig config = NodeConfig.load(FILE);
      assertThat(config.key()).isNotNull();
    } catch (BadConfigException e) {
      assertThat(e.problems()).isNotEmpty();
      for (ConfigProblem p : e.problems()) {
        assertThat(p.file()).isNotBlank();
        assertThat(p.reason()).isNotNull();
        assertThat(p.detail()).isNotBlank();
      }
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  private static Path configFile() {
    try {
      Path dir = Files.createTempDirectory("staex-conf-fuzz");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("node.conf");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
