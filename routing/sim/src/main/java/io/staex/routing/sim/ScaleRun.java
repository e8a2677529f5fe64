package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.routing.NodeState;
import io.staex.routing.Route;
import io.staex.routing.RoutingCounters;
import io.staex.routing.RoutingDecodeException;
import io.staex.routing.RoutingSettings;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The simulator at scale (run by {@code bench/routing-scale.sh}): a tree of N nodes with
 * fan-out 10 and 10 % second parents across branches, brought up from cold, checked, disturbed,
 * and measured. Prints each phase with its wall time, and as the last line:
 *
 * <pre>
 * routing-scale nodes=N recompute_ms=X root_heap_mb=Y converge_s=Z msgs_per_node=W failover_periods=F
 * </pre>
 *
 * <ul>
 *   <li>recompute_ms: wall time of the root's first {@code route()} after its view changed
 *       (a leaf switched parents), median of 7;
 *   <li>root_heap_mb: heap the root alone holds: the heap freed when the root's RoutingNode is
 *       dropped (its maps, graph, route cache; the states themselves are shared with the other
 *       nodes of the simulation), plus the heap of a private decoded copy of every state in its
 *       view (what a real root, which decodes states from the wire, holds);
 *   <li>converge_s: virtual seconds from start until the last routing change of the cold start;
 *   <li>msgs_per_node: routing messages sent during the cold start, per node;
 *   <li>failover_periods: one crash of a level-2 node: virtual time from the child's switch to
 *       another parent until its whole subtree is delivered from the root again, in keepalive
 *       intervals (the detection itself, the dead-link timeout, is printed separately); -1 if
 *       it did not come back within an hour.
 * </ul>
 *
 * <p>Arguments: {@code [nodes] [seed] [memo|direct]}. With {@code memo} (the default) the
 * nodes share one memo of verified states through RoutingNode's {@code StateVerifier} injection
 * point, so a state is verified once, not once per level it climbs; {@code direct} verifies at
 * every node, as real nodes do.
 */
public final class ScaleRun {
  private static final int FAN_OUT = 10;
  private static final double CROSS = 0.10;

  private final PrintStream out;
  private final long wallStart = System.nanoTime();

  private ScaleRun(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    boolean memo = args.length <= 2 || !args[2].equals("direct");
    new ScaleRun(System.out).run(n, seed, memo);
  }

  private void run(int n, long seed, boolean memo) throws RoutingDecodeException {
    Runtime rt = Runtime.getRuntime();
    say("java %s (%s), %d cpus, max heap %d MB; %d nodes, fan-out %d, %.0f %% second parents, seed %d,"
        + " state verification: %s",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        rt.availableProcessors(), rt.maxMemory() >> 20, n, FAN_OUT, CROSS * 100, seed,
        memo ? "shared memo" : "at every node");
    RoutingSettings settings = RoutingSettings.defaults();
    SimNetwork net = new SimNetwork(
        SimConfig.defaults(seed, settings).withSharedVerifications(memo));
    Random random = new Random(seed);

    long t = System.nanoTime();
    List<SimNode> nodes = Topologies.tree(net, n, FAN_OUT, CROSS, random, List.of(80, 554));
    long crossLinks = nodes.stream().filter(x -> x.parents().size() > 1).count();
    phase("identities and certificates", t, "%d issued (%.0f us each), %d cross links",
        n, micros(t) / n, crossLinks);

    t = System.nanoTime();
    net.startAll();
    phase("RoutingNodes created", t, "%.0f us each", micros(t) / n);

    net.onProgress(1_000_000, () -> say("  ... virtual %s, %d events, %d messages (%d in flight)",
        since(net), net.eventsExecuted(), net.traffic().messages(), net.messagesInFlight()));
    t = System.nanoTime();
    Convergence cold = net.runUntilConverged(Duration.ofHours(2));
    Traffic coldTraffic = net.traffic();
    phase("cold start", t, "%s; %d events; %s", cold, net.eventsExecuted(), coldTraffic);
    net.verifications().ifPresent(v -> say("  states verified %d times, %d verifications saved by the memo",
        v.verified(), v.saved()));
    double convergeS = cold.took().toMillis() / 1000.0;
    double msgsPerNode = coldTraffic.messages() / (double) n;
    SimNode root = nodes.get(0);
    say("  root's view: %d states", root.routing().view().size());

    drops(net, root, "after the cold start");
    missingAtRoot(net, nodes, root);
    check(net, "after the cold start");

    double recomputeMs = recompute(net, nodes, root, random);

    t = System.nanoTime();
    Failover.Result fo = failover(net, nodes, root);
    phase("failover", t, "%s", fo);
    drops(net, root, "after the failover");
    check(net, "after the failover");
    // -1: the subtree did not come back within the limit (the line has numbers only).
    double failoverPeriods = fo.recovered() && fo.switchedAt().isPresent()
        ? fo.periodsAfterDetection() : -1;
    if (fo.recovered()) {
      say("  detection (dead-link timeout) %.1f periods, total %.2f periods",
          settings.deadLinkTimeout().toNanos() / (double) settings.keepaliveInterval().toNanos(),
          fo.periodsTotal());
    }

    t = System.nanoTime();
    double rootHeapMb = rootHeap(net, root);
    phase("root heap", t, "%.1f MB", rootHeapMb);

    out.printf(Locale.ROOT,
        "routing-scale nodes=%d recompute_ms=%.3f root_heap_mb=%.1f converge_s=%.3f msgs_per_node=%.2f failover_periods=%.3f%n",
        n, recomputeMs, rootHeapMb, convergeS, msgsPerNode, failoverPeriods);
  }

