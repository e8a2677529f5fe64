package io.staex.conf;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that was refused, with every problem found in it (not only the first), each
 * naming file, line, key, value and what was expected. The message lists them one per line.
 */
public final class BadConfigException extends Exception {
  private final List<ConfigProblem> problems;

  /** @param problems at least one */
  public BadConfigException(List<ConfigProblem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  /** What was wrong, in file order as far as it is known. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String message(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: empty (expected: at least one)");
    }
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    return problems.size() + " problems:\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
