package io.staex.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.conf.NodeConfig;
import io.staex.testing.fixtures.TestNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDiffTest {
  private static final String PARENT_KEY =
      TestNetwork.seeded(1).member(100, "parent").identity().address().toString();

  @TempDir Path dir;
  private int files;

  private NodeConfig config(String body) throws Exception {
    Path conf = dir.resolve("n" + files++ + ".conf");
    Files.writeString(conf, "staex {\n  key = n.key\n  cert = n.crt\n" + body + "\n}\n");
    return NodeConfig.load(conf);
  }

  private static final String SERVICES_A = """
      services = [
        { port = 80, target = "127.0.0.1:8080" }
        { port = 81, target = "127.0.0.1:8081" }
      ]
      """;

  @Test
  void sameFile_changesNothing() throws Exception {
    NodeConfig a = config(SERVICES_A);
    ConfigDiff d = ConfigDiff.of(a, config(SERVICES_A), false);
    assertThat(d.isEmpty()).isTrue();
    assertThat(d.summary()).isEqualTo(
        "unchanged: forwards, services, forwards-dir, socks, dns; needs restart: nothing");
  }

  @Test
  void services_byPort_addedRemovedChanged() throws Exception {
    NodeConfig before = config(SERVICES_A);
    NodeConfig after = config("""
        services = [
          { port = 81, target = "127.0.0.1:9999" }
          { port = 82, target = "127.0.0.1:8082" }
          { port = 83, target = "127.0.0.1:8083" }
        ]
        """);
    ConfigDiff d = ConfigDiff.of(before, after, false);
    assertThat(d.services()).isEqualTo(new ConfigDiff.Counts(2, 1, 1));
    assertThat(d.needsRestart()).isEmpty();
    assertThat(d.summary()).startsWith("services: +2 -1 ~1; unchanged: forwards,");
  }

  @Test
  void forwards_byListenAddress() throws Exception {
    NodeConfig before = config("""
        forwards = [
          { listen = "127.0.0.1:7000", to = "cam.staex:80" }
          { listen = "127.0.0.1:7001", to = "cam.staex:81" }
        ]
        """);
    NodeConfig after = config("""
        forwards = [
          { listen = "127.0.0.1:7000", to = "cam.staex:90" }
          { listen = "127.0.0.1:7002", to = "cam.staex:81" }
        ]
        """);
    ConfigDiff d = ConfigDiff.of(before, after, false);
    assertThat(d.forwards()).isEqualTo(new ConfigDiff.Counts(1, 1, 1));
    assertThat(d.summary()).startsWith("forwards: +1 -1 ~1;");
  }

  @Test
  void socksCredentials_comparedByContent() throws Exception {
    String socks = "socks { listen = \"127.0.0.1:1080\", username = u, password = %s }";
    NodeConfig a = config(socks.formatted("one"));
    assertThat(ConfigDiff.of(a, config(socks.formatted("one")), false).socks()).isFalse();
    assertThat(ConfigDiff.of(a, config(socks.formatted("two")), false).socks()).isTrue();
    assertThat(ConfigDiff.of(a, config(""), false).socks()).isTrue();
  }

  @Test
  void restartKeys_areNamed_notApplied() throws Exception {
    NodeConfig before = config("");
    NodeConfig after = config("""
        listen = "127.0.0.1:7100"
        parents = [ { address = "127.0.0.1:7200", key = "%s" } ]
        threads = 2
        log.level = debug
        """.formatted(PARENT_KEY));
    ConfigDiff d = ConfigDiff.of(before, after, true);
    assertThat(d.needsRestart()).containsExactly("staex.cert", "staex.listen", "staex.parents",
        "staex.threads", "staex.log.level");
    assertThat(d.summary()).endsWith(
        "needs restart: staex.cert, staex.listen, staex.parents, staex.threads, staex.log.level");
  }

  @Test
  void withNeedsRestart_keepsLiveCounts_takesOtherRestartKeys() throws Exception {
    NodeConfig start = config("");
    NodeConfig running = config("threads = 2\n" + SERVICES_A);
    NodeConfig next = config("threads = 2\n");
    ConfigDiff d = ConfigDiff.of(running, next, false)
        .withNeedsRestart(ConfigDiff.of(start, next, false));
    assertThat(d.services()).isEqualTo(new ConfigDiff.Counts(0, 2, 0));
    assertThat(d.needsRestart()).containsExactly("staex.threads");
  }
}
