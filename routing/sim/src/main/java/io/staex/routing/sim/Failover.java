package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.routing.RoutingEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures one failover: a parent crashes, and how long until its child's subtree can be
 * reached from the root again.
 *
 * <p>Three instants: the crash ({@code failedAt}); the child's switch to another parent, which
 * it reports as {@code ActiveParentChanged} ({@code switchedAt}, normally the crash plus the
 * dead-link timeout of missed keepalives); and the start of the last stretch during which every
 * node of the subtree is delivered from the root ({@code reachableAt}: if it flickers, the
 * last time it became reachable counts). Failover periods are measured in keepalive intervals,
 * both in total and from the switch: the dead-link timeout is {@code missedKeepalives} periods
 * by definition, so "converges in under 3 periods" can only be about what follows detection.
 *
 * <p>If the network converges with the subtree still not delivered, the measurement keeps
 * running (up to the limit) until it is: then it is a periodic refresh that brought it back.
 */
public final class Failover {
  /** One measured failover; {@code reachableAt} empty if the subtree did not come back. */
  public record Result(
      Instant failedAt, Optional<Instant> switchedAt, Optional<Instant> reachableAt,
      int subtreeSize, List<String> undelivered, Duration keepalive, Convergence convergence) {

    public Result {
      undelivered = List.copyOf(undelivered);
    }

    public boolean recovered() {
      return reachableAt.isPresent();
    }

    /** Crash to reachable, in keepalive periods (detection included). */
    public double periodsTotal() {
      return periods(failedAt);
    }

    /** Switch to reachable, in keepalive periods (detection excluded). */
    public double periodsAfterDetection() {
      return periods(switchedAt.orElseThrow(() -> new IllegalStateException("the child never switched")));
    }

    private double periods(Instant from) {
      Instant to = reachableAt.orElseThrow(() -> new IllegalStateException("never reachable again"));
      return Math.max(0, Duration.between(from, to).toNanos()) / (double) keepalive.toNanos();
    }

    @Override
    public String toString() {
      return "failover of a " + subtreeSize + "-node subtree: "
          + (recovered()
              ? String.format("%.2f keepalive periods in total, %.2f after detection",
                  periodsTotal(), switchedAt.isPresent() ? periodsAfterDetection() : Double.NaN)
              : "NOT reachable again: at the end " + undelivered + " not delivered from the root")
          + "; " + (convergence.converged() ? "settled " : "NOT settled, last change ")
          + convergence.since(failedAt).toMillis() / 1000.0 + " s after the crash";
    }
  }

  private Failover() {}

  /**
   * Crashes {@code parent} now and runs until converged and the subtree is back (at most {@code
   * limit} from now), watching
   * whether {@code child}'s subtree (its descendants by active parents just before the crash)
   * is delivered from {@code root}.
   */
  public static Result crashParent(
      SimNetwork net, SimNode parent, SimNode child, SimNode root, Duration limit) {
    return measure(net, parent, child, root, limit, false);
  }

  /** As {@link #crashParent}, but {@code parent} shuts down cleanly (its links close at once). */
  public static Result shutDownParent(
      SimNetwork net, SimNode parent, SimNode child, SimNode root, Duration limit) {
    return measure(net, parent, child, root, limit, true);
  }

  private static Result measure(
      SimNetwork net, SimNode parent, SimNode child, SimNode root, Duration limit, boolean clean) {
    List<SimNode> subtree = subtree(net, child);
    Instant failedAt = net.now();
    int eventsBefore = child.observed().size();
    Watch w = net.watch(() -> allDelivered(net, root, subtree));
    if (clean) {
      net.shutdown(parent);
    } else {
      net.kill(parent);
    }
    Instant deadline = failedAt.plus(limit);
    Convergence c = net.runUntilConverged(limit);
    // Converged, but the subtree is still not back: only a periodic refresh (which does not
    // count as a change) can still bring it. Keep going, to measure when that happens.
    while (!w.holds() && net.now().isBefore(deadline)) {
      net.runFor(Duration.ofSeconds(1));
    }
    if (!c.converged() || (w.holds() && w.holdsSince().get().isAfter(c.lastChange()))) {
      c = net.runUntilConverged(Duration.between(net.now(), deadline.isAfter(net.now()) ? deadline : net.now()));
    }
    net.unwatch(w);
    Optional<Instant> switched = Optional.empty();
    for (SimNode.Observed o : child.observed().subList(eventsBefore, child.observed().size())) {
      if (o.event() instanceof RoutingEvent.ActiveParentChanged) {
        switched = Optional.of(o.at());
        break;
      }
    }
    List<String> undelivered = new ArrayList<>();
    for (SimNode n : subtree) {
      Trace t = net.trace(root, n.address());
      if (!t.delivered()) {
        undelivered.add(n.label() + " (" + t.outcome() + ")");
      }
    }
    return new Result(failedAt, switched, w.holdsSince(), subtree.size(), undelivered,
        net.settings().keepaliveInterval(), c);
  }

  /** {@code top} and every live node whose active-parent chain passes through it. */
  public static List<SimNode> subtree(SimNetwork net, SimNode top) {
    Map<Address, List<SimNode>> children = new HashMap<>();
    for (SimNode n : net.nodes()) {
      n.activeParent().ifPresent(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(n));
    }
    List<SimNode> out = new ArrayList<>();
    ArrayDeque<SimNode> todo = new ArrayDeque<>(List.of(top));
    while (!todo.isEmpty()) {
      SimNode n = todo.poll();
      out.add(n);
      todo.addAll(children.getOrDefault(n.address(), List.of()));
    }
    return out;
  }

  /** Whether every one of {@code targets} is delivered from {@code source} now. */
  public static boolean allDelivered(SimNetwork net, SimNode source, List<SimNode> targets) {
    if (!source.isAlive()) {
      return false;
    }
    for (SimNode t : targets) {
      if (!net.trace(source, t.address()).delivered()) {
        return false;
      }
    }
    return true;
  }
}
