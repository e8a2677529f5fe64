package io.staex.conf;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One file of {@code forwards-dir} as last read: its forwards if it is valid, else its problems
 * (and no forwards: a broken file is ignored as a whole, never half applied).
 *
 * @param path the file
 * @param forwards its forwards; empty when it has problems
 * @param problems what is wrong with it; empty when it is valid
 */
public record ForwardFile(Path path, List<ForwardConfig> forwards, List<ConfigProblem> problems) {
  public ForwardFile {
    Objects.requireNonNull(path, "path");
    forwards = List.copyOf(forwards);
    problems = List.copyOf(problems);
    if (!forwards.isEmpty() && !problems.isEmpty()) {
      throw new IllegalArgumentException(
          path + ": both forwards and problems (expected: a file is valid or ignored)");
    }
  }

  public boolean isValid() {
    return problems.isEmpty();
  }
}
