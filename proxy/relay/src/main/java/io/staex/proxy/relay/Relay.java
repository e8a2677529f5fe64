package io.staex.proxy.relay;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.staex.crypto.Address;
import io.staex.proxy.loop.OnLoop;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.relay.internal.RelayEngine;
import io.staex.proxy.link.LinkCounters;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.LinkServer;
import io.staex.proxy.link.ParentConnector;
import io.staex.routing.RoutingNode;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.time.Duration;
import io.staex.routing.NodeState;
import io.staex.routing.Route;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * One node's forwarding plane: a {@link LinkServer} for its children, a {@link ParentConnector}
 * per configured parent, and a {@link RoutingNode} that decides where packets go (see {@code
 * docs/relay.md}).
 *
 * <p>Threading: the routing node, the link table and all forwarding decisions live on one
 * event loop, the node's owner loop ({@link #loop()}), which the session and stream layers share:
 * {@link #send} there is handled at once and the {@link RelayHandler} is called there,
 * synchronously. Links on that loop report directly; links on other loops of the group, and
 * calls from other threads, hop onto it. The status accessors are safe from any other thread
 * (they block until the loop answers).
 */
public final class Relay implements PacketSender, AutoCloseable {
  /** A parent to dial: the address it must prove and where it listens. */
  public record Parent(Address address, InetSocketAddress endpoint) {
    public Parent {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(endpoint, "endpoint");
    }
  }

  private final RelayEngine engine;
  private final LinkServer server;
  /** A dialler per configured parent, in priority order; replaced whole by {@link #setParents}. */
  private volatile java.util.Map<Parent, ParentConnector> connectors;
  private final EventLoopGroup group;
  private final RelaySettings settings;
  private final RelayCounters counters;
  private final Address address;
  private final LinkCredentials credentials;

  private Relay(RelayEngine engine, LinkServer server,
      java.util.Map<Parent, ParentConnector> connectors, RelayCounters counters, Address address,
      LinkCredentials credentials, EventLoopGroup group, RelaySettings settings) {
    this.credentials = credentials;
    this.group = group;
    this.settings = settings;
    this.engine = engine;
    this.server = server;
    this.connectors = connectors;
    this.counters = counters;
    this.address = address;
  }

  /**
   * Starts listening on {@code settings.bind()} (if present) and dialling {@code
   * settings.parents()} (priority order, the first up is active; empty for the root). {@code
   * handler} hears packets for this node, failed sends, and the send gate; it is
   * called on one executor of {@code group}.
   *
   * @throws io.netty.channel.ChannelException or an {@link java.io.IOException} (thrown
   *     unchecked by Netty) if the address cannot be bound; nothing is left running then
   */
  public static Relay start(EventLoopGroup group, LinkCredentials credentials,
      RelaySettings settings, Clock clock, RelayHandler handler) {
    return start(group, group.next(), credentials, settings, clock, handler);
  }

  /**
   * As {@link #start(EventLoopGroup, LinkCredentials, RelaySettings, Clock, RelayHandler)}, with
   * the relay on {@code loop}: the loop the handler (the session layer) runs on, so that the
   * two call each other directly. Links still spread over {@code group}.
   */
  public static Relay start(EventLoopGroup group, EventLoop loop, LinkCredentials credentials,
      RelaySettings settings, Clock clock, RelayHandler handler) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(handler, "handler");
    List<Address> parentAddresses = new ArrayList<>();
    for (Parent p : settings.parents()) {
      parentAddresses.add(p.address());
    }
    RoutingNode node = new RoutingNode(
        credentials.identity(), credentials.certificate(), parentAddresses, List.of(),
        credentials.policy(), settings.routing(), clock.instant());
    RelayCounters counters = new RelayCounters();
    RelayEngine engine = new RelayEngine(loop, node, clock, settings, handler, counters);
    engine.start();
    LinkServer server = null;
    java.util.Map<Parent, ParentConnector> connectors = new java.util.LinkedHashMap<>();
    try {
      if (settings.bind().isPresent()) {
        server = LinkServer.start(group, settings.bind().get(), credentials, settings.link(),
            settings.maxLinks(), settings.handshakesPerSecondPerSource(), settings.startups(),
            engine);
      }
      for (Parent p : settings.parents()) {
        connectors.put(p, ParentConnector.start(group, p.endpoint(), p.address(), credentials,
            settings.link(), settings.backoff(), engine));
      }
    } catch (RuntimeException e) {
      new Relay(engine, server, connectors, counters, node.address(), credentials, group,
          settings).close();
      throw e;
    }
    return new Relay(engine, server, java.util.Collections.unmodifiableMap(connectors),
        counters, node.address(), credentials, group, settings);
  }

  /** This node's address. */
  public Address address() {
    return address;
  }

  /** Where children connect (null if started without a server). */
  public InetSocketAddress localAddress() {
    return server == null ? null : server.localAddress();
  }

  /** The loop the relay runs on, and calls its handler on. */
  public EventExecutor loop() {
    return engine.loop();
  }

  /**
   * Sends {@code payload} from this node to {@code destination}; never blocks. On {@link #loop()}
   * it is handled before this returns (a congested link tells the handler {@code sendPaused}
   * inside this call); from another thread it hops there. While the send gate is closed the
   * caller should hold further packets back: they are still accepted,
   * but beyond {@link RelaySettings#linkQueueBytes} queued for one link they are dropped and
   * reported to {@link RelayHandler#unreachable} as {@code CONGESTED}.
   */
  @Override
  public void send(NodeKey destination, FrameBytes payload) {
    engine.send(destination, payload);
  }

  /** As {@link #send(NodeKey, FrameBytes)}. */
  public void send(Address destination, FrameBytes payload) {
    engine.send(NodeKey.of(destination), payload);
  }

  /**
   * Whether this node's own sends are held now: between {@link RelayHandler#sendPaused} and
   * {@link RelayHandler#sendResumed}. A status query: any thread (blocks until the loop answers).
   */
  public boolean isSendPaused() {
    return query(engine::isSendPaused);
  }

  public RelayCounters counters() {
    return counters;
  }

  /** The link server's counters; empty without a server. */
  public Optional<LinkCounters> serverCounters() {
    return server == null ? Optional.empty() : Optional.of(server.counters());
  }

  /** Connections to the link server whose handshake has not finished (0 without a server). */
  public int startups() {
    return server == null ? 0 : server.startups();
  }

  /** The active parent now (empty at the root or with no parent up). */
  public Optional<Address> activeParent() {
    return query(() -> engine.node().activeParent());
  }

  /**
   * The signed state of the node named {@code name} in {@code network}'s certificates, found in
   * this node's view or up the tree and verified here; empty when not found or when no answer
   * came within {@code timeout}. Any thread; never blocks.
   */
  public CompletableFuture<Optional<NodeState>> lookup(
      Address network, String name, Duration timeout) {
    return engine.lookup(network, name, timeout);
  }

  /**
   * {@code revocation} was applied to this node's policy just now ({@code TrustPolicy.revoke}
   * said APPLIED): sends it to every neighbour and closes the links it covers. Any thread.
   */
  public void revoked(io.staex.crypto.SignedRevocation revocation) {
    engine.revoked(revocation);
  }

  /**
   * This node's parents are now {@code next}, in priority order (a reload): a parent no longer
   * listed, or listed at another endpoint, has its dialler and link closed; a new one is dialled;
   * one still listed at the same endpoint keeps its link. Then the routing node chooses its
   * active parent among them. Blocks until the removed links are closed: not on an event loop.
   *
   * @throws IllegalArgumentException if {@code next} has more parents than a node may have, a
   *     key twice, or this node (nothing is changed then)
   */
  public synchronized void setParents(List<Parent> next) {
    List<Address> keys = next.stream().map(Parent::address).toList();
    if (keys.size() > io.staex.routing.NodeState.MAX_PARENTS || keys.contains(address)
        || Set.copyOf(keys).size() != keys.size()) {
      throw new IllegalArgumentException("parents: " + keys + " (expected: at most "
          + io.staex.routing.NodeState.MAX_PARENTS + ", distinct, not this node)");
    }
    java.util.Map<Parent, ParentConnector> old = connectors;
    java.util.Map<Parent, ParentConnector> kept = new java.util.LinkedHashMap<>();
    for (java.util.Map.Entry<Parent, ParentConnector> e : old.entrySet()) {
      if (next.contains(e.getKey())) {
        kept.put(e.getKey(), e.getValue());
      } else {
        e.getValue().close();
      }
    }
    engine.setParents(keys).join();
    java.util.Map<Parent, ParentConnector> now = new java.util.LinkedHashMap<>();
    for (Parent p : next) {
      ParentConnector c = kept.get(p);
      now.put(p, c != null ? c : ParentConnector.start(group, p.endpoint(), p.address(),
          credentials, settings.link(), settings.backoff(), engine));
    }
    connectors = java.util.Collections.unmodifiableMap(now);
  }

  /**
   * This node's certificate was renewed (same key, network, name and roles; checked valid by
   * the caller): new links present it, and the routing state is signed again with it. Links up
   * already keep the certificate their handshake presented. Any thread.
   */
  public void renewCertificate(io.staex.crypto.Certificate renewed) {
    credentials.renew(renewed);
    engine.renewCertificate(renewed);
  }

  /**
   * The policy's configured rules were replaced ({@code TrustPolicy.reconfigure}): closes the
   * live links whose peer it no longer accepts (revoked, network no longer trusted), counted in
   * {@link RelayCounters}; completes with one {@code peer: reason} line per closed link. Any
   * thread.
   */
  public CompletableFuture<List<String>> recheckLinks() {
    return engine.recheckLinks();
  }

  /**
   * One link that is up, for status displays.
   *
   * @param peer the neighbour
   * @param upSince when it came up; empty when the link does not say
   * @param bytesIn bytes received on it (records on the wire); -1 when not counted
   * @param bytesOut bytes sent on it; -1 when not counted
   * @param peerNotAfter the end of the neighbour's certificate
   */
  public record LinkInfo(Address peer, Optional<java.time.Instant> upSince, long bytesIn,
      long bytesOut, java.time.Instant peerNotAfter) {}

  /** The links that are up. */
  public List<LinkInfo> linkInfo() {
    return query(() -> engine.linkList().stream()
        .map(l -> new LinkInfo(l.peer(), l.upSince(), l.bytesIn(), l.bytesOut(),
            l.peerCertificate().notAfter()))
        .collect(Collectors.toList()));
  }

  /** Each configured parent's last dial and its outcome, by the parent's address. */
  public java.util.Map<Address, ParentConnector.DialState> parentStates() {
    java.util.Map<Address, ParentConnector.DialState> out = new java.util.LinkedHashMap<>();
    for (ParentConnector c : connectors.values()) {
      out.put(c.parent(), c.state());
    }
    return out;
  }

  /**
   * One hop of a path this node would send a packet on ({@link #explain}).
   *
   * @param node the node the packet reaches
   * @param name its certified name, when its state is in this node's view
   * @param cost the cost of the edge that reaches it (the least its two ends' signed states
   *     declare; 1 for a live link of this node's that no state declares yet)
   */
  public record Hop(Address node, Optional<String> name, int cost) {}

  /**
   * How this node would route a packet to a destination, from its own view only: {@link
   * Route#Forward} with its path hop by hop, {@link Route#Up} to the active parent, {@link
   * Route#Local} or {@link Route#Unreachable}.
   *
   * @param route the decision ({@code docs/routing.md}, Forwarding decision)
   * @param hops for {@code Forward}, each hop with its edge's cost; for {@code Up}, the parent
   * @param nextHopUp whether the link to the first hop is up (the decision comes from signed
   *     states, which may be older than a link that just went down)
   * @param viewSize the states in this node's view, its own included
   */
  public record Explanation(Route route, List<Hop> hops, boolean nextHopUp, int viewSize) {
    public Explanation {
      hops = List.copyOf(hops);
    }

    /** The path's cost: its edges' costs added up. */
    public int cost() {
      return hops.stream().mapToInt(Hop::cost).sum();
    }
  }

  /**
   * What the nodes up the tree answered to a route explain ({@link #explainUp}).
   *
   * @param answers one per node asked, nearest first: the active parent's, then its parent's …
   * @param complete whether the last answer ended the chain (a decision other than {@code UP});
   *     false when the time ran out first (an answer lost, a node over its explain rate, or one
   *     of an older version on the way)
   */
  public record ExplainTrail(List<io.staex.routing.RoutingMessage.ExplainAnswer> answers,
      boolean complete) {
    public ExplainTrail {
      answers = List.copyOf(answers);
    }
  }

  /**
   * Asks the nodes up the tree how they would route a packet for {@code destination}, when this
   * node hands it up ({@code docs/routing.md}, Route explain): each answers with its decision,
   * the last one with a path or NO_ROUTE. Completes with what came within {@code timeout};
   * empty answers at once when this node decides itself ({@link #explain}). Any thread.
   */
  public CompletableFuture<ExplainTrail> explainUp(Address destination, Duration timeout) {
    return engine.explainUp(destination, timeout);
  }

  /** How this node would route a packet to {@code destination} now, and why. Any thread. */
  public Explanation explain(Address destination) {
    return query(() -> {
      io.staex.routing.RoutingNode node = engine.node();
      Route route = node.route(destination);
      java.util.Map<Address, NodeState> view = new java.util.HashMap<>();
      for (NodeState s : node.view()) {
        view.put(s.address(), s);
      }
      List<Hop> hops = new java.util.ArrayList<>();
      Address from = node.address();
      List<Address> path = route instanceof Route.Forward f ? f.path()
          : route instanceof Route.Up u ? List.of(u.parent()) : List.of();
      for (Address to : path) {
        NodeState state = view.get(to);
        hops.add(new Hop(to, state == null ? Optional.empty() : state.name(),
            edgeCost(view, from, to)));
        from = to;
      }
      boolean up = path.isEmpty() || engine.linkPeers().contains(path.get(0));
      return new Explanation(route, hops, up, view.size());
    });
  }

  /** The least cost either end's state declares for the edge a–b; 1 when neither does. */
  private static int edgeCost(java.util.Map<Address, NodeState> view, Address a, Address b) {
    int best = Integer.MAX_VALUE;
    for (Address[] e : new Address[][] {{a, b}, {b, a}}) {
      NodeState child = view.get(e[0]);
      if (child != null) {
        for (io.staex.routing.ParentLink p : child.parents()) {
          if (p.parent().equals(e[1])) {
            best = Math.min(best, p.cost());
          }
        }
      }
    }
    return best == Integer.MAX_VALUE ? 1 : best;
  }

  /** Neighbours whose links are up. */
  public Set<Address> links() {
    return query(() -> Set.copyOf(engine.linkPeers()));
  }

  /** Name lookups waiting for the tree's answer now (any thread). */
  public int pendingLookups() {
    return query(() -> engine.node().pendingLookups());
  }

  /** Whether {@code node}'s state is in this node's routing view. */
  public boolean knows(Address node) {
    return query(() -> engine.node().knows(node));
  }

  /** The number of states in this node's view, its own included. */
  public int viewSize() {
    return query(() -> engine.node().view().size());
  }

  /**
   * A copy of the routing node's counters: messages in and out, those held back for a
   * neighbour's budget, and what it dropped by reason (forged or stale states, invalid
   * revocations, messages and signature checks beyond a neighbour's budget …) (any thread).
   */
  public io.staex.routing.RoutingCounters routingCounters() {
    return query(() -> engine.node().counters().copy());
  }

  /**
   * Up to {@code limit} addresses of the states in this node's view, in address order, for
   * status displays (the view of a root may hold 100 000 nodes).
   */
  public List<Address> known(int limit) {
    return query(() -> engine.node().view().stream().map(s -> s.address()).sorted()
        .limit(limit).collect(Collectors.toList()));
  }

  private <T> T query(Callable<T> q) {
    return OnLoop.call(engine.loop(), q);
  }

  /** Closes the parents' links and the server's; blocks: do not call on an event loop. */
  @Override
  public void close() {
    java.util.Map<Parent, ParentConnector> all;
    synchronized (this) {
      all = connectors;
      connectors = java.util.Map.of();
    }
    for (ParentConnector c : all.values()) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
    engine.close();
  }
}
