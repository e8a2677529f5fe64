package io.staex.routing.internal;

import io.staex.crypto.Address;
import io.staex.routing.ParentLink;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The graph of one node's view, built from what is declared about it:
 *
 * <ul>
 *   <li>each node's state declares an edge to each of its parents ({@link #setParents}, {@link
 *       #remove});
 *   <li>the owner's live links declare edges from the owner to its neighbours ({@link #setLink},
 *       {@link #removeLink}).
 * </ul>
 *
 * <p>Edges are undirected (a link carries traffic both ways). An edge exists while at least one
 * declaration names it; its cost is the least declared cost. With {@code linksOnlyAtOwner} (a
 * routing node's graph) an edge at the owner exists only while the owner's link to that
 * neighbour is up: the owner knows its own links, and a state
 * naming the owner may predate the link's loss (a blackholed child's state lingers for
 * {@code withdrawGrace}; routing through it would send frames into the dead link). A vertex exists while it is the
 * owner, has a state here, or is the end of an edge. Replacing or removing one declaration
 * removes exactly the edges only it declared.
 *
 * <p>Vertices have dense int indices for {@link ShortestPaths}; a freed index is reused by the
 * next new vertex. {@link #version()} increments on every change of the graph (vertices, edges,
 * effective costs), not on declarations that change nothing.
 *
 * <p>Finding an edge scans the shorter adjacency list of its two ends (each entry knows where
 * its twin in the other end's list is), so a change costs O(parents declared + the smaller
 * degree): a root with a million children adds and drops each as cheaply as a leaf. Not safe
 * for concurrent use.
 */
public final class Topology {
  private static final int[] NONE = new int[0];
  /** "No edge" in cost arrays; real costs are 1~{@link ParentLink#MAX_COST}. */
  private static final int ABSENT = 0;

  private final Address owner;
  private final Map<Address, Integer> indices = new HashMap<>();
  /** Address of each index; null for a free index. */
  private Address[] addresses = new Address[16];
  /** Freed indices, reused last-freed first. */
  private int[] free = new int[16];
  private int freeCount;
  /** One past the highest index ever used. */
  private int bound;

  /** Effective edges: neighbours and costs of each vertex, first {@code degree[v]} valid. */
  private int[][] adjacent = new int[16][];
  private int[][] adjacentCost = new int[16][];
  /** For entry i of v's adjacency, naming u: where u's adjacency names v. */
  private int[][] twin = new int[16][];
  private int[] degree = new int[16];

  /** Declared by each vertex's state: its parents and their costs; null without a state. */
  private int[][] declaredParents = new int[16][];
  private int[][] declaredCosts = new int[16][];
  /** Cost of the owner's live link to each vertex, or ABSENT. */
  private int[] linkCost = new int[16];
  /**
   * How many states declare each vertex as a parent. A declared vertex stays (its index is
   * named by those declarations) even without an edge, which happens with linksOnlyAtOwner.
   */
  private int[] namedBy = new int[16];

  private long version;

  private final boolean linksOnlyAtOwner;

  /** An empty graph holding only {@code owner}, with index 0; states declare edges at it too. */
  public Topology(Address owner) {
    this(owner, false);
  }

  /**
   * An empty graph holding only {@code owner}, with index 0.
   *
   * @param linksOnlyAtOwner whether an edge at the owner needs the owner's live link ({@link
   *     #setLink}); else a state's declaration makes it too
   */
  public Topology(Address owner, boolean linksOnlyAtOwner) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.linksOnlyAtOwner = linksOnlyAtOwner;
    allocate(owner);
  }

  public Address owner() {
    return owner;
  }

  /** Incremented on every change of vertices, edges or effective costs. */
  public long version() {
    return version;
  }

  /** Number of vertices, the owner included. */
  public int size() {
    return indices.size();
  }

  public boolean contains(Address node) {
    return indices.containsKey(node);
  }

  /** The effective cost of the edge between {@code a} and {@code b}, if there is one. */
  public OptionalInt cost(Address a, Address b) {
    Integer ia = indices.get(a);
    Integer ib = indices.get(b);
    if (ia == null || ib == null) {
      return OptionalInt.empty();
    }
    int c = edgeCost(ia, ib);
    return c == ABSENT ? OptionalInt.empty() : OptionalInt.of(c);
  }

  /**
   * Replaces what {@code node}'s state declares: an edge to each parent with its cost. The node
   * becomes a vertex (even with no parents) until {@link #remove}d.
   *
   * @param parents no duplicates, not {@code node} itself
   * @return whether the graph changed
   */
  public boolean setParents(Address node, List<ParentLink> parents) {
    Objects.requireNonNull(node, "node");
    checkParents(node, parents);
    boolean changed = !indices.containsKey(node);
    int v = indexOrAllocate(node);
    int[] oldParents = declaredParents[v] == null ? NONE : declaredParents[v];
    int[] newParents = new int[parents.size()];
    int[] newCosts = new int[parents.size()];
    for (int i = 0; i < parents.size(); i++) {
      ParentLink p = parents.get(i);
      changed |= !indices.containsKey(p.parent());
      newParents[i] = indexOrAllocate(p.parent());
      newCosts[i] = p.cost();
    }
    for (int p : newParents) {
      namedBy[p]++;
    }
    for (int p : oldParents) {
      namedBy[p]--;
    }
    declaredParents[v] = newParents;
    declaredCosts[v] = newCosts;
    for (int p : newParents) {
      changed |= refresh(v, p);
    }
    for (int p : oldParents) {
      if (indexOf(newParents, p) < 0) {
        changed |= refresh(v, p);
        freeIfUnused(p);
      }
    }
    return bump(changed);
  }

  /**
   * Forgets {@code node}'s state: removes the edges it declared, and the vertex itself unless
   * it is the owner or another declaration still names it.
   *
   * @return whether the graph changed
   */
  public boolean remove(Address node) {
    Integer boxed = indices.get(node);
    if (boxed == null || declaredParents[boxed] == null) {
      return false;
    }
    int v = boxed;
    int[] oldParents = declaredParents[v];
    declaredParents[v] = null;
    declaredCosts[v] = null;
    boolean changed = false;
    for (int p : oldParents) {
      namedBy[p]--;
    }
    for (int p : oldParents) {
      changed |= refresh(v, p);
      freeIfUnused(p);
    }
    changed |= freeIfUnused(v);
    return bump(changed);
  }

  /**
   * The owner's live link to {@code neighbour} is up with {@code cost} (1~{@link
   * ParentLink#MAX_COST}); replaces an earlier cost of the same link.
   *
   * @return whether the graph changed
   */
  public boolean setLink(Address neighbour, int cost) {
    Objects.requireNonNull(neighbour, "neighbour");
    if (neighbour.equals(owner)) {
      throw new IllegalArgumentException("link from the owner " + owner.shortText() + " to itself");
    }
    if (cost < 1 || cost > ParentLink.MAX_COST) {
      throw new IllegalArgumentException(
          "link cost: " + cost + " (expected: 1~" + ParentLink.MAX_COST + ")");
    }
    boolean changed = !indices.containsKey(neighbour);
    int n = indexOrAllocate(neighbour);
    linkCost[n] = cost;
    changed |= refresh(0, n);
    return bump(changed);
  }

  /**
   * The owner's live link to {@code neighbour} is gone.
   *
   * @return whether the graph changed
   */
  public boolean removeLink(Address neighbour) {
    Integer boxed = indices.get(neighbour);
    if (boxed == null || linkCost[boxed] == ABSENT) {
      return false;
    }
    int n = boxed;
    linkCost[n] = ABSENT;
    boolean changed = refresh(0, n);
    changed |= freeIfUnused(n);
    return bump(changed);
  }

  // ---- for ShortestPaths (and tests) in this package ----

  /** The index of {@code node}, or -1. The owner's is 0. */
  int indexOf(Address node) {
    Integer i = indices.get(node);
    return i == null ? -1 : i;
  }

  /** The address at {@code index}, or null if the index is free. */
  Address addressAt(int index) {
    return addresses[index];
  }

  /** One past the highest index in use; arrays indexed by vertex need this length. */
  int indexBound() {
    return bound;
  }

  int degree(int v) {
    return degree[v];
  }

  /** Neighbours of {@code v}; only the first {@link #degree(int)} entries are valid. */
  int[] neighbours(int v) {
    return adjacent[v];
  }

  /** Costs matching {@link #neighbours(int)}. */
  int[] costs(int v) {
    return adjacentCost[v];
  }

  // ---- declarations to effective edges ----

  /** Recomputes the effective edge between {@code u} and {@code v}; whether it changed. */
  private boolean refresh(int u, int v) {
    int c = min(declared(u, v), declared(v, u));
    // With linksOnlyAtOwner, the owner knows its own links: an edge at the owner exists only
    // while its link is up, whatever states still declare it (a child's state from before its
    // link went down).
    if (u == 0) {
      c = linksOnlyAtOwner && linkCost[v] == ABSENT ? ABSENT : min(c, linkCost[v]);
    }
    if (v == 0) {
      c = linksOnlyAtOwner && linkCost[u] == ABSENT ? ABSENT : min(c, linkCost[u]);
    }
    int i = position(u, v);
    if (i < 0 && c != ABSENT) {
      addEdge(u, v, c);
    } else if (i >= 0 && c == ABSENT) {
      int j = twin[u][i];
      removeHalfEdge(u, i);
      removeHalfEdge(v, j);
    } else if (i >= 0 && c != adjacentCost[u][i]) {
      adjacentCost[u][i] = c;
      adjacentCost[v][twin[u][i]] = c;
    } else {
      return false;
    }
    return true;
  }

  /** Cost {@code from}'s state declares for its parent {@code to}, or ABSENT. */
  private int declared(int from, int to) {
    int[] parents = declaredParents[from];
    if (parents == null) {
      return ABSENT;
    }
    int i = indexOf(parents, to);
    return i < 0 ? ABSENT : declaredCosts[from][i];
  }

  /** Least of two costs where ABSENT means none. */
  private static int min(int a, int b) {
    if (a == ABSENT) {
      return b;
    }
    return b == ABSENT ? a : Math.min(a, b);
  }

  private int edgeCost(int u, int v) {
    int i = position(u, v);
    return i < 0 ? ABSENT : adjacentCost[u][i];
  }

  /**
   * Where {@code v} is in {@code u}'s adjacency, or -1: scans the shorter of the two lists and
   * crosses over by the twin position, so a hub's many edges cost no more than a leaf's.
   */
  private int position(int u, int v) {
    if (degree[u] <= degree[v]) {
      return indexOf(adjacent[u], degree[u], v);
    }
    int j = indexOf(adjacent[v], degree[v], u);
    return j < 0 ? -1 : twin[v][j];
  }

  private void addEdge(int u, int v, int cost) {
    int i = appendHalfEdge(u, v, cost);
    int j = appendHalfEdge(v, u, cost);
    twin[u][i] = j;
    twin[v][j] = i;
  }

  private int appendHalfEdge(int u, int v, int cost) {
    int i = degree[u]++;
    if (i == adjacent[u].length) {
      int grown = Math.max(4, i * 2);
      adjacent[u] = Arrays.copyOf(adjacent[u], grown);
      adjacentCost[u] = Arrays.copyOf(adjacentCost[u], grown);
      twin[u] = Arrays.copyOf(twin[u], grown);
    }
    adjacent[u][i] = v;
    adjacentCost[u][i] = cost;
    return i;
  }

  /** Removes entry {@code i} of {@code u}'s adjacency by moving the last one into its place. */
  private void removeHalfEdge(int u, int i) {
    int last = --degree[u];
    if (i != last) {
      int w = adjacent[u][last];
      adjacent[u][i] = w;
      adjacentCost[u][i] = adjacentCost[u][last];
      twin[u][i] = twin[u][last];
      twin[w][twin[u][i]] = i; // w's entry for u follows the move
    }
  }

  // ---- vertices ----

  private int indexOrAllocate(Address node) {
    Integer i = indices.get(node);
    return i != null ? i : allocate(node);
  }

  private int allocate(Address node) {
    int v = freeCount > 0 ? free[--freeCount] : bound++;
    if (v == addresses.length) {
      grow(v * 2);
    }
    addresses[v] = node;
    indices.put(node, v);
    adjacent[v] = NONE;
    adjacentCost[v] = NONE;
    twin[v] = NONE;
    return v;
  }

  /** Frees {@code v} if nothing keeps it: not the owner, no state, no edge, named by no state. */
  private boolean freeIfUnused(int v) {
    if (v == 0 || declaredParents[v] != null || degree[v] > 0 || namedBy[v] > 0) {
      return false;
    }
    indices.remove(addresses[v]);
    addresses[v] = null;
    adjacent[v] = null;
    adjacentCost[v] = null;
    twin[v] = null;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, freeCount * 2);
    }
    free[freeCount++] = v;
    return true;
  }

  private void grow(int capacity) {
    addresses = Arrays.copyOf(addresses, capacity);
    adjacent = Arrays.copyOf(adjacent, capacity);
    adjacentCost = Arrays.copyOf(adjacentCost, capacity);
    twin = Arrays.copyOf(twin, capacity);
    degree = Arrays.copyOf(degree, capacity);
    declaredParents = Arrays.copyOf(declaredParents, capacity);
    declaredCosts = Arrays.copyOf(declaredCosts, capacity);
    linkCost = Arrays.copyOf(linkCost, capacity);
    namedBy = Arrays.copyOf(namedBy, capacity);
  }

  private boolean bump(boolean changed) {
    if (changed) {
      version++;
    }
    return changed;
  }

  private static void checkParents(Address node, List<ParentLink> parents) {
    for (int i = 0; i < parents.size(); i++) {
      Address p = parents.get(i).parent();
      if (p.equals(node)) {
        throw new IllegalArgumentException("node " + node.shortText() + " lists itself as parent");
      }
      for (int j = 0; j < i; j++) {
        if (parents.get(j).parent().equals(p)) {
          throw new IllegalArgumentException(
              "node " + node.shortText() + " lists parent " + p.shortText() + " twice");
        }
      }
    }
  }

  private static int indexOf(int[] values, int value) {
    return indexOf(values, values.length, value);
  }

  private static int indexOf(int[] values, int length, int value) {
    for (int i = 0; i < length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
