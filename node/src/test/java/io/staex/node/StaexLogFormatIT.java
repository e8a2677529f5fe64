package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.staex.testing.ExternalTool.Started;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code log.format = json}: every line {@code staex run} logs is one JSON object. */
class StaexLogFormatIT extends ProcessTestBase {
  private static final ConfigParseOptions STRICT_JSON =
      ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON);

  @Test
  void json_eachLineParses_withTimeLevelLoggerAndMessage() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String address = newNode("node");
    config("node", "log { level = debug, format = json }");
    Started node = run("node");
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> node.stdoutText().contains("running"));
    assertThat(node.terminate(Duration.ofSeconds(30))).isZero();

    List<String> lines = node.stderrText().lines().toList();
    assertThat(lines).as(node.describe()).isNotEmpty();
    for (String line : lines) {
      Config json = ConfigFactory.parseString(line, STRICT_JSON);
      assertThat(json.getLong("timestamp")).as(line).isPositive();
      assertThat(json.getString("level")).as(line).isIn("ERROR", "WARN", "INFO", "DEBUG");
      assertThat(json.hasPath("loggerName")).as(line).isTrue();
      assertThat(json.hasPath("formattedMessage")).as(line).isTrue();
    }
    assertThat(lines).anySatisfy(line -> {
      Config json = ConfigFactory.parseString(line, STRICT_JSON);
      assertThat(json.getString("level")).isEqualTo("INFO");
      assertThat(json.getString("formattedMessage")).isEqualTo("stopping");
    });
    assertThat(node.stdoutText()).contains(address);
  }

  /**
   * Also issue 15's guard on idle memory: logback is set up in code ({@code LogConfigurator}),
   * so a node loads neither logback's XML configurator (Joran) nor the JDK's XML parser.
   */
  @Test
  void text_isTheDefault_andIsNotJson() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("node");
    config("node", "");
    Path classes = dir.resolve("classes.log");
    Started node = start(command(jar, List.of("-Xlog:class+load=info:file=" + classes),
        "run", "-c", "node.conf"));
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> node.stdoutText().contains("running"));
    assertThat(node.terminate(Duration.ofSeconds(30))).isZero();

    String stopping = node.stderrText().lines().filter(l -> l.endsWith(": stopping"))
        .findFirst().orElseThrow(() -> new AssertionError(node.describe()));
    assertThat(stopping).containsPattern("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z INFO ");
    assertThatThrownBy(() -> ConfigFactory.parseString(stopping, STRICT_JSON))
        .isInstanceOf(ConfigException.class);
    String loaded = Files.readString(classes);
    assertThat(loaded).contains("io.staex.node.internal.cli.LogConfigurator ");
    assertThat(loaded.lines().filter(l -> l.contains(" ch.qos.logback.classic.joran.")
        || l.contains(" javax.xml.parsers.") || l.contains(" org.xml.sax.")))
        .as("XML configuration classes loaded").isEmpty();
  }
}
