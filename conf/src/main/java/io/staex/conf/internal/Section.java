package io.staex.conf.internal;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.staex.conf.ConfigProblem.Reason;
import java.util.List;
import java.util.Optional;

/**
 * An object of the file whose keys are known from {@link Schema}: creating it reports every
 * unknown key (with a suggestion when it looks like a typo), so that a misspelt key never
 * silently falls back to its default.
 */
public final class Section {
  private final Setting self;
  private final ConfigObject object;
  private final Problems problems;

  private Section(Setting self, ConfigObject object, Problems problems) {
    this.self = self;
    this.object = object;
    this.problems = problems;
  }

  /** {@code s} as a section of kind {@code schema}, or null after recording why it is not one. */
  public static Section of(Setting s, String schema, String expected, Values values) {
    ConfigObject object = values.object(s, expected);
    if (object == null) {
      return null;
    }
    List<String> known = Schema.keys(schema);
    for (String key : object.keySet()) {
      if (!known.contains(key)) {
        Optional<String> suggestion = Schema.suggest(schema, key);
        String knownKeys = "(expected one of: " + String.join(", ", known) + ")";
        String detail =
            suggestion
                .map(k -> "unknown key, did you mean " + k + "? " + knownKeys)
                .orElse("unknown key " + knownKeys);
        values.problems().add(s.child(key, object.get(key)), Reason.UNKNOWN_KEY, detail);
      }
    }
    return new Section(s, object, values.problems());
  }

  public Setting self() {
    return self;
  }

  /** The setting {@code name}, or empty when it is absent or null. */
  public Optional<Setting> get(String name) {
    ConfigValue value = object.get(name);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return Optional.empty();
    }
    return Optional.of(self.child(name, value));
  }

  /** The setting {@code name}, or null after recording that it is missing. */
  public Setting require(String name, String expected) {
    Optional<Setting> s = get(name);
    if (s.isEmpty()) {
      ConfigValue value = object.get(name);
      problems.add(
          value != null ? value.origin() : self.origin(),
          self.childKey(name),
          Reason.MISSING_KEY,
          (value != null ? "is null" : "is missing") + " (expected: " + expected + ")");
      return null;
    }
    return s.get();
  }
}