  /**
   * Every routing drop counter, summed over all live nodes and at the root alone (what a node refused
   * and why: a state lost on its way up shows here, not in the invariants).
   */
  private void drops(SimNetwork net, SimNode root, String when) {
    Map<RoutingCounters.Drop, Long> all = new EnumMap<>(RoutingCounters.Drop.class);
    long in = 0;
    long paced = 0;
    for (SimNode x : net.nodes()) {
      if (!x.isAlive()) {
        continue; // a crashed node has no RoutingNode (the failover's parent)
      }
      RoutingCounters c = x.routing().counters();
      in += c.messagesIn();
      paced += c.messagesPaced();
      for (RoutingCounters.Drop d : RoutingCounters.Drop.values()) {
        all.merge(d, c.dropped(d), Long::sum);
      }
    }
    RoutingCounters rc = root.routing().counters();
    StringBuilder sb = new StringBuilder();
    for (RoutingCounters.Drop d : RoutingCounters.Drop.values()) {
      if (all.get(d) > 0) {
        sb.append(String.format(Locale.ROOT, " %s=%d (root %d)", d.name().toLowerCase(Locale.ROOT),
            all.get(d), rc.dropped(d)));
      }
    }
    say("  routing drops %s, all nodes (root):%s; messages received %d (root %d), held back"
        + " for a neighbour's budget %d", when, sb.length() == 0 ? " none" : sb, in,
        rc.messagesIn(), paced);
  }

  /**
   * The live nodes whose state the root lacks, and for the first few, where on its way up it was
   * lost: each node on the chain of active parents, whether it holds the state (its sequence
   * and the neighbour it came through) or lacks it.
   */
  private void missingAtRoot(SimNetwork net, List<SimNode> nodes, SimNode root) {
    java.util.Set<Address> atRoot = new java.util.HashSet<>();
    root.routing().view().forEach(st -> atRoot.add(st.address()));
    List<SimNode> missing = new ArrayList<>();
    for (SimNode x : nodes) {
      if (x.isAlive() && !atRoot.contains(x.address())) {
        missing.add(x);
      }
    }
    say("  missing at the root: %d", missing.size());
    for (SimNode x : missing.subList(0, Math.min(8, missing.size()))) {
      StringBuilder sb = new StringBuilder();
      SimNode cur = x;
      for (int hop = 0; hop < 64; hop++) {
        java.util.Optional<Address> up = cur.routing().activeParent();
        if (up.isEmpty()) {
          sb.append(" -> (no active parent)");
          break;
        }
        SimNode p = net.node(up.get());
        NodeState held = null;
        for (NodeState st : p.routing().view()) {
          if (st.address().equals(x.address())) {
            held = st;
            break;
          }
        }
        sb.append(" -> ").append(p.label());
        if (held == null) {
          sb.append(" lacks it");
        } else {
          sb.append(" holds seq ").append(held.sequence()).append(" via ")
              .append(p.routing().via(x.address()).map(a -> net.node(a).label()).orElse("?"));
        }
        if (p == root) {
          break;
        }
        cur = p;
      }
      List<String> parents = new ArrayList<>();
      x.parents().forEach(q -> parents.add(q.label()));
      say("  missing %s (own seq %d, parents %s, active %s):%s", x.label(),
          x.routing().ownState().sequence(), parents,
          x.routing().activeParent().map(a -> net.node(a).label()).orElse("none"), sb);
    }
  }

  private void check(SimNetwork net, String when) {
    long t = System.nanoTime();
    InvariantChecker.Report r = new InvariantChecker(net).check();
    phase("invariants " + when, t, "%s", r.summary());
    r.violations().stream().limit(10).forEach(v -> say("  violation: %s", v));
  }

