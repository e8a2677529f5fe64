package io.staex.routing.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The real topology at one instant, independent of any routing code: vertices are the
 * simulation's nodes (by index), edges the links that work now (live ends, not cut,
 * connected), weighted by their cost. Plain BFS and Dijkstra, as the checker's reference.
 */
final class LiveGraph {
  static final long UNREACHABLE = Long.MAX_VALUE;

  private final int size;
  private final int[][] neighbours;
  private final int[][] costs;
  /** The child end of each edge: whose state declares it. */
  private final int[][] childOf;
  private final int[] component;

  LiveGraph(SimNetwork net) {
    List<SimNode> nodes = net.nodes();
    size = nodes.size();
    List<List<int[]>> adj = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      adj.add(new ArrayList<>(2));
    }
    for (SimLink l : net.links()) {
      if (l.isUp()) {
        int a = l.child().index();
        int b = l.parent().index();
        adj.get(a).add(new int[] {b, l.profile().cost(), a});
        adj.get(b).add(new int[] {a, l.profile().cost(), a});
      }
    }
    neighbours = new int[size][];
    costs = new int[size][];
    childOf = new int[size][];
    for (int i = 0; i < size; i++) {
      List<int[]> es = adj.get(i);
      neighbours[i] = new int[es.size()];
      costs[i] = new int[es.size()];
      childOf[i] = new int[es.size()];
      for (int k = 0; k < es.size(); k++) {
        neighbours[i][k] = es.get(k)[0];
        costs[i][k] = es.get(k)[1];
        childOf[i][k] = es.get(k)[2];
      }
    }
    component = new int[size];
    Arrays.fill(component, -1);
    int c = 0;
    for (int i = 0; i < size; i++) {
      if (component[i] < 0 && nodes.get(i).isAlive()) {
        label(i, c++);
      }
    }
  }

  private void label(int start, int c) {
    ArrayDeque<Integer> todo = new ArrayDeque<>();
    component[start] = c;
    todo.add(start);
    while (!todo.isEmpty()) {
      int v = todo.poll();
      for (int w : neighbours[v]) {
        if (component[w] < 0) {
          component[w] = c;
          todo.add(w);
        }
      }
    }
  }

  /** Whether both are alive and joined by working links. */
  boolean connected(int a, int b) {
    return component[a] >= 0 && component[a] == component[b];
  }

  /** The cost of the working link between a and b, or -1. */
  int cost(int a, int b) {
    for (int k = 0; k < neighbours[a].length; k++) {
      if (neighbours[a][k] == b) {
        return costs[a][k];
      }
    }
    return -1;
  }

  /**
   * Shortest distances from {@code source} over the links {@code source} can know of: its own
   * links, and every link whose child has {@code declared[child]} (a child's state lists its
   * parent links, so a decider that holds the child's state knows the link).
   */
  long[] distances(int source, boolean[] declared) {
    long[] dist = new long[size];
    Arrays.fill(dist, UNREACHABLE);
    dist[source] = 0;
    PriorityQueue<long[]> pq = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
    pq.add(new long[] {0, source});
    while (!pq.isEmpty()) {
      long[] e = pq.poll();
      int v = (int) e[1];
      if (e[0] > dist[v]) {
        continue;
      }
      for (int k = 0; k < neighbours[v].length; k++) {
        int w = neighbours[v][k];
        boolean known = v == source || w == source || declared[childOf[v][k]];
        long d = e[0] + costs[v][k];
        if (known && d < dist[w]) {
          dist[w] = d;
          pq.add(new long[] {d, w});
        }
      }
    }
    return dist;
  }
}
