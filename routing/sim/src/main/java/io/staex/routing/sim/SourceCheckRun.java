package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.routing.RoutingSettings;
import io.staex.routing.sim.SimNetwork.PacketFate;
import io.staex.routing.sim.SimNetwork.PacketResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The reverse-path source check ({@code ReversePath}, {@code RoutingNode.mayComeFrom}) under
 * churn (run by {@code bench/source-check.sh}, and at a small size by {@code
 * SourceCheckScenariosTest}): a random network where every node after the first picks its
 * parents among the nodes before it (a primary, a second with {@code secondParents}
 * probability, a third with a quarter of that; so several parents and undirected cycles, but
 * no loop of parents), every link with its own latency (1~80 ms + jitter), cost (1~5) and
 * sometimes loss. All nodes start at once and, from that instant, while the network converges
 * and is disturbed (crashes and restarts, clean shutdowns, silent cuts healed later, closed
 * links coming back with another cost), packets go between random pairs, forwarded hop by hop
 * by every node's real {@code route} with the rule applied at every hop ({@link
 * SimNetwork#sendPacket}). Spoofers — random members — send packets claiming a node that can
 * never be below them (not among their descendants over any parents, nor over a neighbour that
 * one of those climbed through so far, see {@code docs/routing.md} Ranks) to a destination outside
 * their view, so their packets climb.
 *
 * <p>What must hold: no packet whose source is its sender is ever refused by the rule, and
 * every spoofed packet that reaches its first hop is refused there.
 */