  /**
   * Seven times: a leaf with two parents loses its active link (a clean close, so it switches at
   * once), the network converges, and the root's next route() to a random node is timed, then a
   * second one (cached) for comparison.
   */
  private double recompute(SimNetwork net, List<SimNode> nodes, SimNode root, Random random) {
    List<SimNode> leaves = new ArrayList<>();
    for (SimNode x : nodes) {
      if (x.parents().size() > 1 && x.children().isEmpty() && x.isAlive()) {
        leaves.add(x);
      }
    }
    List<Double> first = new ArrayList<>();
    List<Double> cached = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 7 && !leaves.isEmpty(); i++) {
      SimNode leaf = leaves.get(random.nextInt(leaves.size()));
      SimNode active = net.node(leaf.routing().activeParent().orElseThrow());
      net.close(net.link(leaf, active));
      net.runUntilConverged(Duration.ofHours(1));
      Address dest = nodes.get(random.nextInt(nodes.size())).address();
      long t = System.nanoTime();
      Route r = root.routing().route(dest);
      first.add((System.nanoTime() - t) / 1e6);
      Address dest2 = nodes.get(random.nextInt(nodes.size())).address();
      t = System.nanoTime();
      root.routing().route(dest2);
      cached.add((System.nanoTime() - t) / 1e6);
      if (i == 0) {
        say("  route(%s) at the root: %s", net.node(dest).label(), r.getClass().getSimpleName());
      }
    }
    double median = median(first);
    phase("route recomputation at the root", t0,
        "first route() after a view change: median %.3f ms %s; next route(): median %.3f ms",
        median, fmt(first), median(cached));
    return median;
  }

  private Failover.Result failover(SimNetwork net, List<SimNode> nodes, SimNode root) {
    // A level-3 node with a second parent whose active parent is on level 2: the parent's
    // crash moves the node and its own subtree (about a hundred nodes) to the other parent.
    for (SimNode x : nodes) {
      if (x.parents().size() > 1 && x.isAlive() && x.label().length() == 4
          && x.routing().activeParent().equals(java.util.Optional.of(x.parents().get(0).address()))
          && x.parents().get(1).isAlive()) {
        SimNode parent = x.parents().get(0);
        say("  crashing %s (%d children); watching %s, which also has %s as parent", parent.label(),
            parent.children().size(), x.label(), x.parents().get(1).label());
        return Failover.crashParent(net, parent, x, root, Duration.ofHours(1));
      }
    }
    throw new IllegalStateException("no level-3 node with a second parent");
  }

  /** The heap only the root holds; see the class comment. */
  private double rootHeap(SimNetwork net, SimNode root) throws RoutingDecodeException {
    List<byte[]> encoded = new ArrayList<>();
    for (NodeState s : root.routing().view()) {
      encoded.add(s.encode());
    }
    long withRoot = usedAfterGc();
    net.kill(root);
    long withoutRoot = usedAfterGc();
    long structures = Math.max(0, withRoot - withoutRoot);
    List<NodeState> copies = new ArrayList<>(encoded.size());
    long states;
    try {
      long before = usedAfterGc();
      for (byte[] b : encoded) {
        copies.add(NodeState.decode(b));
      }
      long after = usedAfterGc();
      states = Math.max(0, after - before);
    } finally {
      Reference.reachabilityFence(encoded);
      Reference.reachabilityFence(copies);
    }
    say("  root's own structures %.1f MB, decoded copies of its %d states %.1f MB",
        structures / 1048576.0, copies.size(), states / 1048576.0);
    return (structures + states) / 1048576.0;
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static String fmt(List<Double> xs) {
    StringBuilder sb = new StringBuilder("[");
    for (double x : xs) {
      sb.append(sb.length() == 1 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", x));
    }
    return sb.append(']').toString();
  }

  private static double micros(long since) {
    return (System.nanoTime() - since) / 1e3;
  }

  private static String since(SimNetwork net) {
    return Duration.between(SimNetwork.EPOCH, net.now()).toMillis() / 1000.0 + " s";
  }

  private void phase(String name, long since, String fmt, Object... args) {
    say("%-36s %8.1f s wall | %s", name, (System.nanoTime() - since) / 1e9,
        String.format(Locale.ROOT, fmt, args));
  }

  private void say(String fmt, Object... args) {
    out.printf(Locale.ROOT, "[%7.1f s] %s%n", (System.nanoTime() - wallStart) / 1e9,
        String.format(Locale.ROOT, fmt, args));
  }
}
