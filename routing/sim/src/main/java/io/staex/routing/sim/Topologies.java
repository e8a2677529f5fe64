package io.staex.routing.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Builds the usual shapes of test networks into a {@link SimNetwork} (not started). */
public final class Topologies {
  private Topologies() {}

  /** A chain {@code c0 ← c1 ← … ← c(n-1)}: node i's only parent is node i-1; c0 is the root. */
  public static List<SimNode> chain(SimNetwork net, int n) {
    List<SimNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(net.addNode("c" + i, i == 0 ? List.of() : List.of(out.get(i - 1))));
    }
    return out;
  }

  /** A full tree: the root and {@code depth} levels below it, each node with {@code fanOut} children. */
  public static List<SimNode> tree(SimNetwork net, int fanOut, int depth) {
    int count = 1;
    int level = 1;
    for (int d = 1; d <= depth; d++) {
      level *= fanOut;
      count += level;
    }
    return tree(net, count, fanOut, 0, new Random(0), List.of());
  }

  /**
   * A tree of {@code count} nodes in breadth-first order: node i's first parent is node (i-1) /
   * fanOut. With probability {@code crossFraction} a node below level 1 also gets a second,
   * less preferred parent: a random node on its first parent's level, in another level-1 branch
   * when there is one (a cross link). Labels spell the path from the root, {@code r}, {@code r0},
   * {@code r01}, … when fanOut is at most 10, else {@code n<i>}.
   */
  public static List<SimNode> tree(
      SimNetwork net, int count, int fanOut, double crossFraction, Random random,
      List<Integer> services) {
    if (fanOut < 1 || count < 1) {
      throw new IllegalArgumentException("count " + count + ", fanOut " + fanOut + " (expected: >= 1)");
    }
    List<SimNode> out = new ArrayList<>(count);
    int[] level = new int[count];
    int[] branch = new int[count];
    List<Integer> levelStart = new ArrayList<>(List.of(0, 1));
    for (int i = 0; i < count; i++) {
      List<SimNode> parents = new ArrayList<>(2);
      String label = "r";
      if (i > 0) {
        int p = (i - 1) / fanOut;
        level[i] = level[p] + 1;
        branch[i] = level[i] == 1 ? i : branch[p];
        if (levelStart.size() <= level[i]) {
          levelStart.add(i);
        }
        parents.add(out.get(p));
        label = fanOut <= 10 ? out.get(p).label() + (i - 1) % fanOut : "n" + i;
        if (level[i] >= 2 && random.nextDouble() < crossFraction) {
          second(p, level, branch, levelStart, random).ifPresent(q -> parents.add(out.get(q)));
        }
      }
      out.add(net.addNode(label, parents, Optional.empty(), services));
    }
    return out;
  }

  /** A random node on p's level other than p, preferably in another branch. */
  private static Optional<Integer> second(
      int p, int[] level, int[] branch, List<Integer> levelStart, Random random) {
    int from = levelStart.get(level[p]);
    int to = level[p] + 1 < levelStart.size() ? levelStart.get(level[p] + 1) : p + 1;
    to = Math.min(to, level.length);
    if (to - from < 2) {
      return Optional.empty();
    }
    int fallback = -1;
    for (int attempt = 0; attempt < 20; attempt++) {
      int q = from + random.nextInt(to - from);
      if (q == p || level[q] != level[p]) {
        continue;
      }
      if (branch[q] != branch[p]) {
        return Optional.of(q);
      }
      fallback = q;
    }
    return fallback < 0 ? Optional.empty() : Optional.of(fallback);
  }
}
