package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the promise that {@code reference.conf} documents every key: each key sits on its own
 * line with a comment line right above it, and the keys found that way are exactly the keys
 * typesafe-config parses out of the file (so no key can hide from the check). That every key is
 * read, and every key read has a default, is {@code NodeConfigTest.emptyFile_...}'s job.
 */
class ReferenceConfTest {
  private static final Pattern KEY_LINE = Pattern.compile("^([a-z][a-z0-9-]*)\\s*(=|\\{)");

  @Test
  void parses() throws IOException {
    Config reference = ConfigFactory.parseString(text(),
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)).resolve();

    assertThat(reference.hasPath("staex.routing.keepalive-interval")).isTrue();
  }

  @Test
  void everyKey_hasACommentLineAboveIt() throws IOException {
    String[] lines = text().split("\n", -1);
    Set<String> commented = new TreeSet<>();
    Deque<String> sections = new ArrayDeque<>();
    String previous = "";
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.equals("}")) {
        sections.removeLast();
      } else if (!line.isEmpty() && !isComment(line)) {
        Matcher m = KEY_LINE.matcher(line);
        if (!m.find()) {
          fail("reference.conf:%d: '%s' is not 'key = value' or 'key {'", i + 1, line);
        }
        String path = path(sections, m.group(1));
        if (!isComment(previous)) {
          fail("reference.conf:%d: %s has no comment line right above it", i + 1, path);
        }
        commented.add(path);
        if (line.endsWith("{")) {
          sections.addLast(m.group(1));
        }
      }
      previous = line;
    }

    assertThat(sections).as("unclosed sections").isEmpty();
    assertThat(commented).isEqualTo(parsedKeys());
  }

  @Test
  void shippedFile_isThisModulesOwn() {
    URL url = NodeConfig.class.getResource("/reference.conf");

    assertThat(url).isNotNull();
    assertThat(url.toString()).contains("conf/target/classes");
  }

  private static Set<String> parsedKeys() throws IOException {
    Config reference = ConfigFactory.parseString(text(),
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)).resolve();
    Set<String> keys = new TreeSet<>();
    collect("", reference.root(), keys);
    return keys;
  }

  private static void collect(String prefix, ConfigObject object, Set<String> keys) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      keys.add(path);
      if (e.getValue().valueType() == ConfigValueType.OBJECT) {
        collect(path, (ConfigObject) e.getValue(), keys);
      }
    }
  }

  private static String path(Deque<String> sections, String key) {
    return sections.isEmpty() ? key : String.join(".", sections) + "." + key;
  }

  private static boolean isComment(String line) {
    return line.startsWith("#") || line.startsWith("//");
  }

  private static String text() throws IOException {
    try (InputStream in = NodeConfig.class.getResourceAsStream("/reference.conf")) {
      assertThat(in).as("reference.conf on the class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
