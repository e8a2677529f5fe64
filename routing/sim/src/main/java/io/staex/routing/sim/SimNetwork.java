package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.routing.Effects;
import io.staex.routing.NodeState;
import io.staex.routing.Outbound;
import io.staex.routing.RoutingEvent;
import io.staex.routing.RoutingMessage;
import io.staex.routing.ReversePath;
import io.staex.routing.Route;
import io.staex.routing.RoutingNode;
import io.staex.routing.RoutingSettings;
import io.staex.routing.StateVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A deterministic discrete-event simulation of one staex network that runs the real {@link
 * RoutingNode} of every node: virtual time, an event queue ordered by (time, sequence), one
 * seeded {@link Random}; no wall clock, no threads. See {@code docs/routing-sim.md}.
 *
 * <p>Flow of one run:
 *
 * <ol>
 *   <li>{@link #addNode} creates identities and certificates (children after their parents;
 *       every child–parent pair becomes a {@link SimLink});
 *   <li>{@link #startAll} creates the RoutingNodes; links connect after a handshake, and both
 *       ends get {@code linkUp};
 *   <li>{@link #runUntilConverged} (or {@link #runFor}) delivers messages after their link's
 *       latency, in order per direction, calls {@code tick} when {@code nextTimer()} says, and
 *       applies failures scheduled with {@link #at};
 *   <li>{@link #trace} follows the real forwarding decisions; {@link InvariantChecker} checks
 *       them against the real live graph.
 * </ol>
 *
 * <p>Failures: {@link #kill} (a crash: neighbours learn after the dead-link timeout), {@link
 * #shutdown} (clean: neighbours learn after one latency), {@link #restart}, {@link #cut} and
 * {@link #heal} of a link (a silent cut is detected by keepalives), {@link #close} (a clean close
 * of one connection, which the child then redials), {@link #partition}.
 *
 * <p>Not safe for concurrent use.
 */
public final class SimNetwork {
  /** Virtual time zero. */
  public static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  private static final long NEVER = Long.MAX_VALUE;
  private static final long HORIZON_NANOS = Duration.ofDays(365L * 100).toNanos();
  private static final int MAX_TICKS_PER_INSTANT = 100;

  private final SimConfig config;
  private final RoutingSettings settings;
  private final Random random;
  private final SeededSecureRandom keyRandom;
  private final Identity networkKey;
  private final TrustPolicy policy;
  private final StateVerifier verifier;
  private final List<SimNode> nodes = new ArrayList<>();
  private final Map<Address, SimNode> byAddress = new HashMap<>();
  private final EventQueue queue = new EventQueue();
  private final List<Watch> watches = new ArrayList<>();
  private final List<String> anomalies = new ArrayList<>();
  private final Map<String, long[]> traffic = new LinkedHashMap<>();
  private MessageInterceptor interceptor;
  private Runnable progress;
  private BiConsumer<Instant, String> changeListener;
  private long progressEvery;

  private long now;
  private long lastChange;
  private long messagesInFlight;
  private long significantInFlight;
  private long pendingLinkEvents;
  private long pendingActions;
  private long lookupIds;
  private long messages;
  private long bytes;
  private long lost;

  public SimNetwork(SimConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.settings = config.settings();
    this.random = new Random(config.seed());
    this.keyRandom = new SeededSecureRandom(config.seed() ^ 0x5DEECE66DL);
    this.networkKey = Identity.generate(keyRandom);
    this.policy = TrustPolicy.ofNetwork(networkKey.address());
    this.verifier = config.shareVerifications() ? new SharedVerifier(policy) : StateVerifier.DIRECT;
  }

  // ---- building ---------------------------------------------------------------------------

  /** Adds a node without a certified name or services; see the full overload. */
  public SimNode addNode(String label, List<SimNode> parents) {
    return addNode(label, parents, Optional.empty(), List.of());
  }

  /**
   * Adds a node: a fresh identity, a certificate of this network (valid a year around the
   * epoch), and one link to each parent (which must exist already) with the default profile.
   * It runs from {@link #start} or {@link #startAll}.
   *
   * @param parents in priority order
   */
  public SimNode addNode(
      String label, List<SimNode> parents, Optional<String> name, List<Integer> services) {
    Identity identity = Identity.generate(keyRandom);
    Certificate cert = Certificate.issue(
        networkKey, identity.address(), name, Set.of(), EPOCH.minus(Duration.ofDays(1)),
        EPOCH.plus(Duration.ofDays(365)), keyRandom);
    SimNode node = new SimNode(nodes.size(), label, identity, cert, parents, services);
    for (SimNode p : parents) {
      if (byAddress.get(p.address()) != p) {
        throw new IllegalArgumentException("parent " + p + " of " + label + " is not in this network");
      }
      SimLink link = new SimLink(node, p, config.defaultLink());
      node.links.put(p.address(), link);
      p.links.put(node.address(), link);
    }
    nodes.add(node);
    byAddress.put(node.address(), node);
    return node;
  }

  /** Starts every node that has never run. */
  public void startAll() {
    for (SimNode n : nodes) {
      if (!n.alive && n.incarnation == 0) {
        start(n);
      }
    }
  }

  /** Starts a node that is not running: a fresh RoutingNode; its links connect. */
  public void start(SimNode n) {
    if (n.alive) {
      throw new IllegalStateException(n + " is already running");
    }
    List<Address> parents = n.parents().stream().map(SimNode::address).toList();
    n.incarnation++;
    n.routing = new RoutingNode(
        n.identity(), n.certificate(), parents, n.services(), policy, settings, verifier, now());
    n.alive = true;
    n.delivered = new HashMap<>();
    n.tickAt = NEVER;
    markChange(() -> n + " started");
    reschedule(n);
    for (SimLink l : n.links.values()) {
      connectIfPossible(l);
    }
  }

  // ---- failures ---------------------------------------------------------------------------

  /** The node crashes now: its links fail silently; neighbours learn after the dead-link timeout. */
  public void kill(SimNode n) {
    stop(n, false);
  }

  /** The node shuts down cleanly now: its neighbours learn after one latency. */
  public void shutdown(SimNode n) {
    stop(n, true);
  }

  /** A stopped node comes back: a fresh RoutingNode with the same identity and certificate. */
  public void restart(SimNode n) {
    start(n);
  }

  /** The link's wire is cut (silently): both ends learn after the dead-link timeout. */
  public void cut(SimLink l) {
    l.cut = true;
    markChange(() -> "cut " + l);
    fail(l, false);
  }

  /** A cut link works again: the child redials. */
  public void heal(SimLink l) {
    l.cut = false;
    markChange(() -> "healed " + l);
    connectIfPossible(l);
  }

  /** One connection closes cleanly (both ends learn after one latency); the child then redials. */
  public void close(SimLink l) {
    markChange(() -> "closed " + l);
    fail(l, true);
  }

  /** Cuts every link of {@code links} now. */
  public void partition(Collection<SimLink> links) {
    links.forEach(this::cut);
  }

  /** Heals every link of {@code links} now. */
  public void heal(Collection<SimLink> links) {
    links.forEach(this::heal);
  }

  /** Sets the profile of one link (takes effect for messages sent from now on). */
  public void setProfile(SimLink l, LinkProfile profile) {
    l.profile = Objects.requireNonNull(profile, "profile");
  }

  /** Runs {@code action} (e.g. a failure) at virtual time {@code t}, not in the past. */
  public void at(Instant t, Runnable action) {
    long when = toNanos(t);
    if (when < now) {
      throw new IllegalArgumentException("at " + t + ": in the past (now " + now() + ")");
    }
    pendingActions++;
    queue.add(when, () -> {
      pendingActions--;
      markChange(() -> "scheduled action");
      action.run();
    });
  }

  /** Runs {@code action} {@code delay} from now. */
  public void after(Duration delay, Runnable action) {
    at(now().plus(delay), action);
  }

  /** Calls {@code callback} after every {@code everyEvents} events (null: never), to report progress. */
  public void onProgress(long everyEvents, Runnable callback) {
    if (everyEvents < 1) {
      throw new IllegalArgumentException("everyEvents: " + everyEvents + " (expected: >= 1)");
    }
    this.progressEvery = everyEvents;
    this.progress = callback;
  }

  /**
   * Tells {@code listener} (null: nobody) of every change that counts against convergence, with
   * the reason: for finding out why a run did not settle when expected.
   */
  public void onChange(BiConsumer<Instant, String> listener) {
    this.changeListener = listener;
  }

  /** Replaces every message just before delivery (null: no interception). */
  public void intercept(MessageInterceptor i) {
    this.interceptor = i;
  }

  /** Evaluates {@code condition} now and after every instant at which something happened. */
  public Watch watch(BooleanSupplier condition) {
    Watch w = new Watch(condition, now());
    watches.add(w);
    return w;
  }

  public void unwatch(Watch w) {
    watches.remove(w);
  }

  /** {@code asker} starts looking up a certified name of this network; returns the lookup id. */
  public long lookup(SimNode asker, String name) {
    long id = ++lookupIds;
    markChange(() -> asker + " looks up " + name);
    apply(asker, call(asker, "lookup(" + name + ")",
        () -> asker.routing().lookup(id, networkKey.address(), name, now())));
    return id;
  }

  // ---- running ----------------------------------------------------------------------------

  /** Runs every event up to and including {@code t}; the clock then reads {@code t}. */
  public void runUntil(Instant t) {
    long until = toNanos(t);
    while (queue.peek() != null && queue.peek().time() <= until) {
      step();
    }
    now = Math.max(now, until);
    evaluateWatches();
  }

  public void runFor(Duration d) {
    runUntil(now().plus(d));
  }

  /**
   * Runs until the network is converged: no link is connecting or waiting to be told it failed,
   * no scheduled action is pending, no routing message other than a refresh is in flight, and
   * nothing but periodic refresh happened for {@link SimConfig#quietPeriod()}. Stops at {@code
   * limit} from now otherwise. The clock then reads the end of the quiet period.
   *
   * <p>"Something happened" means: a link came up or went down at a node, a node started, a
   * message other than a state update arrived, a state update carried a state that differs from
   * what the receiver was last given for that node in anything but sequence and expiry, a node
   * reported an event, a tick changed the size of a node's view, or an action ran.
   */
  public Convergence runUntilConverged(Duration limit) {
    long start = now;
    long deadline = now + limit.toNanos();
    long quiet = config.quietPeriod().toNanos();
    while (true) {
      EventQueue.Event next = queue.peek();
      boolean settled = significantInFlight == 0 && pendingLinkEvents == 0 && pendingActions == 0;
      long quietUntil = Math.max(lastChange, start) + quiet;
      if (settled && (next == null || next.time() > quietUntil)) {
        if (quietUntil > deadline) {
          now = Math.max(now, deadline);
          evaluateWatches();
          return new Convergence(instant(start), instant(Math.max(lastChange, start)), now(), false);
        }
        now = Math.max(now, quietUntil);
        evaluateWatches();
        return new Convergence(instant(start), instant(Math.max(lastChange, start)), now(), true);
      }
      if (next == null || next.time() > deadline) {
        now = Math.max(now, deadline);
        evaluateWatches();
        return new Convergence(instant(start), instant(Math.max(lastChange, start)), now(), false);
      }
      step();
    }
  }

  private void step() {
    EventQueue.Event e = queue.poll();
    now = e.time();
    e.action().run();
    if (progress != null && queue.executed() % progressEvery == 0) {
      progress.run();
    }
    EventQueue.Event next = queue.peek();
    if (!watches.isEmpty() && (next == null || next.time() > now)) {
      evaluateWatches();
    }
  }

  private void evaluateWatches() {
    Instant t = now();
    for (Watch w : watches) {
      w.evaluate(t);
    }
  }

  // ---- links ------------------------------------------------------------------------------

  private boolean viable(SimLink l) {
    return l.child().alive && l.parent().alive && !l.cut;
  }

  /** Dials when the wire could work and neither end still holds the previous connection. */
  private void connectIfPossible(SimLink l) {
    if (l.state != SimLink.State.DOWN || !viable(l) || l.childBelievesUp || l.parentBelievesUp) {
      return;
    }
    l.state = SimLink.State.CONNECTING;
    long token = ++l.connectToken;
    long delay = (l.everUp ? config.reconnectDelay().toNanos() : 0) + l.profile.handshakeNanos(random);
    pendingLinkEvents++;
    queue.add(now + delay, () -> {
      pendingLinkEvents--;
      if (l.connectToken != token || l.state != SimLink.State.CONNECTING) {
        return;
      }
      if (!viable(l)) {
        l.state = SimLink.State.DOWN;
        return;
      }
      establish(l);
    });
  }

  private void establish(SimLink l) {
    l.state = SimLink.State.UP;
    l.everUp = true;
    l.epoch++;
    l.childBelievesUp = true;
    l.parentBelievesUp = true;
    markChange(() -> "link up " + l);
    int cost = l.profile.cost();
    SimNode child = l.child();
    SimNode parent = l.parent();
    apply(child, call(child, "linkUp(" + parent + ")",
        () -> child.routing.linkUp(parent.address(), cost, now())));
    apply(parent, call(parent, "linkUp(" + child + ")",
        () -> parent.routing.linkUp(child.address(), cost, now())));
  }

  /** The wire fails now; each live end that held the link learns after its detection time. */
  private void fail(SimLink l, boolean clean) {
    switch (l.state) {
      case CONNECTING -> {
        l.state = SimLink.State.DOWN;
        l.connectToken++;
      }
      case UP -> {
        l.state = SimLink.State.FAILED;
        l.epoch++;
        long detect = clean ? l.profile.latency().toNanos() : settings.deadLinkTimeout().toNanos();
        for (SimNode end : List.of(l.child(), l.parent())) {
          if (end.alive && l.believesUp(end)) {
            notifyDown(l, end, detect);
          }
        }
        settle(l);
      }
      default -> { }
    }
  }

  private void notifyDown(SimLink l, SimNode end, long delay) {
    int incarnation = end.incarnation;
    pendingLinkEvents++;
    queue.add(now + delay, () -> {
      pendingLinkEvents--;
      if (end.incarnation != incarnation || !end.alive || !l.believesUp(end)) {
        return;
      }
      l.setBelievesUp(end, false);
      markChange(() -> end + " told link down: " + l);
      SimNode peer = l.other(end);
      apply(end, call(end, "linkDown(" + peer + ")", () -> end.routing.linkDown(peer.address(), now())));
      settle(l);
    });
  }

  /** A failed link whose ends both let go of it may connect again. */
  private void settle(SimLink l) {
    if (l.state == SimLink.State.FAILED && !l.childBelievesUp && !l.parentBelievesUp) {
      l.state = SimLink.State.DOWN;
      connectIfPossible(l);
    }
  }

  private void stop(SimNode n, boolean clean) {
    if (!n.alive) {
      throw new IllegalStateException(n + " is not running");
    }
    n.alive = false;
    n.routing = null;
    n.delivered = new HashMap<>();
    n.incarnation++;
    n.tickAt = NEVER;
    markChange(() -> n + " stopped");
    for (SimLink l : n.links.values()) {
      l.setBelievesUp(n, false);
      fail(l, clean);
      settle(l);
    }
  }

  // ---- messages ---------------------------------------------------------------------------

  private void apply(SimNode n, Effects effects) {
    for (Outbound o : effects.messages()) {
      send(n, o);
    }
    for (RoutingEvent e : effects.events()) {
      n.observe(now(), e);
      markChange(() -> n + " reported " + e);
    }
    reschedule(n);
  }

  private void send(SimNode from, Outbound out) {
    RoutingMessage m = out.message();
    int size = MessageSizes.of(m);
    String type = m.getClass().getSimpleName();
    long[] t = traffic.computeIfAbsent(type, k -> new long[2]);
    t[0]++;
    t[1] += size;
    messages++;
    bytes += size;
    from.messagesSent++;
    from.bytesSent += size;
    SimLink l = from.links.get(out.to());
    if (l == null) {
      anomaly(from + " sent " + type + " to " + describe(out.to()) + ", which is not its neighbour");
      return;
    }
    if (l.state != SimLink.State.UP) {
      lost++;
      return;
    }
    SimNode to = l.other(from);
    long delay = l.profile.sampleDelayNanos(random);
    long rto = l.profile.firstRtoNanos();
    while (l.profile.loss() > 0 && random.nextDouble() < l.profile.loss()) {
      delay += rto;
      rto *= 2;
      if (delay > settings.deadLinkTimeout().toNanos()) {
        lost++;
        fail(l, false);
        return;
      }
    }
    int dir = l.direction(from);
    long arrival = Math.max(now + delay, l.lastArrival[dir]);
    l.lastArrival[dir] = arrival;
    boolean significant = isChange(to, m);
    long epoch = l.epoch;
    messagesInFlight++;
    if (significant) {
      significantInFlight++;
    }
    queue.add(arrival, () -> deliver(l, epoch, from, to, m, size, significant));
  }

  private void deliver(
      SimLink l, long epoch, SimNode from, SimNode to, RoutingMessage sent, int size,
      boolean significant) {
    messagesInFlight--;
    if (significant) {
      significantInFlight--;
    }
    if (l.epoch != epoch || l.state != SimLink.State.UP) {
      lost++;
      return;
    }
    RoutingMessage m = interceptor == null ? sent : interceptor.intercept(from, to, sent);
    if (m == null) {
      lost++;
      return;
    }
    to.messagesReceived++;
    to.bytesReceived += size;
    if (significant || m != sent) {
      markChange(() -> to + " received a changing " + m.getClass().getSimpleName() + " from " + from
          + (m instanceof RoutingMessage.StateUpdate
              ? " " + ((RoutingMessage.StateUpdate) m).states().stream().limit(5)
                  .map(s -> describe(s.address())).toList()
              : ""));
    }
    Effects effects = call(to, "receive(" + from + ", " + m.getClass().getSimpleName() + ")",
        () -> to.routing.receive(from.address(), m, now()));
    remember(to, m);
    apply(to, effects);
  }

  /**
   * Whether delivering {@code m} to {@code to} could change anything but sequence and expiry,
   * judged by what {@code to} was last given per node ({@code SimNode.delivered}).
   */
  private static boolean isChange(SimNode to, RoutingMessage m) {
    if (!(m instanceof RoutingMessage.StateUpdate)) {
      return true;
    }
    for (NodeState s : ((RoutingMessage.StateUpdate) m).states()) {
      Integer known = to.delivered.get(s.address());
      if (known == null || known != fingerprint(s)) {
        return true;
      }
    }
    return false;
  }

  private static void remember(SimNode to, RoutingMessage m) {
    if (m instanceof RoutingMessage.StateUpdate) {
      for (NodeState s : ((RoutingMessage.StateUpdate) m).states()) {
        to.delivered.put(s.address(), fingerprint(s));
      }
    } else if (m instanceof RoutingMessage.Withdraw) {
      // Only what the receiver really dropped: a node that moved to another child stays.
      for (Address a : ((RoutingMessage.Withdraw) m).nodes()) {
        if (!to.routing.knows(a)) {
          to.delivered.remove(a);
        }
      }
    }
  }

  /** What a refresh leaves alone: everything in a state but its sequence, expiry and signature. */
  private static int fingerprint(NodeState s) {
    return Objects.hash(s.certificate().serial(), s.parents(), s.activeParent(), s.services());
  }

  // ---- timers -----------------------------------------------------------------------------

  /** Schedules the node's next tick at its {@code nextTimer()}, replacing any other. */
  private void reschedule(SimNode n) {
    if (!n.alive) {
      return;
    }
    long at = toNanos(n.routing.nextTimer());
    at = Math.max(at, now);
    if (at == n.tickAt) {
      return;
    }
    n.tickAt = at;
    if (at == NEVER) {
      return;
    }
    long token = ++n.tickToken;
    int incarnation = n.incarnation;
    queue.add(at, () -> {
      if (n.incarnation == incarnation && n.tickToken == token && n.alive) {
        tick(n);
      }
    });
  }

  private void tick(SimNode n) {
    n.tickAt = NEVER;
    if (n.lastTickAt == now) {
      if (++n.ticksAtSameInstant > MAX_TICKS_PER_INSTANT) {
        throw new IllegalStateException(
            "RoutingNode " + n + ": nextTimer() stays at " + now() + " after "
                + MAX_TICKS_PER_INSTANT + " ticks at that instant");
      }
    } else {
      n.lastTickAt = now;
      n.ticksAtSameInstant = 0;
    }
    int before = n.routing.view().size();
    Effects e = call(n, "tick", () -> n.routing.tick(now()));
    if (n.routing.view().size() != before) {
      markChange(() -> "tick changed the view of " + n);
    }
    apply(n, e);
  }

  // ---- helpers ----------------------------------------------------------------------------

  private Effects call(SimNode n, String what, Supplier<Effects> input) {
    try {
      return input.get();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "RoutingNode " + n + " threw on " + what + " at " + now() + ": " + e, e);
    }
  }

  private void markChange(Supplier<String> why) {
    lastChange = now;
    if (changeListener != null) {
      changeListener.accept(now(), why.get());
    }
  }

  private void anomaly(String what) {
    if (anomalies.size() < 1000) {
      anomalies.add(now() + ": " + what);
    }
  }

  private String describe(Address a) {
    SimNode n = byAddress.get(a);
    return n == null ? a.shortText() : n.label();
  }

  private static long toNanos(Instant t) {
    if (t.isBefore(EPOCH)) {
      return 0;
    }
    Duration d = Duration.between(EPOCH, t);
    if (d.toSeconds() > HORIZON_NANOS / 1_000_000_000L) {
      return NEVER;
    }
    return d.toNanos();
  }

  private static Instant instant(long nanos) {
    return EPOCH.plusNanos(nanos);
  }

  // ---- looking -----------------------------------------------------------------------------

  /** The current virtual time. */
  public Instant now() {
    return instant(now);
  }

  public RoutingSettings settings() {
    return settings;
  }

  public SimConfig config() {
    return config;
  }

  /** The network's address (its key signs every node's certificate). */
  public Address networkAddress() {
    return networkKey.address();
  }

  public TrustPolicy policy() {
    return policy;
  }

  /** All nodes in the order they were added. */
  public List<SimNode> nodes() {
    return java.util.Collections.unmodifiableList(nodes);
  }

  public SimNode node(Address a) {
    SimNode n = byAddress.get(a);
    if (n == null) {
      throw new IllegalArgumentException("no node " + a.shortText() + " in this network");
    }
    return n;
  }

  public Optional<SimNode> find(Address a) {
    return Optional.ofNullable(byAddress.get(a));
  }

  /** The link between a child and a parent (either order). */
  public SimLink link(SimNode a, SimNode b) {
    return a.linkTo(b).orElseThrow(
        () -> new IllegalArgumentException(a + " and " + b + " are not child and parent"));
  }

  /** Every link once. */
  public List<SimLink> links() {
    List<SimLink> out = new ArrayList<>();
    for (SimNode n : nodes) {
      for (SimNode p : n.parents()) {
        out.add(n.links.get(p.address()));
      }
    }
    return out;
  }

  /** Routing messages sent so far. */
  public Traffic traffic() {
    Map<String, Long> m = new LinkedHashMap<>();
    Map<String, Long> b = new LinkedHashMap<>();
    traffic.forEach((k, v) -> {
      m.put(k, v[0]);
      b.put(k, v[1]);
    });
    return new Traffic(messages, bytes, lost, m, b);
  }

  /** Things the routing code did that the simulator could not carry out (e.g. a message to a non-neighbour). */
  public List<String> anomalies() {
    return List.copyOf(anomalies);
  }

  /** Routing messages sent and not yet delivered or lost. */
  public long messagesInFlight() {
    return messagesInFlight;
  }

  /**
   * State verifications done and saved by the shared memo ({@link SimConfig#shareVerifications});
   * empty without one.
   */
  public Optional<Verifications> verifications() {
    if (!(verifier instanceof SharedVerifier)) {
      return Optional.empty();
    }
    SharedVerifier v = (SharedVerifier) verifier;
    return Optional.of(new Verifications(v.misses(), v.hits()));
  }

  /** States verified for real, and verifications the shared memo saved. */
  public record Verifications(long verified, long saved) {}

  /** Events executed so far (for progress and cost figures). */
  public long eventsExecuted() {
    return queue.executed();
  }

  /** Follows the real forwarding decisions from {@code source} towards {@code destination}. */
  public Trace trace(SimNode source, Address destination) {
    return new Tracer(this).trace(source, destination);
  }

  // ---- data packets -----------------------------------------------------------------------

  /** Hops a data packet may take ({@code PacketHeader.DEFAULT_TTL} in the relay). */
  public static final int PACKET_TTL = 64;

  /** How a data packet sent by {@link #sendPacket} ended. */
  public enum PacketFate {
    /** At its destination. */
    DELIVERED,
    /** Refused by the reverse-path rule ({@code ReversePath}, {@code RoutingNode.mayComeFrom}). */
    SPOOF_DROPPED,
    /** A root (or an island's top) did not know the destination. */
    NO_ROUTE,
    /** Its TTL ran out. */
    TTL_EXPIRED,
    /** Its next hop's link was not up at the node that decided (no route to follow). */
    LINK_DOWN,
    /** Lost with a link that failed while it was on it. */
    LOST
  }

  /**
   * A data packet's end: sent by {@code sender} claiming {@code source}, for {@code destination};
   * ended {@code fate} at {@code at} after {@code hops} links.
   */
  public record PacketResult(
      long id, SimNode sender, Address source, Address destination, PacketFate fate, SimNode at,
      int hops, List<SimNode> path) {
    public boolean spoofed() {
      return !sender.address().equals(source);
    }
  }

  private record Packet(
      long id, SimNode sender, Address source, Address destination, List<Address> route, int ttl,
      int hops, List<SimNode> path, Consumer<PacketResult> done) {}

  private long packetIds;
  private long sourceChecksPassed;

  /** Hops at which a packet passed the reverse-path rule (it applied, and said yes). */
  public long sourceChecksPassed() {
    return sourceChecksPassed;
  }

  /**
   * Sends a data packet from {@code sender}, which claims to be {@code source} (a spoofer when
   * that is another node), to {@code destination}; {@code done} hears how it ended. It is
   * forwarded as the relay forwards ({@code docs/relay.md}, Decisions) by every node's real
   * {@code route} at the instant it is there, and every node it arrives at applies the
   * reverse-path rule as the relay does, first. It travels the links as routing messages do, in
   * order with them per direction (a child's state update sent before its packet arrives
   * before it), with their delays; it does not count as routing traffic or change.
   */
  public long sendPacket(
      SimNode sender, Address source, Address destination, Consumer<PacketResult> done) {
    long id = ++packetIds;
    if (!sender.alive) {
      throw new IllegalStateException(sender + " is not running");
    }
    forward(sender, null,
        new Packet(id, sender, source, destination, List.of(), PACKET_TTL, 0, List.of(sender), done));
    return id;
  }

  /** One node's decision on a packet that arrived from {@code from} (null: its own). */
  private void forward(SimNode at, SimNode from, Packet p) {
    Address self = at.address();
    RoutingNode node = at.routing;
    if (from != null && ReversePath.applies(!p.route().isEmpty(), p.destination().equals(self))) {
      if (!node.mayComeFrom(p.source(), from.address(), now())) {
        end(p, PacketFate.SPOOF_DROPPED, at);
        return;
      }
      sourceChecksPassed++;
    }
    if (!p.route().isEmpty()) {
      if (p.ttl() == 0) {
        end(p, PacketFate.TTL_EXPIRED, at);
        return;
      }
      hop(at, p.route().get(0), p, p.route().subList(1, p.route().size()), true);
      return;
    }
    if (p.destination().equals(self)) {
      end(p, PacketFate.DELIVERED, at);
      return;
    }
    Route route = node.route(p.destination());
    if (route instanceof Route.Local) {
      end(p, PacketFate.DELIVERED, at);
    } else if (route instanceof Route.Unreachable) {
      end(p, PacketFate.NO_ROUTE, at);
    } else if (from != null && p.ttl() == 0) {
      end(p, PacketFate.TTL_EXPIRED, at);
    } else if (route instanceof Route.Forward f) {
      List<Address> path = f.path();
      hop(at, path.get(0), p, List.copyOf(path.subList(1, path.size())), from != null);
    } else {
      hop(at, ((Route.Up) route).parent(), p, List.of(), from != null);
    }
  }

  /** Sends {@code p} from {@code at} to its neighbour {@code next} with {@code route}. */
  private void hop(SimNode at, Address next, Packet p, List<Address> route, boolean spendTtl) {
    SimLink l = at.links.get(next);
    if (l == null || !l.believesUp(at)) {
      end(p, PacketFate.LINK_DOWN, at);
      return;
    }
    if (l.state != SimLink.State.UP) {
      end(p, PacketFate.LOST, at);
      return;
    }
    SimNode to = l.other(at);
    long delay = l.profile.sampleDelayNanos(random);
    long rto = l.profile.firstRtoNanos();
    while (l.profile.loss() > 0 && random.nextDouble() < l.profile.loss()) {
      delay += rto;
      rto *= 2;
    }
    int dir = l.direction(at);
    long arrival = Math.max(now + delay, l.lastArrival[dir]);
    l.lastArrival[dir] = arrival;
    long epoch = l.epoch;
    List<SimNode> path = new ArrayList<>(p.path());
    path.add(to);
    Packet sent = new Packet(p.id(), p.sender(), p.source(), p.destination(), route,
        spendTtl ? p.ttl() - 1 : p.ttl(), p.hops() + 1, path, p.done());
    queue.add(arrival, () -> {
      if (l.epoch != epoch || l.state != SimLink.State.UP || !to.alive) {
        end(sent, PacketFate.LOST, to);
        return;
      }
      forward(to, at, sent);
    });
  }

  private void end(Packet p, PacketFate fate, SimNode at) {
    p.done().accept(new PacketResult(
        p.id(), p.sender(), p.source(), p.destination(), fate, at, p.hops(), p.path()));
  }
}
