package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.routing.RoutingEvent;
import io.staex.routing.RoutingNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One simulated node: an identity, its certificate, its configured parents, and while it is
 * alive one real {@link RoutingNode}. A restart replaces the RoutingNode by a fresh one with the
 * same identity (a process restart loses all routing state). Owned by its {@link SimNetwork}.
 */
public final class SimNode {
  /** A routing event and the virtual time it was reported. */
  public record Observed(Instant at, RoutingEvent event) {}

  private final int index;
  private final String label;
  private final Identity identity;
  private final Certificate certificate;
  private final List<SimNode> parents;
  private final List<Integer> services;
  /** Links by neighbour address: parents first (in priority order), then children. */
  final Map<Address, SimLink> links = new LinkedHashMap<>();

  RoutingNode routing;
  boolean alive;
  int incarnation;
  /** When the pending tick is due (ns since the epoch), Long.MAX_VALUE if none. */
  long tickAt = Long.MAX_VALUE;
  long tickToken;
  long lastTickAt = -1;
  int ticksAtSameInstant;
  /** What this node's RoutingNode was last given per address, to tell changes from refreshes. */
  Map<Address, Integer> delivered = new HashMap<>();
  private List<Observed> observed;

  long messagesSent;
  long bytesSent;
  long messagesReceived;
  long bytesReceived;

  SimNode(
      int index, String label, Identity identity, Certificate certificate, List<SimNode> parents,
      List<Integer> services) {
    this.index = index;
    this.label = label;
    this.identity = identity;
    this.certificate = certificate;
    this.parents = List.copyOf(parents);
    this.services = List.copyOf(services);
  }

  /** Position in {@link SimNetwork#nodes()}. */
  public int index() {
    return index;
  }

  /** A short readable name for logs and narration, e.g. {@code r01}. */
  public String label() {
    return label;
  }

  public Address address() {
    return certificate.node();
  }

  public Certificate certificate() {
    return certificate;
  }

  Identity identity() {
    return identity;
  }

  /** Configured parents in priority order. */
  public List<SimNode> parents() {
    return parents;
  }

  public List<Integer> services() {
    return services;
  }

  public List<SimNode> children() {
    List<SimNode> out = new ArrayList<>();
    for (SimLink l : links.values()) {
      if (l.parent() == this) {
        out.add(l.child());
      }
    }
    return out;
  }

  public List<SimLink> links() {
    return List.copyOf(links.values());
  }

  /** The link to {@code neighbour}, if they are child and parent. */
  public Optional<SimLink> linkTo(SimNode neighbour) {
    return Optional.ofNullable(links.get(neighbour.address()));
  }

  public boolean isAlive() {
    return alive;
  }

  /** The running RoutingNode. */
  public RoutingNode routing() {
    if (!alive) {
      throw new IllegalStateException("node " + label + " is not running");
    }
    return routing;
  }

  /** The active parent as this node's RoutingNode sees it, as a sim node; empty if none or dead. */
  public Optional<Address> activeParent() {
    return alive ? routing.activeParent() : Optional.empty();
  }

  /** Routing events this node reported since the simulation began, across restarts. */
  public List<Observed> observed() {
    return observed == null ? List.of() : Collections.unmodifiableList(observed);
  }

  /** The events of one type, in order. */
  public <T extends RoutingEvent> List<T> events(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Observed o : observed()) {
      if (type.isInstance(o.event())) {
        out.add(type.cast(o.event()));
      }
    }
    return out;
  }

  void observe(Instant at, RoutingEvent event) {
    if (observed == null) {
      observed = new ArrayList<>(2);
    }
    observed.add(new Observed(at, event));
  }

  public long messagesSent() {
    return messagesSent;
  }

  public long bytesSent() {
    return bytesSent;
  }

  public long messagesReceived() {
    return messagesReceived;
  }

  public long bytesReceived() {
    return bytesReceived;
  }

  @Override
  public String toString() {
    return label + (alive ? "" : "(dead)");
  }
}