public final class SourceCheckRun {
  /** What one run saw. */
  public record Result(
      int nodes, long events, long checksPassed, Map<PacketFate, Long> legit, Map<PacketFate, Long> spoofed,
      long spoofedAtFirstHop, List<String> violations, double wallSeconds) {
    public long legitRefused() {
      return legit.getOrDefault(PacketFate.SPOOF_DROPPED, 0L);
    }

    public long legitSent() {
      return legit.values().stream().mapToLong(Long::longValue).sum();
    }

    public long spoofedSent() {
      return spoofed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Spoofed packets that left their sender (the others found its parent link down). */
    public long spoofedLeft() {
      return spoofedSent() - spoofed.getOrDefault(PacketFate.LINK_DOWN, 0L)
          - spoofed.getOrDefault(PacketFate.NO_ROUTE, 0L);
    }

    public String line() {
      return String.format(Locale.ROOT,
          "source-check nodes=%d legit=%d delivered=%d checks_passed=%d legit_refused=%d"
              + " spoofed=%d spoofed_left=%d spoofed_refused_first_hop=%d violations=%d"
              + " wall_s=%.1f",
          nodes, legitSent(), legit.getOrDefault(PacketFate.DELIVERED, 0L), checksPassed,
          legitRefused(),
          spoofedSent(), spoofedLeft(), spoofedAtFirstHop, violations.size(), wallSeconds);
    }
  }

  /**
   * What to run.
   *
   * @param nodes network size
   * @param seed everything random follows from it
   * @param secondParents share of nodes with a second parent
   * @param duration virtual time packets are sent and the network disturbed, from the cold start
   * @param packetsPerSecond legitimate packets per virtual second (spoofed: a tenth of that)
   * @param disturbancesPerMinute failures per virtual minute
   */
  public record Params(
      int nodes, long seed, double secondParents, Duration duration, int packetsPerSecond,
      int disturbancesPerMinute) {}

  private final Params params;
  private final Random random;
  private final SimNetwork net;
  private final List<SimNode> all = new ArrayList<>();
  private final Map<SimNode, BitSet> descendants = new HashMap<>();
  /**
   * Ranks (issue 14): X climbed through a neighbour F that is not its parent (a detached node
   * through a former child, say): from then on X, and whatever may be below X, may be below F.
   * F → those X, from every node's observed parent changes; {@link #observedUpTo} per node.
   */
  private final Map<SimNode, java.util.Set<SimNode>> fallbackChildren = new HashMap<>();
  private final Map<SimNode, Integer> observedUpTo = new HashMap<>();
  private final Map<PacketFate, Long> legit = new EnumMap<>(PacketFate.class);
  private final Map<PacketFate, Long> spoofed = new EnumMap<>(PacketFate.class);
  private final List<String> violations = new ArrayList<>();
  private long spoofedAtFirstHop;

  private SourceCheckRun(Params params) {
    this.params = params;
    this.random = new Random(params.seed() * 31 + 7);
    this.net = new SimNetwork(SimConfig.defaults(params.seed(), RoutingSettings.defaults())
        .withSharedVerifications(true));
  }

  public static Result run(Params params) {
    long start = System.nanoTime();
    SourceCheckRun r = new SourceCheckRun(params);
    r.build();
    r.drive();
    return new Result(params.nodes(), r.net.eventsExecuted(), r.net.sourceChecksPassed(), r.legit, r.spoofed,
        r.spoofedAtFirstHop, r.violations, (System.nanoTime() - start) / 1e9);
  }

  private void build() {
    for (int i = 0; i < params.nodes(); i++) {
      List<SimNode> parents = new ArrayList<>();
      if (i > 0) {
        parents.add(all.get(random.nextInt(i)));
        if (i > 1 && random.nextDouble() < params.secondParents()) {
          addDistinct(parents, i);
          if (i > 2 && random.nextDouble() < 0.25) {
            addDistinct(parents, i);
          }
        }
      }
      SimNode n = net.addNode("n" + i, parents);
      all.add(n);
      for (SimNode p : parents) {
        net.setProfile(net.link(n, p), randomProfile());
      }
    }
  }

  private void addDistinct(List<SimNode> parents, int below) {
    SimNode p = all.get(random.nextInt(below));
    if (!parents.contains(p)) {
      parents.add(p);
    }
  }

  private LinkProfile randomProfile() {
    LinkProfile p = LinkProfile.defaults()
        .withLatency(Duration.ofMillis(1 + random.nextInt(80)), Duration.ofMillis(random.nextInt(20)))
        .withCost(1 + random.nextInt(5));
    return random.nextDouble() < 0.1 ? p.withLoss(0.02) : p;
  }

  private void drive() {
    net.startAll();
    Instant end = net.now().plus(params.duration());
    long stepNanos = 1_000_000_000L / params.packetsPerSecond();
    Instant t = net.now();
    int tick = 0;
    double disturbPerStep = params.disturbancesPerMinute() / 60.0 / params.packetsPerSecond();
    while (t.isBefore(end)) {
      int k = tick++;
      net.at(t, () -> {
        sendLegit();
        if (k % 10 == 0) {
          sendSpoofed();
        }
        if (random.nextDouble() < disturbPerStep) {
          disturb();
        }
      });
      t = t.plusNanos(stepNanos);
    }
    net.runUntil(end.plusSeconds(120));
  }

  private void sendLegit() {
    SimNode sender = all.get(random.nextInt(all.size()));
    if (!sender.alive) {
      return;
    }
    SimNode dest = all.get(random.nextInt(all.size()));
    net.sendPacket(sender, sender.address(), dest.address(), r -> {
      legit.merge(r.fate(), 1L, Long::sum);
      if (r.fate() == PacketFate.SPOOF_DROPPED && violations.size() < 100) {
        violations.add(net.now() + ": legitimate packet " + sender + " -> " + dest
            + " refused at " + r.at() + " after " + r.hops() + " hops, path " + r.path()
            + explain(r));
      }
    });
  }

  private void sendSpoofed() {
    SimNode member = all.get(1 + random.nextInt(all.size() - 1));
    if (!member.alive) {
      return;
    }
    noteFallbacks();
    BitSet below = descendants(member);
    SimNode claimed = null;
    for (int tries = 0; tries < 20 && claimed == null; tries++) {
      SimNode c = all.get(random.nextInt(all.size()));
      if (c != member && !below.get(c.index())) {
        claimed = c;
      }
    }
    SimNode dest = null;
    for (int tries = 0; tries < 20 && dest == null; tries++) {
      SimNode d = all.get(random.nextInt(all.size()));
      // not the member's parents: a packet for its first hop is for that node itself, which
      // the rule cannot check (docs/routing.md, Source check)
      if (d != member && !member.routing.knows(d.address()) && !member.parents().contains(d)) {
        dest = d;
      }
    }
    if (claimed == null || dest == null) {
      return;
    }
    Address source = claimed.address();
    SimNode to = dest;
    net.sendPacket(member, source, to.address(), r -> {
      spoofed.merge(r.fate(), 1L, Long::sum);
      if (r.fate() == PacketFate.SPOOF_DROPPED && r.hops() == 1) {
        spoofedAtFirstHop++;
      } else if (r.hops() > 0 && r.fate() != PacketFate.LOST && violations.size() < 100) {
        violations.add(net.now() + ": spoofed packet " + member + " as " + r.source()
            + " -> " + to + " ended " + r.fate() + " at " + r.at() + " after " + r.hops()
            + " hops");
      }
    });
  }

  /** What the refusing node held about the source, and the source's own idea of its parents. */
  private String explain(PacketResult r) {
    SimNode at = r.at();
    SimNode from = r.path().get(r.path().size() - 2);
    SimNode src = r.sender();
    StringBuilder b = new StringBuilder();
    b.append("; at ").append(at).append(" via(src)=")
        .append(at.routing.via(src.address()).map(a -> net.node(a).toString()).orElse("none"))
        .append(", from=").append(from)
        .append("; src active=").append(src.alive
            ? src.routing.activeParent().map(a -> net.node(a).toString()).orElse("none") : "dead");
    b.append("; at's view of the path:");
    for (SimNode n : r.path()) {
      b.append(' ').append(n).append("->").append(at.routing.via(n.address())
          .map(a -> net.node(a).toString()).orElse("none"));
    }
    for (SimNode n : r.path()) {
      b.append("; ").append(n).append(n.alive ? " active=" + n.routing.activeParent()
          .map(a -> net.node(a).toString()).orElse("none") + " knowsSrc=" + n.routing.via(
          src.address()).map(a -> net.node(a).toString()).orElse("no") : " dead");
    }
    return b.toString();
  }

  /**
   * The nodes below {@code n} over any of their parents, or over a neighbour one of them climbed
   * through so far (whoever could have been in its view).
   */
  private BitSet descendants(SimNode n) {
    return descendants.computeIfAbsent(n, k -> {
      BitSet seen = new BitSet(all.size());
      Deque<SimNode> todo = new ArrayDeque<>(List.of(k));
      while (!todo.isEmpty()) {
        SimNode at = todo.poll();
        List<SimNode> below = new ArrayList<>(at.children());
        below.addAll(fallbackChildren.getOrDefault(at, java.util.Set.of()));
        for (SimNode c : below) {
          if (!seen.get(c.index())) {
            seen.set(c.index());
            todo.add(c);
          }
        }
      }
      return seen;
    });
  }

  /** Reads the parent changes observed since the last call for climbs through a non-parent. */
  private void noteFallbacks() {
    boolean added = false;
    for (SimNode x : all) {
      List<SimNode.Observed> seen = x.observed();
      int from = observedUpTo.getOrDefault(x, 0);
      if (from > seen.size()) {
        from = 0;
      }
      for (SimNode.Observed o : seen.subList(from, seen.size())) {
        if (o.event() instanceof io.staex.routing.RoutingEvent.ActiveParentChanged c
            && c.current().isPresent()) {
          SimNode f = net.node(c.current().get());
          if (!x.parents().contains(f)) {
            added |= fallbackChildren.computeIfAbsent(f, k -> new java.util.HashSet<>()).add(x);
          }
        }
      }
      observedUpTo.put(x, seen.size());
    }
    if (added) {
      descendants.clear();
    }
  }

  private void disturb() {
    SimNode n = all.get(1 + random.nextInt(all.size() - 1));
    Duration back = Duration.ofSeconds(2 + random.nextInt(90));
    switch (random.nextInt(4)) {
      case 0 -> {
        if (n.alive) {
          net.kill(n);
          net.after(back, () -> {
            if (!n.alive) {
              net.restart(n);
            }
          });
        }
      }
      case 1 -> {
        if (n.alive) {
          net.shutdown(n);
          net.after(back, () -> {
            if (!n.alive) {
              net.restart(n);
            }
          });
        }
      }
      case 2 -> {
        if (!n.links().isEmpty()) {
          SimLink l = n.links().get(random.nextInt(n.links().size()));
          if (!l.isCut()) {
            net.cut(l);
            net.after(back, () -> net.heal(l));
          }
        }
      }
      default -> {
        if (!n.links().isEmpty()) {
          SimLink l = n.links().get(random.nextInt(n.links().size()));
          net.setProfile(l, randomProfile());
          net.close(l);
        }
      }
    }
  }

  /**
   * {@code [nodes] [seed] [virtual seconds] [packets a second] [disturbances a minute]}
   * (default 2000 1 600 200 30); prints the figures, exits 1 on a violation.
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 600;
    PrintStream out = System.out;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int disturbances = args.length > 4 ? Integer.parseInt(args[4]) : 30;
    Result r = run(new Params(n, seed, 0.3, Duration.ofSeconds(seconds), rate, disturbances));
    out.println("legit fates: " + r.legit());
    out.println("spoofed fates: " + r.spoofed());
    out.println("events: " + r.events());
    r.violations().forEach(v -> out.println("VIOLATION " + v));
    out.println(r.line());
    if (!r.violations().isEmpty()) {
      System.exit(1);
    }
  }
}
