package io.staex.node.internal;

import io.staex.conf.ForwardConfig;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What changed between two sets of port forwards. A changed forward (same listen address, other
 * target) is one removed and one added: its listener is stopped and started again, and
 * unrelated forwards are not touched.
 *
 * @param added forwards to start
 * @param removed forwards to stop
 */
public record ForwardsDiff(Set<ForwardConfig> added, Set<ForwardConfig> removed) {
  public ForwardsDiff {
    added = Set.copyOf(added);
    removed = Set.copyOf(removed);
  }

  /** The difference from {@code before} to {@code after}. */
  public static ForwardsDiff of(Set<ForwardConfig> before, Set<ForwardConfig> after) {
    Set<ForwardConfig> added = new LinkedHashSet<>(after);
    added.removeAll(before);
    Set<ForwardConfig> removed = new LinkedHashSet<>(before);
    removed.removeAll(after);
    return new ForwardsDiff(added, removed);
  }

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty();
  }
}
