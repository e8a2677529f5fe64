package io.staex.conf.internal;

import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.Objects;

/**
 * One value of the parsed file and the full key it was found under, for messages: {@code
 * staex.parents[1].key}.
 */
public record Setting(String key, ConfigValue value) {
  private static final int MAX_RENDERED = 60;

  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  public ConfigOrigin origin() {
    return value.origin();
  }

  /** The child {@code name} of this object setting. */
  public Setting child(String name, ConfigValue child) {
    return new Setting(childKey(name), child);
  }

  /** The full key of the child {@code name}. */
  public String childKey(String name) {
    return key.isEmpty() ? name : key + "." + name;
  }

  /** The {@code index}th element of this list setting. */
  public Setting element(int index, ConfigValue element) {
    return new Setting(key + "[" + index + "]", element);
  }

  /** Whether the value is a default from {@code reference.conf} rather than set in a file. */
  public boolean isDefault() {
    return value.origin().resource() != null;
  }

  /** The value as HOCON shows it, strings in quotes, abbreviated: {@code "abc"}, {@code 5}. */
  public String rendered() {
    String text = value.render(ConfigRenderOptions.concise());
    return text.length() <= MAX_RENDERED ? text : text.substring(0, MAX_RENDERED - 3) + "...";
  }

  /** {@code key (file:line)}, to point at an earlier setting from a message about a later one. */
  public String where() {
    int line = origin().lineNumber();
    return key + " (" + Problems.file(origin()) + (line > 0 ? ":" + line : "") + ")";
  }
}
