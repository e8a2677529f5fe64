package io.staex.routing.sim;

import io.staex.crypto.Address;
import java.util.List;
import java.util.Optional;

/**
 * Where a frame from {@code source} to {@code destination} went, decision by decision: the nodes
 * it visited ({@code hops}, source first), the node that chose a source route ({@code decider},
 * if any) and that route ({@code forwardPath}, next hop first), and how it ended.
 */
public record Trace(
    Address source, Address destination, Outcome outcome, List<Address> hops,
    Optional<Address> decider, List<Address> forwardPath, String detail) {

  /** How a trace ended. */
  public enum Outcome {
    /** {@code Local} at the destination. */
    DELIVERED,
    /** {@code Unreachable} at the last hop. */
    UNREACHABLE,
    /** A node visited twice while climbing, or a source route that revisits a node. */
    LOOP,
    /** More than {@code maxHops} hops. */
    TOO_MANY_HOPS,
    /** A hop over a link that does not work (failed, cut, or a dead neighbour). */
    DEAD_LINK,
    /**
     * A decision that cannot be carried out: {@code Up} to a node that is not the active parent
     * or not a neighbour, a source route to a non-neighbour or ending elsewhere, {@code Local} at
     * a node that is not the destination.
     */
    BAD_ROUTE
  }

  public Trace {
    hops = List.copyOf(hops);
    forwardPath = List.copyOf(forwardPath);
  }

  /** The node where the frame ended (delivered, dropped, or where the trace gave up). */
  public Address endedAt() {
    return hops.get(hops.size() - 1);
  }

  public boolean delivered() {
    return outcome == Outcome.DELIVERED;
  }

  /** Nodes the source route passes that the climb had already visited (a detour, not a loop). */
  public int backtracks() {
    if (decider.isEmpty()) {
      return 0;
    }
    List<Address> climb = hops.subList(0, hops.indexOf(decider.get()));
    int n = 0;
    for (Address a : forwardPath) {
      if (climb.contains(a)) {
        n++;
      }
    }
    return n;
  }

  /** One line with labels from {@code net}. */
  public String describe(SimNetwork net) {
    StringBuilder sb = new StringBuilder();
    sb.append(label(net, source)).append(" -> ").append(label(net, destination)).append(": ")
        .append(outcome).append(" via [");
    for (int i = 0; i < hops.size(); i++) {
      sb.append(i == 0 ? "" : " ").append(label(net, hops.get(i)));
    }
    sb.append(']');
    decider.ifPresent(d -> sb.append(", decided at ").append(label(net, d)));
    if (!detail.isEmpty()) {
      sb.append(" (").append(detail).append(')');
    }
    return sb.toString();
  }

  private static String label(SimNetwork net, Address a) {
    return net.find(a).map(SimNode::label).orElse(a.shortText());
  }
}
