package io.staex.conf;

import static io.staex.conf.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.conf.ConfigProblem.Reason;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locating keys for {@code staex config check}, the effective config, {@code log.level} and
 * {@code log.format}.
 */
class ConfigSourceTest {
  private static final String PARENT = "\"127.0.0.1:7400\"";

  @TempDir Path dir;

  @Test
  void problem_isLocatedWhereTheKeyWasSet_listEntriesIncluded() throws Exception {
    Path file = write(dir, "node.conf", "staex {\n  key = a.key\n  parents = [\n"
        + "    { address = " + PARENT + ", key = \"" + Fixtures.address(1) + "\" }\n  ]\n}\n");
    ConfigSource source = ConfigSource.read(file);

    assertThat(source.problem("staex.key", Reason.INVALID_VALUE, "open to others"))
        .hasToString(file + ":2: staex.key: open to others");
    assertThat(source.problem("staex.parents[0].address", Reason.INVALID_VALUE, "x").line())
        .isEqualTo(4);
    assertThat(source.problem("staex.cert", Reason.INVALID_VALUE, "x").file())
        .endsWith("reference.conf");
    assertThat(source.problem("staex.parents[3].key", Reason.INVALID_VALUE, "x"))
        .hasToString(file + ": staex.parents[3].key: x");
  }

  @Test
  void render_isReadBackToAnEqualConfig_fromAnotherFolder() throws Exception {
    Path file = write(dir, "node.conf", "port = 7400\nstaex {\n  key = keys/a.key\n"
        + "  listen = \"0.0.0.0:\"${port}\n  limits.max-links = 7\n  log.level = debug\n}\n");
    NodeConfig config = NodeConfig.load(file);

    String text = ConfigSource.read(file).render(config);
    NodeConfig again = NodeConfig.load(write(dir, "other/place/shown.conf", text));

    assertThat(again).isEqualTo(config);
    assertThat(text).contains("key=\"" + dir.resolve("keys/a.key") + "\"").contains("level=debug");
    assertThat(config.logLevel()).isEqualTo("debug");
  }

  @Test
  void logLevel_defaultsToInfo_andAnUnknownOneIsAProblem() throws Exception {
    assertThat(NodeConfig.load(write(dir, "a.conf", "staex {}\n")).logLevel()).isEqualTo("info");

    assertThatThrownBy(() -> NodeConfig.load(write(dir, "b.conf", "staex.log.level = loud\n")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("b.conf:1: staex.log.level: \"loud\" is not a log level"
            + " (expected: one of error, warn, info, debug)");
  }

  @Test
  void logFormat_defaultsToText_jsonIsRenderedBack_andAnUnknownOneIsAProblem() throws Exception {
    assertThat(NodeConfig.load(write(dir, "a.conf", "staex {}\n")).logFormat()).isEqualTo("text");
    Path json = write(dir, "j.conf", "staex.log.format = JSON\n");
    NodeConfig config = NodeConfig.load(json);
    assertThat(config.logFormat()).isEqualTo("json");
    assertThat(ConfigSource.read(json).render(config)).contains("format=JSON");

    assertThatThrownBy(() -> NodeConfig.load(write(dir, "b.conf", "staex.log.format = xml\n")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("b.conf:1: staex.log.format: \"xml\" is not a log format"
            + " (expected: one of text, json)");
  }
}
