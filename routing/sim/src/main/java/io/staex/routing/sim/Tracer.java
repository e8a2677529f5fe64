package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.routing.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Follows the real decisions of the RoutingNodes for one frame: at each node {@code route()};
 * {@code Up(p)} climbs to p, {@code Forward(path)} walks the source route hop by hop (relays do
 * not decide again), {@code Local} delivers, {@code Unreachable} drops. Every hop must be a link
 * that works now; see {@link Trace.Outcome} for the ways it can go wrong.
 */
final class Tracer {
  /** Why a hop cannot be taken. */
  private record Problem(Trace.Outcome outcome, String detail) {}

  private final SimNetwork net;
  private final int maxHops;

  Tracer(SimNetwork net) {
    this.net = net;
    this.maxHops = net.settings().maxHops();
  }

  Trace trace(SimNode source, Address destination) {
    List<Address> hops = new ArrayList<>();
    hops.add(source.address());
    if (!source.isAlive()) {
      return end(source, destination, Trace.Outcome.DEAD_LINK, hops, null, List.of(), "source is down");
    }
    Set<Address> climbed = new HashSet<>();
    SimNode at = source;
    while (true) {
      Route r = at.routing().route(destination);
      if (r instanceof Route.Local) {
        return at.address().equals(destination)
            ? end(source, destination, Trace.Outcome.DELIVERED, hops, null, List.of(), "")
            : end(source, destination, Trace.Outcome.BAD_ROUTE, hops, null, List.of(),
                "Local at " + at.label() + ", which is not the destination");
      }
      if (r instanceof Route.Unreachable) {
        return end(source, destination, Trace.Outcome.UNREACHABLE, hops, null, List.of(), "");
      }
      if (r instanceof Route.Up) {
        Address p = ((Route.Up) r).parent();
        if (!climbed.add(at.address())) {
          return end(source, destination, Trace.Outcome.LOOP, hops, null, List.of(),
              at.label() + " reached twice while climbing");
        }
        if (!Optional.of(p).equals(at.routing().activeParent())) {
          return end(source, destination, Trace.Outcome.BAD_ROUTE, hops, null, List.of(),
              at.label() + " sent Up to " + label(p) + ", not its active parent");
        }
        SimLink l = at.links.get(p);
        Problem bad = hopProblem(at, p, l, hops.size());
        if (bad != null) {
          return end(source, destination, bad.outcome(), hops, null, List.of(), bad.detail());
        }
        at = l.other(at);
        hops.add(at.address());
        continue;
      }
      return follow(source, destination, at, ((Route.Forward) r).path(), hops);
    }
  }

  private Trace follow(
      SimNode source, Address destination, SimNode decider, List<Address> path, List<Address> hops) {
    Address d = decider.address();
    if (!path.get(path.size() - 1).equals(destination)) {
      return end(source, destination, Trace.Outcome.BAD_ROUTE, hops, d, path,
          decider.label() + " chose a path ending at " + label(path.get(path.size() - 1)));
    }
    Set<Address> onPath = new HashSet<>();
    onPath.add(d);
    SimNode at = decider;
    for (Address next : path) {
      if (!onPath.add(next)) {
        return end(source, destination, Trace.Outcome.LOOP, hops, d, path,
            "source route from " + decider.label() + " visits " + label(next) + " twice");
      }
      SimLink l = at.links.get(next);
      Problem bad = hopProblem(at, next, l, hops.size());
      if (bad != null) {
        return end(source, destination, bad.outcome(), hops, d, path, bad.detail());
      }
      at = l.other(at);
      hops.add(at.address());
    }
    if (!(at.routing().route(destination) instanceof Route.Local)) {
      return end(source, destination, Trace.Outcome.BAD_ROUTE, hops, d, path,
          "the destination does not take the frame as Local");
    }
    return end(source, destination, Trace.Outcome.DELIVERED, hops, d, path, "");
  }

  /** Null if the frame can go from {@code at} to {@code next} over {@code l}; else why not. */
  private Problem hopProblem(SimNode at, Address next, SimLink l, int hopsSoFar) {
    if (l == null) {
      return new Problem(Trace.Outcome.BAD_ROUTE,
          at.label() + " sends to " + label(next) + ", which is not its neighbour");
    }
    if (!l.isUp()) {
      return new Problem(Trace.Outcome.DEAD_LINK, at.label() + " sends over " + l);
    }
    if (hopsSoFar > maxHops) {
      return new Problem(Trace.Outcome.TOO_MANY_HOPS, "more than " + maxHops + " hops");
    }
    return null;
  }

  private String label(Address a) {
    return net.find(a).map(SimNode::label).orElse(a.shortText());
  }

  private static Trace end(
      SimNode source, Address destination, Trace.Outcome outcome, List<Address> hops,
      Address decider, List<Address> path, String detail) {
    return new Trace(source.address(), destination, outcome, hops, Optional.ofNullable(decider),
        path, detail);
  }
}
