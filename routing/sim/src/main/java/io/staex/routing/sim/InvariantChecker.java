package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.routing.NodeState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Checks a converged simulation against the real live graph, computed here without any routing
 * code ({@link LiveGraph}):
 *
 * <ol>
 *   <li><b>loop-free</b>: every trace ends in Local or Unreachable, without a loop (a node
 *       reached twice while climbing, or a source route that revisits a node);
 *   <li><b>delivery</b>: a live destination joined to the source by working links is delivered;
 *       any other ends Unreachable at a root (a node without an active parent). A failure
 *       between two trees (source and destination under different roots, joined only by a
 *       link that is no one's active parent link, e.g. an island cut off from the root that
 *       touches the main tree through a member's backup parent) is reported as "delivery
 *       across roots", to tell this limitation of the design from other failures;
 *   <li><b>shortest</b>: the source route a decider chose costs exactly the shortest distance in
 *       the real live graph restricted to the links the decider can know of: its own, and those
 *       whose child's state is in its view (a state lists the child's parent links). Such a
 *       route may pass a node whose own state is not in the view (a parent named by a state in
 *       it); those are counted ({@link Report#viaOutsideView()}), not flagged, since the links
 *       it uses are real and declared;
 *   <li><b>root view</b>: every live root's view (addresses and their active parents) is the real
 *       tree of live nodes whose active-parent chain reaches that root;
 *   <li><b>parent choice</b>: every live node's active parent is its most preferred parent with
 *       a working link (none if no parent link works);
 * </ol>
 *
 * plus anything the simulator could not carry out ({@link SimNetwork#anomalies()}). Small
 * networks are checked on all (source, destination) pairs, large ones on a random sample.
 */
public final class InvariantChecker {
  /** Views at least this large get their distances cached during one check. */
  private static final int CACHE_VIEWS_FROM = 1000;
  private static final int MAX_LISTED = 50;

  /** What one check saw; {@code violations} lists at most 50, {@code violationCount} all. */
  public record Report(
      int pairs, int delivered, int unreachable, int backtracks, int viaOutsideView,
      int rootsChecked, int violationCount, int acrossRoots, List<String> violations) {
    public Report {
      violations = List.copyOf(violations);
    }

    public boolean ok() {
      return violationCount == 0;
    }

    public String summary() {
      return pairs + " pairs: " + delivered + " delivered, " + unreachable + " unreachable, "
          + backtracks + " detour hops, " + viaOutsideView + " routes through nodes outside the"
          + " decider's view; " + rootsChecked + " root views; " + violationCount
          + " violations (" + acrossRoots + " of them delivery across roots)";
    }

    @Override
    public String toString() {
      return summary() + (violations.isEmpty() ? "" : "\n  " + String.join("\n  ", violations));
    }
  }

  private final SimNetwork net;
  private final List<SimNode> nodes;
  private LiveGraph graph;
  private final Map<Integer, boolean[]> viewCache = new HashMap<>();
  private final Map<Integer, long[]> distCache = new HashMap<>();
  private final Map<Address, Address> rootOf = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private int violationCount;
  private int viaOutsideView;
  private int acrossRoots;

  public InvariantChecker(SimNetwork net) {
    this.net = net;
    this.nodes = net.nodes();
  }

  /** All pairs up to 2 000 of them, else 2 000 random pairs. */
  public Report check() {
    return check(2000, net.config().seed());
  }

  /**
   * Checks all (live source, any destination) pairs if there are at most {@code maxPairs},
   * else {@code maxPairs} pairs drawn with {@code seed}; roots and parent choice always in full.
   */
  public Report check(int maxPairs, long seed) {
    graph = new LiveGraph(net);
    viewCache.clear();
    distCache.clear();
    rootOf.clear();
    violations.clear();
    violationCount = 0;
    viaOutsideView = 0;
    acrossRoots = 0;
    net.anomalies().forEach(a -> violation("simulator: " + a));
    List<SimNode> live = nodes.stream().filter(SimNode::isAlive).toList();
    int pairs = 0;
    int delivered = 0;
    int unreachable = 0;
    int backtracks = 0;
    List<int[]> todo = pairs(live, maxPairs, seed);
    for (int[] p : todo) {
      SimNode s = nodes.get(p[0]);
      SimNode d = nodes.get(p[1]);
      Trace t = net.trace(s, d.address());
      pairs++;
      backtracks += t.backtracks();
      if (t.delivered()) {
        delivered++;
      } else if (t.outcome() == Trace.Outcome.UNREACHABLE) {
        unreachable++;
      }
      checkPair(s, d, t);
    }
    int roots = 0;
    for (SimNode n : live) {
      checkParentChoice(n);
      if (n.routing().activeParent().isEmpty()) {
        roots++;
        checkRootView(n, live);
      }
    }
    return new Report(pairs, delivered, unreachable, backtracks, viaOutsideView, roots,
        violationCount, acrossRoots, violations);
  }

  private List<int[]> pairs(List<SimNode> live, int maxPairs, long seed) {
    List<int[]> out = new ArrayList<>();
    if ((long) live.size() * nodes.size() <= maxPairs) {
      for (SimNode s : live) {
        for (SimNode d : nodes) {
          out.add(new int[] {s.index(), d.index()});
        }
      }
      return out;
    }
    Random r = new Random(seed);
    for (int i = 0; i < maxPairs && !live.isEmpty(); i++) {
      out.add(new int[] {live.get(r.nextInt(live.size())).index(), r.nextInt(nodes.size())});
    }
    return out;
  }

  // (1), (2), (3)
  private void checkPair(SimNode s, SimNode d, Trace t) {
    boolean reachable = d.isAlive() && graph.connected(s.index(), d.index());
    if (reachable && !t.delivered()) {
      Address sr = root(s);
      Address dr = root(d);
      if (t.outcome() == Trace.Outcome.UNREACHABLE && !sr.equals(dr)) {
        acrossRoots++;
        violation("delivery across roots: " + t.describe(net) + ": " + d.label() + " hangs under "
            + label(dr) + ", not " + label(sr) + ", though working links join them");
      } else {
        violation("delivery: " + t.describe(net) + ", though " + d.label()
            + " is reachable over working links");
      }
      return;
    }
    if (!reachable) {
      if (t.outcome() != Trace.Outcome.UNREACHABLE) {
        violation("delivery: " + t.describe(net) + ", though " + d.label()
            + (d.isAlive() ? " is not reachable over working links" : " is down"));
        return;
      }
      SimNode end = net.node(t.endedAt());
      if (end.routing().activeParent().isPresent()) {
        violation("delivery: " + t.describe(net) + " ends Unreachable at " + end.label()
            + ", which is not a root");
      }
      return;
    }
    t.decider().ifPresent(dec -> checkShortest(net.node(dec), d, t));
  }

  private void checkShortest(SimNode decider, SimNode d, Trace t) {
    boolean[] inView = view(decider);
    long chosen = 0;
    int prev = decider.index();
    boolean outside = false;
    for (Address a : t.forwardPath()) {
      int next = net.node(a).index();
      outside |= !inView[next];
      chosen += graph.cost(prev, next);
      prev = next;
    }
    if (outside) {
      viaOutsideView++;
    }
    long best = distances(decider, inView)[d.index()];
    if (chosen != best) {
      violation("shortest: " + t.describe(net) + " costs " + chosen + ", but the shortest path over"
          + " the working links " + decider.label() + "'s view declares costs "
          + (best == LiveGraph.UNREACHABLE ? "infinity" : Long.toString(best)));
    }
  }

  // (4)
  private void checkRootView(SimNode root, List<SimNode> live) {
    Map<Address, List<SimNode>> childrenOf = new HashMap<>();
    for (SimNode n : live) {
      n.routing().activeParent().ifPresent(
          p -> childrenOf.computeIfAbsent(p, k -> new ArrayList<>()).add(n));
    }
    Map<Address, Optional<Address>> expected = new HashMap<>();
    ArrayDeque<SimNode> todo = new ArrayDeque<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      SimNode n = todo.poll();
      if (expected.put(n.address(), n.routing().activeParent()) != null) {
        continue;
      }
      todo.addAll(childrenOf.getOrDefault(n.address(), List.of()));
    }
    Map<Address, Optional<Address>> actual = new HashMap<>();
    for (NodeState s : root.routing().view()) {
      actual.put(s.address(), s.activeParent());
    }
    if (actual.equals(expected)) {
      return;
    }
    List<String> diffs = new ArrayList<>();
    expected.forEach((a, p) -> {
      if (!actual.containsKey(a)) {
        diffs.add("missing " + label(a));
      } else if (!actual.get(a).equals(p)) {
        diffs.add(label(a) + " under " + actual.get(a).map(this::label).orElse("none")
            + " instead of " + p.map(this::label).orElse("none"));
      }
    });
    actual.keySet().stream().filter(a -> !expected.containsKey(a))
        .forEach(a -> diffs.add("extra " + label(a)));
    violation("root view: " + root.label() + "'s view (" + actual.size() + " states) differs from "
        + "the real tree (" + expected.size() + " nodes): "
        + String.join(", ", diffs.subList(0, Math.min(10, diffs.size())))
        + (diffs.size() > 10 ? ", ... (" + diffs.size() + " differences)" : ""));
  }

  // (5)
  private void checkParentChoice(SimNode n) {
    // Ranks (issue 14): the first parent whose link works, that has a way up (its chain reaches
    // a real root) and is not below n; else, when n has a way up, some other neighbour it climbs
    // through (a fallback); else (detached) the first parent whose link works and is not below.
    Optional<Address> actual = n.routing().activeParent();
    Optional<Address> expected = Optional.empty();
    for (SimNode p : n.parents()) {
      if (n.links.get(p.address()).isUp() && attached(p) && !chainPasses(p, n)) {
        expected = Optional.of(p.address());
        break;
      }
    }
    String rule = "the first of %s whose link works and that has a way up";
    if (expected.isEmpty() && attached(n) && actual.isPresent() && !n.parents().stream()
        .map(SimNode::address).toList().contains(actual.get())) {
      SimLink l = n.links.get(actual.get());
      if (l != null && l.isUp()) {
        return; // a fallback: a neighbour with a way up
      }
    }
    if (expected.isEmpty() && !attached(n)) {
      rule = "detached: the first of %s whose link works and that is not below it";
      for (SimNode p : n.parents()) {
        if (n.links.get(p.address()).isUp() && !chainPasses(p, n)) {
          expected = Optional.of(p.address());
          break;
        }
      }
    }
    if (!actual.equals(expected)) {
      violation("parent choice: " + n.label() + " has active parent "
          + actual.map(this::label).orElse("none") + ", expected "
          + expected.map(this::label).orElse("none") + " (" + String.format(rule,
              n.parents().stream().map(p -> p.label() + (n.links.get(p.address()).isUp()
                  ? "(up" + (attached(p) ? ")" : ", no way up)") : "(down)")).toList()) + ")");
    }
  }

  /** Whether {@code n}'s chain of active parents ends at a real root (one without parents). */
  private boolean attached(SimNode n) {
    return net.node(root(n)).parents().isEmpty() && net.node(root(n)).isAlive()
        && !chainPasses(n, null);
  }

  /**
   * Whether {@code from}'s chain of active parents passes {@code through} (null: comes back to a
   * node it passed, a loop).
   */
  private boolean chainPasses(SimNode from, SimNode through) {
    java.util.Set<Address> seen = new java.util.HashSet<>();
    SimNode at = from;
    for (int i = 0; i <= nodes.size(); i++) {
      if (!seen.add(at.address())) {
        return through == null;
      }
      if (through != null && at == through) {
        return true;
      }
      Optional<SimNode> next = at.activeParent().flatMap(net::find).filter(SimNode::isAlive);
      if (next.isEmpty()) {
        return false;
      }
      at = next.get();
    }
    return through == null;
  }

  /** The root at the end of n's active-parent chain (n itself if the chain breaks or loops). */
  private Address root(SimNode n) {
    Address cached = rootOf.get(n.address());
    if (cached != null) {
      return cached;
    }
    SimNode at = n;
    for (int i = 0; i <= nodes.size(); i++) {
      Optional<Address> p = at.activeParent();
      Optional<SimNode> next = p.flatMap(net::find).filter(SimNode::isAlive);
      if (next.isEmpty()) {
        break;
      }
      at = next.get();
    }
    rootOf.put(n.address(), at.address());
    return at.address();
  }

  private boolean[] view(SimNode decider) {
    boolean[] cached = viewCache.get(decider.index());
    if (cached != null) {
      return cached;
    }
    boolean[] in = new boolean[nodes.size()];
    int size = 0;
    for (NodeState s : decider.routing().view()) {
      Optional<SimNode> n = net.find(s.address());
      if (n.isPresent()) {
        in[n.get().index()] = true;
        size++;
      }
    }
    if (size >= CACHE_VIEWS_FROM) {
      viewCache.put(decider.index(), in);
    }
    return in;
  }

  private long[] distances(SimNode decider, boolean[] inView) {
    long[] cached = distCache.get(decider.index());
    if (cached != null) {
      return cached;
    }
    long[] d = graph.distances(decider.index(), inView);
    if (viewCache.containsKey(decider.index())) {
      distCache.put(decider.index(), d);
    }
    return d;
  }

  private String label(Address a) {
    return net.find(a).map(SimNode::label).orElse(a.shortText());
  }

  private void violation(String what) {
    violationCount++;
    if (violations.size() < MAX_LISTED) {
      violations.add(what);
    }
  }
}
