package io.staex.conf;

import java.util.Objects;

/**
 * One thing wrong with a configuration file, located and explained: {@code
 * node.conf:7: staex.parents[1].key: "abc" is not an address: 3 characters (expected: 55)}.
 *
 * @param file the file the value came from (an included file, or {@code reference.conf}, when
 *     that is where it was set)
 * @param line 1-based line, or -1 when unknown
 * @param key the full key, with list indices from 0: {@code staex.services[0].port}; empty for a
 *     problem with the whole file
 * @param reason the kind of problem
 * @param detail the value, what is wrong with it, and what was expected
 */
public record ConfigProblem(String file, int line, String key, Reason reason, String detail) {
  /** The kinds of problem, for callers that map them to exit codes or tests that assert them. */
  public enum Reason {
    /** The file cannot be read: missing, unreadable. */
    UNREADABLE,
    /** Not HOCON, or a substitution that cannot be resolved. */
    SYNTAX,
    /** A key nobody reads, most likely a typo. */
    UNKNOWN_KEY,
    /** A required key is absent. */
    MISSING_KEY,
    /** A value of the wrong kind: a list where a string belongs, text where a number belongs. */
    WRONG_TYPE,
    /** A value of the right kind that is not acceptable: a bad address, a port out of range. */
    INVALID_VALUE,
    /** A value that must be unique appears twice. */
    DUPLICATE
  }

  public ConfigProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  /** {@code file:line: key: detail}, leaving out the parts that are unknown. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(file);
    if (line > 0) {
      out.append(':').append(line);
    }
    out.append(": ");
    if (!key.isEmpty()) {
      out.append(key).append(": ");
    }
    return out.append(detail).toString();
  }
}
