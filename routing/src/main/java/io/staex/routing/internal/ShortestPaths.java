package io.staex.routing.internal;

import io.staex.crypto.Address;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Shortest paths from the owner of a {@link Topology} to every vertex: Dijkstra with a binary
 * heap on primitive arrays ({@link VertexHeap}, lazy deletion), recomputed lazily, on the first
 * query after {@link Topology#version()} changed.
 *
 * <p><b>Ties.</b> Among equal-cost predecessors of a vertex the one with the least {@link
 * Address} wins. Every such predecessor is settled, and so relaxes the vertex, before the vertex
 * itself (costs are at least 1), so the choice does not depend on heap order or vertex indices:
 * of all shortest paths to a destination, {@link #pathTo} returns the one whose vertices, read
 * from the destination back to the owner, are least in address order at the first difference.
 * The same graph gives the same paths however it was built, which keeps the simulator
 * reproducible. The paths form a tree: the path to a vertex on a path is a prefix of it.
 *
 * <p>Distances are sums of costs up to 65535 each, kept in {@code long}. Not safe for
 * concurrent use.
 */
public final class ShortestPaths {
  private static final long UNREACHED = Long.MAX_VALUE;
  private static final int NO_VERTEX = -1;

  private final Topology topology;
  private final VertexHeap heap = new VertexHeap();
  /** Topology version the arrays below were computed for; -1 before the first computation. */
  private long computedVersion = -1;
  private int computations;

  private long[] distance = new long[0];
  private int[] predecessor = new int[0];
  /** Paths built by {@link #pathTo} since the last computation, by vertex; null if not yet. */
  private List<Address>[] paths = newPathArray(0);

  public ShortestPaths(Topology topology) {
    this.topology = Objects.requireNonNull(topology, "topology");
  }

  /** Where all paths start. */
  public Address owner() {
    return topology.owner();
  }

  /** Sum of costs along a shortest path to {@code destination}; empty if unreachable. */
  public OptionalLong distanceTo(Address destination) {
    int v = reachableIndex(destination);
    return v == NO_VERTEX ? OptionalLong.empty() : OptionalLong.of(distance[v]);
  }

  /**
   * A shortest path to {@code destination}: the next hop first, {@code destination} last, the
   * owner left out (so the owner's own path is empty). Empty if unreachable.
   */
  public Optional<List<Address>> pathTo(Address destination) {
    int v = reachableIndex(destination);
    if (v == NO_VERTEX) {
      return Optional.empty();
    }
    if (paths[v] == null) {
      paths[v] = buildPath(v);
    }
    return Optional.of(paths[v]);
  }

  /** How often the paths were computed; for tests of the caching. */
  int computations() {
    return computations;
  }

  /** Computes all paths now, whether or not the topology changed (for {@link DijkstraScale}). */
  void recompute() {
    int n = topology.indexBound();
    if (distance.length < n) {
      int capacity = Math.max(n, distance.length * 2);
      distance = new long[capacity];
      predecessor = new int[capacity];
      paths = newPathArray(capacity);
    }
    Arrays.fill(distance, 0, n, UNREACHED);
    Arrays.fill(predecessor, 0, n, NO_VERTEX);
    Arrays.fill(paths, 0, n, null);
    dijkstra();
    computedVersion = topology.version();
    computations++;
  }

  private void dijkstra() {
    heap.clear();
    distance[0] = 0; // the owner
    heap.push(0, 0);
    while (!heap.isEmpty()) {
      long du = heap.peekKey();
      int u = heap.poll();
      if (du > distance[u]) {
        continue; // stale: u was reached more cheaply after this entry was pushed
      }
      int[] neighbours = topology.neighbours(u);
      int[] costs = topology.costs(u);
      for (int i = 0, degree = topology.degree(u); i < degree; i++) {
        int v = neighbours[i];
        long dv = du + costs[i];
        if (dv < distance[v]) {
          distance[v] = dv;
          predecessor[v] = u;
          heap.push(dv, v);
        } else if (dv == distance[v] && precedes(u, predecessor[v])) {
          predecessor[v] = u; // a tie: the least address wins (v is not settled yet)
        }
      }
    }
  }

  private boolean precedes(int u, int w) {
    return topology.addressAt(u).compareTo(topology.addressAt(w)) < 0;
  }

  private List<Address> buildPath(int v) {
    int hops = 0;
    for (int w = v; w != 0; w = predecessor[w]) {
      hops++;
    }
    Address[] path = new Address[hops];
    for (int w = v; w != 0; w = predecessor[w]) {
      path[--hops] = topology.addressAt(w);
    }
    return List.of(path);
  }

  /** The index of {@code destination} after bringing the paths up to date, if reachable. */
  private int reachableIndex(Address destination) {
    Objects.requireNonNull(destination, "destination");
    if (computedVersion != topology.version()) {
      recompute();
    }
    int v = topology.indexOf(destination);
    return v == NO_VERTEX || distance[v] == UNREACHED ? NO_VERTEX : v;
  }

  @SuppressWarnings("unchecked")
  private static List<Address>[] newPathArray(int length) {
    return (List<Address>[]) new List<?>[length];
  }
}
