package io.staex.routing;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.Revocations;
import io.staex.crypto.SignedRevocation;
import io.staex.crypto.TrustPolicy;
import io.staex.crypto.Verdict;
import io.staex.routing.RoutingCounters.Drop;
import io.staex.routing.RoutingMessage.ExplainAnswer;
import io.staex.routing.RoutingMessage.ExplainHop;
import io.staex.routing.RoutingMessage.ExplainRequest;
import io.staex.routing.RoutingMessage.LookupMiss;
import io.staex.routing.RoutingMessage.LookupReply;
import io.staex.routing.RoutingMessage.LookupRequest;
import io.staex.routing.RoutingMessage.Rank;
import io.staex.routing.RoutingMessage.Revoke;
import io.staex.routing.RoutingMessage.StateUpdate;
import io.staex.routing.RoutingMessage.Withdraw;
import io.staex.routing.internal.LinkBuckets;
import io.staex.routing.internal.ParentSelector;
import io.staex.routing.internal.Router;
import io.staex.routing.internal.SendPacer;
import io.staex.routing.internal.ShortestPaths;
import io.staex.routing.internal.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * One node's routing brain (see {@code docs/routing.md}): holds its view (own state plus its
 * subtree's), chooses the active parent, propagates states upwards, answers lookups, and
 * decides where frames go. A pure state machine: every input takes {@code now} and returns the
 * {@link Effects} (messages for neighbours, events); it never blocks, sleeps or does I/O. The
 * driver (the node's links, or the simulator) delivers messages, reports links going up and
 * down (including missed keepalives), and calls {@link #tick} no later than {@link #nextTimer}.
 *
 * <p>Inputs from peers that do not verify, are stale, or come from a neighbour that is not our
 * child are dropped and counted in {@link #counters()}; they never throw.
 *
 * <p>Not safe for concurrent use: confine it to one thread (the node's routing event loop).
 */
public final class RoutingNode {
  /**
   * A state in the view, the neighbour it came through (this node for its own), and since when
   * it comes through that neighbour.
   */
  private record Entry(NodeState state, Address via, Instant since) {}

  /** A view entry's expiry, for the timer queue; stale once the entry's sequence moved on. */
  private record Expiry(Instant at, Address node, long sequence) {}

  /** A neighbour a moved state came through before, accepted as its way in until {@code until}. */
  private record Former(Address via, Instant until) {}

  /** Former ways in kept per node (a subtree that moved more often keeps its latest ones). */
  private static final int MAX_FORMER_VIAS = 4;

  private final Identity identity;
  /** This node's certificate, in its signed state; replaced by {@link #renewCertificate}. */
  private Certificate certificate;
  /** Configured parents in priority order; replaced by {@link #setParents} (a reload). */
  private List<Address> parents;
  private final List<Integer> services;
  private final TrustPolicy policy;
  private final RoutingSettings settings;
  private final StateVerifier verifier;
  /** Chooses among the parents whose link is up (the floating choice of a detached node). */
  private ParentSelector selector;
  /**
   * Chooses among the parents that have a way up: link up, a rank heard that is not {@link
   * Rank#DETACHED}, and not below this node in its view (issue 14, see {@link #chooseUp}).
   */
  private ParentSelector reach;
  private final Topology topology;
  private final Router router;
  private final RoutingCounters counters = new RoutingCounters();
  /** Routing messages per neighbour ({@link RoutingBudget#messagesPerSecond}). */
  private final LinkBuckets messageBudget;
  /** Signature checks of states and revocations not held yet, per neighbour. */
  private final LinkBuckets checkBudget;
  /** Route explain requests answered per neighbour ({@link RoutingBudget#explainsPerSecond}). */
  private final LinkBuckets explainBudget;
  /**
   * Our messages to each neighbour, kept within the budget it holds us to (the same as ours):
   * what does not fit yet waits, merged, instead of being dropped there (issue 14).
   */
  private final SendPacer pacer;
  /**
   * Route explains this node started and still waits for: id → the node whose answer comes
   * next (the last {@code UP} answer's parent). Ended by an answer that is not {@code UP} or by
   * {@link #forgetExplain} (the caller's timeout); at most {@link #MAX_PENDING_EXPLAINS}.
   */
  private final Map<Long, Address> pendingExplains = new LinkedHashMap<>();

  private final Map<Address, Integer> links = new HashMap<>();
  /** The rank each neighbour last announced ({@link Rank}); none heard yet: absent. */
  private final Map<Address, Integer> ranks = new HashMap<>();
  /** Neighbours lost as {@link #fallback}, not taken again as one before the instant given. */
  private final Map<Address, Instant> fallbackHeld = new HashMap<>();
  private final Map<Address, Entry> view = new HashMap<>();
  /** (network, name) → nodes in the view with that certified name. */
  private final Map<String, Set<Address>> names = new HashMap<>();
  private final PriorityQueue<Expiry> expiries =
      new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
  /** Lost children whose subtree is withdrawn at the deadline unless they come back. */
  private final Map<Address, Instant> pendingWithdrawals = new LinkedHashMap<>();
  /**
   * Lookups this node started and still waits for, oldest first: id → (network, name) and when
   * it is given up. Every entry ends: by its answer, its miss, or at its deadline ({@link #tick});
   * at most {@link #MAX_PENDING_LOOKUPS}.
   */
  private final Map<Long, PendingLookup> pendingLookups = new LinkedHashMap<>();
  /**
   * For nodes whose state moved to another neighbour: the neighbours it came through before, each
   * until {@code withdrawGrace} after the move (packets already on the old way in, see {@link
   * #mayComeFrom}). Pruned on {@link #tick}.
   */
  private final Map<Address, List<Former>> formerVias = new HashMap<>();

  /** How long a lookup waits for its answer here; callers time out sooner (at most 60 s). */
  public static final Duration LOOKUP_LIFETIME = Duration.ofSeconds(60);
  /** Lookups waiting at once; more fail at once ("too many lookups in flight"). */
  public static final int MAX_PENDING_LOOKUPS = 1024;

  private record PendingLookup(String key, Instant deadline) {}

  /** Route explains waiting at once; more are not started ({@link #explain} says none). */
  public static final int MAX_PENDING_EXPLAINS = 64;

  /**
   * The active parent: the most preferred parent with a way up ({@link #reach}); else {@link
   * #fallback}; else, detached, the most preferred parent whose link is up ({@link #selector}).
   */
  private Optional<Address> up = Optional.empty();
  /**
   * A neighbour that is not one of our parents (a former child, a child's cross link) with a way
   * up, climbed through while none of our parents has one (issue 14: no islands); else null.
   */
  private Address fallback;
  /** The rank last announced to every neighbour; -1 before the first. */
  private int announced = -1;
  private NodeState ownState;
  private long sequence;
  private Instant nextRefresh;
  /** When {@link #formerVias} is pruned next (at most once per {@code withdrawGrace}). */
  private Instant nextPrune = Instant.MIN;

  /**
   * @param parents this node's parents in priority order (empty for a root)
   * @param services ports this node advertises
   */
  public RoutingNode(
      Identity identity, Certificate certificate, List<Address> parents, List<Integer> services,
      TrustPolicy policy, RoutingSettings settings, Instant now) {
    this(identity, certificate, parents, services, policy, settings, StateVerifier.DIRECT, now);
  }

  /** As the other constructor, with the verifier of received states injected. */
  public RoutingNode(
      Identity identity, Certificate certificate, List<Address> parents, List<Integer> services,
      TrustPolicy policy, RoutingSettings settings, StateVerifier verifier, Instant now) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.parents = checkParents(identity.address(), parents);
    this.services = List.copyOf(services);
    if (this.services.size() > settings.maxServices()) {
      throw new IllegalArgumentException(
          "services: " + this.services.size() + " (expected: at most " + settings.maxServices() + ")");
    }
    this.policy = Objects.requireNonNull(policy, "policy");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.selector = new ParentSelector(this.parents, settings.parentHoldDown());
    this.reach = new ParentSelector(this.parents, settings.parentHoldDown());
    RoutingBudget budget = settings.budget();
    this.messageBudget = new LinkBuckets(budget.messagesPerSecond(), budget.messageBurst());
    this.checkBudget = new LinkBuckets(budget.checksPerSecond(), budget.checkBurst());
    this.explainBudget =
        new LinkBuckets(budget.explainsPerSecond(), budget.explainsPerSecond());
    this.pacer = new SendPacer(budget);
    this.topology = new Topology(identity.address(), true);
    this.router = new Router(new ShortestPaths(topology));
    // Sequence numbers start from the clock so that a restarted node's states are newer.
    this.sequence = Math.max(0, now.toEpochMilli());
    resign(now);
  }

  public Address address() {
    return identity.address();
  }

  private static List<Address> checkParents(Address self, List<Address> parents) {
    List<Address> list = List.copyOf(parents);
    if (list.size() > NodeState.MAX_PARENTS || list.contains(self)
        || new HashSet<>(list).size() != list.size()) {
      throw new IllegalArgumentException(
          "parents: " + list.size() + " entries (expected: at most " + NodeState.MAX_PARENTS
              + ", distinct, not this node)");
    }
    return list;
  }

  /**
   * This node's parents are now {@code next} (priority order; a reload). Parents whose links are
   * up stay up; the most preferred of them is active (the hold-down history starts afresh); the
   * own state is signed again and, when the active parent changed, the view goes to the new one.
   * A link to a parent no longer listed counts as a child's until it closes (the caller closes
   * it).
   *
   * @throws IllegalArgumentException if {@code next} has more than {@link
   *     NodeState#MAX_PARENTS} entries, duplicates, or this node
   */
  public Effects setParents(List<Address> next, Instant now) {
    List<Address> list = checkParents(address(), next);
    Out out = new Out();
    if (list.equals(parents)) {
      return Effects.none();
    }
    Optional<Address> before = up;
    parents = list;
    selector = new ParentSelector(list, settings.parentHoldDown());
    reach = new ParentSelector(list, settings.parentHoldDown());
    for (Address p : list) {
      if (links.containsKey(p)) {
        selector.linkUp(p, now);
      }
    }
    up = chooseUp(now);
    parentsChanged(before, now, out);
    return effects(out, now);
  }

  /** A link to {@code neighbour} is up (authenticated by the link layer); {@code cost} >= 1. */
  public Effects linkUp(Address neighbour, int cost, Instant now) {
    if (cost < 1 || cost > ParentLink.MAX_COST) {
      throw new IllegalArgumentException("cost: " + cost + " (expected: 1~" + ParentLink.MAX_COST + ")");
    }
    Out out = new Out();
    boolean replaced = links.put(neighbour, cost) != null;
    if (replaced) {
      pacer.forget(neighbour); // what waited for the old connection went with it
    }
    topology.setLink(neighbour, cost);
    pendingWithdrawals.remove(neighbour);
    Optional<Address> before = up;
    if (parents.contains(neighbour)) {
      selector.linkUp(neighbour, now);
      up = chooseUp(now);
      if (replaced && before.equals(Optional.of(neighbour)) && before.equals(up)) {
        // A new connection to the active parent replaced the old one before the old one was
        // seen down: the parent may be a restarted process with an empty view, so it gets the
        // whole view, as after a switch (else it would learn our subtree only at refreshes, and
        // drop our subtree's packets as spoofed until then).
        resign(now);
        sendView(out);
      } else {
        parentsChanged(before, now, out);
      }
      if (!up.equals(Optional.of(neighbour))) {
        // A parent that is not our active one must not hold our subtree; it may still, from
        // before its link went down (we could not withdraw then, and it keeps a child back
        // within withdrawGrace). Stale there, it would drop our full view as stale when we
        // come back to it, while the other way's withdrawal removes our subtree above it.
        out.send(neighbour, new Withdraw(List.copyOf(view.keySet())));
      }
    } else if (replaced && before.equals(Optional.of(neighbour))) {
      // A new connection to the neighbour we climb through as a fallback: as for a parent.
      resign(now);
      sendView(out);
    }
    // Hand over the revocations held, so that a node that was away learns them; nothing is
    // sent when there are none (a node of an older version would not know the message).
    for (Revoke chunk : RoutingCodec.splitRevocations(policy.revocations().all())) {
      out.send(neighbour, chunk);
    }
    // Our rank last, after our view: the neighbour can tell whether we are below it first.
    if (!reselect(now, out) && announced >= 0) {
      out.send(neighbour, new Rank(announced));
    }
    return effects(out, now);
  }

  /**
   * This node's certificate was renewed ({@code staex cert renew}: same key, name, roles and
   * network, a new validity): the own state is signed again with it and sent up, so that the
   * tree holds the renewed one.
   *
   * @throws IllegalArgumentException if {@code renewed} differs in key, network, name or roles
   */
  public Effects renewCertificate(Certificate renewed, Instant now) {
    if (!renewed.node().equals(certificate.node())
        || !renewed.network().equals(certificate.network())
        || !renewed.name().equals(certificate.name())
        || !renewed.roles().equals(certificate.roles())) {
      throw new IllegalArgumentException("certificate for " + renewed.node() + " of network "
          + renewed.network() + " (expected: the same key, network, name and roles as "
          + certificate.serial().toString(16) + ")");
    }
    certificate = renewed;
    Out out = new Out();
    resign(now);
    sendUp(new StateUpdate(List.of(ownState)), out);
    return effects(out, now);
  }

  /** The link to {@code neighbour} is gone (closed, failed, or keepalives missed). */
  public Effects linkDown(Address neighbour, Instant now) {
    Out out = new Out();
    if (links.remove(neighbour) == null) {
      return Effects.none();
    }
    pacer.forget(neighbour);
    topology.removeLink(neighbour);
    ranks.remove(neighbour);
    Optional<Address> before = up;
    if (parents.contains(neighbour)) {
      selector.linkDown(neighbour, now);
    }
    up = chooseUp(now);
    if (parents.contains(neighbour) || !up.equals(before)) {
      parentsChanged(before, now, out);
    }
    List<Address> behind = new ArrayList<>();
    for (Entry e : view.values()) {
      if (e.via().equals(neighbour)) {
        behind.add(e.state().address());
      }
    }
    if (!behind.isEmpty()) {
      // Withdrawn upwards at once: no node above may keep routing into a link that is down
      // (its subtree may already be back by another way, and a newer state of it may be on
      // its way up there). Kept here for withdrawGrace, but not routed to (see route), so
      // that a child back within the grace costs this node no signature check.
      pendingWithdrawals.put(neighbour, now.plus(settings.withdrawGrace()));
      sendUp(new Withdraw(behind), out);
    }
    reselect(now, out);
    return effects(out, now);
  }

  /**
   * A message from the neighbour {@code from}; bad content is dropped and counted, and so is a
   * message beyond the neighbour's budget ({@link RoutingBudget}).
   */
  public Effects receive(Address from, RoutingMessage message, Instant now) {
    counters.in();
    if (!links.containsKey(from)) {
      counters.drop(Drop.NOT_A_CHILD);
      return Effects.none();
    }
    if (!messageBudget.take(from, now)) {
      counters.drop(Drop.MESSAGE_BUDGET);
      return new Effects(List.of(),
          List.of(new RoutingEvent.OverBudget(from, RoutingEvent.OverBudget.Budget.MESSAGES)));
    }
    Out out = new Out();
    dispatch(from, message, now, out);
    reselect(now, out);
    return effects(out, now);
  }

  private void dispatch(Address from, RoutingMessage message, Instant now, Out out) {
    if (message instanceof StateUpdate m) {
      onStateUpdate(from, m, now, out);
    } else if (message instanceof Withdraw m) {
      onWithdraw(from, m, now, out);
    } else if (message instanceof LookupRequest m) {
      onLookupRequest(from, m, now, out);
    } else if (message instanceof LookupReply m) {
      onLookupAnswer(m.route(), m, now, out);
    } else if (message instanceof LookupMiss m) {
      onLookupAnswer(m.route(), m, now, out);
    } else if (message instanceof Revoke m) {
      onRevoke(from, m, now, out);
    } else if (message instanceof Rank m) {
      ranks.put(from, m.rank());
    } else if (message instanceof ExplainRequest m) {
      onExplainRequest(from, m, now, out);
    } else if (message instanceof ExplainAnswer m) {
      onExplainAnswer(m, out);
    } else if (message instanceof RoutingMessage.PresentCertificate m) {
      // Checked by the layer that holds the link (same key, network, trusted, valid now); its
      // signature check costs a token of the neighbour's check budget, as a new state's does.
      if (checkBudget.take(from, now)) {
        out.events.add(new RoutingEvent.CertificatePresented(from, m.certificate()));
      } else {
        counters.drop(Drop.SIGNATURE_BUDGET);
        out.overCheckBudget(from);
      }
    }
  }

  /** Runs due timers: refresh, expiry, withdrawal after grace, parent hold-down. */
  public Effects tick(Instant now) {
    Out out = new Out();
    selector.tick(now);
    reselect(now, out);
    List<Address> withdrawn = new ArrayList<>();
    for (var it = pendingWithdrawals.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!now.isBefore(e.getValue())) {
        it.remove();
        withdrawn.addAll(removeVia(e.getKey()));
      }
    }
    while (!expiries.isEmpty() && !now.isBefore(expiries.peek().at())) {
      Expiry x = expiries.poll();
      Entry e = view.get(x.node());
      if (e != null && e.state().sequence() == x.sequence() && !x.node().equals(address())) {
        remove(x.node());
      }
    }
    if (!withdrawn.isEmpty()) {
      sendUp(new Withdraw(withdrawn), out);
    }
    expireLookups(now, out);
    pruneFormerVias(now);
    fallbackHeld.values().removeIf(until -> !now.isBefore(until));
    reselect(now, out);
    messageBudget.prune(links.keySet(), now);
    checkBudget.prune(links.keySet(), now);
    explainBudget.prune(links.keySet(), now);
    pacer.prune(links.keySet(), now);
    if (!now.isBefore(nextRefresh)) {
      resign(now);
      sendUp(new StateUpdate(List.of(ownState)), out);
    }
    return effects(out, now);
  }

  /** When {@link #tick} must be called next at the latest. */
  public Instant nextTimer() {
    Instant next = nextRefresh;
    Instant hold = selector.nextTimer();
    if (hold.isBefore(next)) {
      next = hold;
    }
    hold = reach.nextTimer();
    if (hold.isBefore(next)) {
      next = hold;
    }
    for (Instant until : fallbackHeld.values()) {
      if (until.isBefore(next)) {
        next = until;
      }
    }
    for (Instant deadline : pendingWithdrawals.values()) {
      if (deadline.isBefore(next)) {
        next = deadline;
      }
    }
    Expiry first = expiries.peek();
    if (first != null && first.at().isBefore(next)) {
      next = first.at();
    }
    if (!pendingLookups.isEmpty()) {
      Instant oldest = pendingLookups.values().iterator().next().deadline();
      if (oldest.isBefore(next)) {
        next = oldest;
      }
    }
    Instant paced = pacer.readyAt();
    if (paced.isBefore(next)) {
      next = paced;
    }
    return next;
  }

  /** Where a frame for {@code destination} goes from here. Cached; recomputed on view change. */
  public Route route(Address destination) {
    Entry e = view.get(destination);
    // An entry whose way in is a lost link (kept for withdrawGrace) is stale: go up instead.
    boolean live = e != null && !pendingWithdrawals.containsKey(e.via());
    return router.route(destination, address(), up, live);
  }

  /** Starts looking up {@code name} in {@code network}; the answer comes as an event. */
  public Effects lookup(long id, Address network, String name, Instant now) {
    Out out = new Out();
    expireLookups(now, out);
    String problem = RoutingCodec.nameProblem(name);
    if (problem != null) {
      out.events.add(new RoutingEvent.LookupFailed(id, "'" + name + "' is not a name: " + problem));
      return effects(out, now);
    }
    Optional<NodeState> local = findName(network, name, policy.ownNetwork(), now);
    if (local.isPresent()) {
      out.events.add(new RoutingEvent.LookupResolved(id, local.get()));
    } else if (pendingLookups.size() >= MAX_PENDING_LOOKUPS) {
      out.events.add(new RoutingEvent.LookupFailed(id, "too many lookups in flight ("
          + MAX_PENDING_LOOKUPS + ")"));
    } else if (up.isPresent()) {
      pendingLookups.put(id, new PendingLookup(key(network, name), now.plus(LOOKUP_LIFETIME)));
      out.send(up.get(),
          new LookupRequest(id, address(), network, name, settings.maxHops()));
    } else {
      out.events.add(new RoutingEvent.LookupFailed(id, "'" + name + "' not found (this node is the root)"));
    }
    return effects(out, now);
  }

  /** Lookups still waiting for their answer (at most {@link #MAX_PENDING_LOOKUPS}). */
  public int pendingLookups() {
    return pendingLookups.size();
  }

  /** Gives up the lookups whose deadline passed; deadlines grow with insertion order. */
  private void expireLookups(Instant now, Out out) {
    for (var it = pendingLookups.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (now.isBefore(e.getValue().deadline())) {
        break;
      }
      it.remove();
      out.events.add(new RoutingEvent.LookupFailed(e.getKey(), "no answer within "
          + LOOKUP_LIFETIME.toSeconds() + "s"));
    }
  }

  /** This node's configured parents, in priority order (empty for a root). */
  public List<Address> parents() {
    return parents;
  }

  /**
   * The neighbour this node climbs through: its most preferred parent with a way up, else a
   * neighbour with one (a fallback, see {@link #rank}), else its most preferred parent up.
   */
  public Optional<Address> activeParent() {
    return up;
  }

  /**
   * This node's rank: 0 at a root, the active parent's plus one when it has a way up, else
   * {@link Rank#DETACHED}.
   */
  public int rank() {
    if (parents.isEmpty()) {
      return 0;
    }
    if (up.isPresent() && (up.equals(reach.active()) || up.get().equals(fallback))
        && hasWayUp(up.get())) {
      return ranks.get(up.get()) + 1;
    }
    return Rank.DETACHED;
  }

  /** The rank {@code neighbour} last announced; empty if none yet (or no link). */
  public Optional<Integer> rankOf(Address neighbour) {
    return Optional.ofNullable(ranks.get(neighbour));
  }

  /** This node's signed state as it last published it. */
  public NodeState ownState() {
    return ownState;
  }

  /** The states in this node's view, its own included. */
  public Collection<NodeState> view() {
    List<NodeState> states = new ArrayList<>(view.size());
    for (Entry e : view.values()) {
      states.add(e.state());
    }
    return Collections.unmodifiableList(states);
  }

  /** Whether {@code node}'s state is in this node's view. */
  public boolean knows(Address node) {
    return view.containsKey(node);
  }

  /**
   * The neighbour {@code node}'s state came through (this node for its own); empty if it is not
   * in the view.
   */
  public Optional<Address> via(Address node) {
    Entry e = view.get(node);
    return e == null ? Optional.empty() : Optional.of(e.via());
  }

  /**
   * The reverse-path rule (BCP 38 / strict uRPF over the signed view; {@code docs/routing.md},
   * Source check): may a frame that {@code neighbour} sent up to us, without a source route and
   * not for us, claim {@code source}? Only a frame climbing from {@code neighbour}'s subtree can
   * arrive so (a neighbour sends a frame up only to its active parent, after its view), so yes
   * exactly when {@code source}'s state came through {@code neighbour}: {@code neighbour} itself
   * or a node below it. Also yes for the neighbour {@code source}'s state came through until
   * {@code withdrawGrace} before {@code now}, if it moved since (its packets already on the old
   * way in arrive after the news of the new one, which may come by another, faster way), and for
   * every source while this node is in a loop of active parents without a root (every node of
   * the loop is below every other: there is no reverse path to check; such frames circle until
   * their TTL runs out, as without the check). Check only frames that {@link
   * ReversePath#applies} to.
   */
  public boolean mayComeFrom(Address source, Address neighbour, Instant now) {
    Entry e = view.get(source);
    if (e != null && e.via().equals(neighbour) && !source.equals(address())) {
      return true;
    }
    List<Former> formers = formerVias.get(source);
    if (formers != null) {
      for (Former f : formers) {
        if (f.via().equals(neighbour) && now.isBefore(f.until())) {
          return true;
        }
      }
    }
    return inRootlessLoop();
  }

  /** Whether our chain of active parents, as our view has it, comes back to us. */
  private boolean inRootlessLoop() {
    Optional<Address> next = up;
    for (int hops = 0; next.isPresent() && hops <= settings.maxHops(); hops++) {
      if (next.get().equals(address())) {
        return true;
      }
      Entry e = view.get(next.get());
      if (e == null) {
        return false;
      }
      next = e.state().activeParent();
    }
    return false;
  }

  /** Counters of what was dropped and why, for status and tests. */
  public RoutingCounters counters() {
    return counters;
  }

  // --- revocations

  /**
   * {@code revocation} was applied here by the layer above ({@link TrustPolicy#revoke} said
   * APPLIED: an operator handed it over): send it to every neighbour, and forget the states it
   * covers.
   */
  public Effects revoked(SignedRevocation revocation, Instant now) {
    Out out = new Out();
    applied(List.of(revocation), null, out);
    return effects(out, now);
  }

  /** The policy this node checks states and revocations with (shared with the node's links). */
  public TrustPolicy policy() {
    return policy;
  }

  private void onRevoke(Address from, Revoke m, Instant now, Out out) {
    List<SignedRevocation> fresh = new ArrayList<>();
    for (SignedRevocation r : m.revocations()) {
      // A revocation held already, or one with no room, is settled before it costs a check.
      Revocations.Outcome outcome = policy.revoke(r, () -> checkBudget.take(from, now));
      switch (outcome) {
        case APPLIED -> fresh.add(r);
        case KNOWN -> { }
        case FULL -> counters.drop(Drop.REVOCATION_LIMIT);
        case OVER_BUDGET -> {
          counters.drop(Drop.SIGNATURE_BUDGET);
          out.overCheckBudget(from);
        }
        case BAD_SIGNATURE, UNTRUSTED_NETWORK -> counters.drop(Drop.REVOCATION_INVALID);
      }
    }
    if (!fresh.isEmpty()) {
      applied(fresh, from, out);
    }
  }

  /**
   * Spreads newly applied revocations to every neighbour but {@code from} (parents and children
   * alike: every node must hear them), drops the states they cover from the view, and tells the
   * layer above.
   */
  private void applied(List<SignedRevocation> fresh, Address from, Out out) {
    for (Address neighbour : new java.util.TreeSet<>(links.keySet())) { // a repeatable order
      if (!neighbour.equals(from)) {
        for (Revoke chunk : RoutingCodec.splitRevocations(fresh)) {
          out.send(neighbour, chunk);
        }
      }
    }
    for (Entry e : List.copyOf(view.values())) {
      Address node = e.state().address();
      if (!node.equals(address())
          && fresh.stream().anyMatch(r -> r.covers(e.state().certificate()))) {
        remove(node);
      }
    }
    out.events.add(new RoutingEvent.Revoked(fresh));
  }

  // --- state propagation

  private void onStateUpdate(Address from, StateUpdate m, Instant now, Out out) {
    if (!isChild(from, m)) {
      counters.drop(Drop.NOT_A_CHILD);
      return;
    }
    List<NodeState> changed = new ArrayList<>();
    Instant latest = now.plus(settings.stateLifetime()).plus(settings.stateLifetime());
    for (NodeState s : parentsFirst(m.states())) {
      Address node = s.address();
      Entry held = view.get(node);
      if (node.equals(address())) {
        // Our own state, passed back down to us: nothing to learn from it.
      } else if (s.isExpired(now) || s.expires().isAfter(latest)) {
        counters.drop(Drop.STATE_EXPIRED);
      } else if (held != null && s.equals(held.state()) && !held.via().equals(from)
          && pendingWithdrawals.containsKey(held.via())) {
        // Held only by the way of a lost link (withdrawn upwards when it went down): it is back
        // by this way, whatever our view of its chain says yet. Announce it again.
        view.put(node, new Entry(s, from, now));
        moved(node, held.via(), from, now);
        changed.add(s);
      } else if (held != null && s.equals(held.state()) && !held.via().equals(from)
          && activeChainReaches(s, from)) {
        // Its subtree moved to another of our children: re-home it, so that the old child's
        // withdrawal does not remove a node that is still behind the new one.
        view.put(node, new Entry(s, from, now));
        moved(node, held.via(), from, now);
      } else if (held != null && s.equals(held.state()) && held.via().equals(from)
          && !changed.isEmpty()) {
        // Held already, the same way, in an update that also brought news (a child's whole
        // view after it chose us again, its own re-signed state first): pass it up again. We
        // may hold it only because the child came back within withdrawGrace while the way
        // above us lost it (the child's withdrawal, sent elsewhere, removed it above); dropped
        // here, it would stay unknown above until its next refresh, and its packets refused.
        changed.add(s);
      } else if (held != null && s.sequence() <= held.state().sequence()) {
        counters.drop(Drop.STATE_STALE);
        if (!held.via().equals(from) && !held.via().equals(address())
            && now.isBefore(held.since().plus(settings.withdrawGrace()))
            && mayCheck(from, now, out) && verifier.verify(s, policy, now).isAccepted()) {
          // An older state of a node that came (or moved) to its way in lately, arriving by
          // another way after the new one came by a faster way: the node's packets sent
          // before it moved follow the old state on that way, so that way is a former way in
          // (see mayComeFrom). Only while the move is recent: a member replaying an old state
          // it got hold of (a lookup answer) gains nothing for long.
          moved(node, from, held.via(), now);
        }
      } else if (held == null && view.size() >= settings.maxStates()) {
        counters.drop(Drop.STATE_LIMIT);
      } else if (s.services().size() > settings.maxServices()) {
        counters.drop(Drop.STATE_LIMIT);
      } else if (!mayCheck(from, now, out)) {
        // Asked last: a state held, stale, expired or beyond a limit costs no check.
      } else if (!verifier.verify(s, policy, now).isAccepted()) {
        counters.drop(Drop.STATE_UNTRUSTED);
      } else {
        put(s, from, now);
        changed.add(s);
      }
    }
    if (!changed.isEmpty()) {
      sendUp(new StateUpdate(changed), out);
    }
  }

  /**
   * {@code states} with each one after its active parent's state where both are in the list,
   * otherwise in the order given. A subtree that moved comes again unchanged behind its top's
   * new state, and is re-homed only if that state is taken first ({@link #activeChainReaches}):
   * taken before it, an unchanged state is stale, and the old way's withdrawal then removes a
   * node that is alive behind the new way. Senders do not keep that order (a view is a hash map,
   * a paced backlog is in the order of the latest changes): a 50-node testbed lost a relay's
   * subtree at the root so, until the 5-minute refresh.
   */
  static List<NodeState> parentsFirst(List<NodeState> states) {
    if (states.size() < 2) {
      return states;
    }
    Map<Address, NodeState> byAddress = new HashMap<>();
    for (NodeState s : states) {
      byAddress.putIfAbsent(s.address(), s);
    }
    List<NodeState> out = new ArrayList<>(states.size());
    Set<NodeState> placed = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    java.util.ArrayDeque<NodeState> chain = new java.util.ArrayDeque<>();
    for (NodeState s : states) {
      // the chain of active parents within the list not placed yet, top first
      NodeState at = s;
      while (at != null && placed.add(at)) {
        chain.push(at);
        at = at.activeParent().map(byAddress::get).orElse(null);
      }
      out.addAll(chain);
      chain.clear();
    }
    return out;
  }

  /** Takes one signature check from {@code from}'s budget; false (counted) when it is spent. */
  private boolean mayCheck(Address from, Instant now, Out out) {
    if (checkBudget.take(from, now)) {
      return true;
    }
    counters.drop(Drop.SIGNATURE_BUDGET);
    out.overCheckBudget(from);
    return false;
  }

  /**
   * Whether {@code s}'s chain of active parents, as our view has it now, stays in {@code
   * child}'s subtree up to {@code child}, and {@code child} is our child: every node on the way
   * held by way of {@code child}, {@code child}'s own state from itself naming us. A chain that
   * merely names {@code child} is not enough: a child's view sent when it chose us may come
   * after it moved away again (its newer state came by its other parent first and is held that
   * way); re-homed to it, the subtree would be removed by its withdrawal.
   */
  private boolean activeChainReaches(NodeState s, Address child) {
    Optional<Address> next = s.activeParent();
    for (int hops = 0; next.isPresent() && hops < settings.maxHops(); hops++) {
      Address at = next.get();
      Entry e = view.get(at);
      if (e == null || at.equals(address()) || !e.via().equals(child)) {
        return false;
      }
      if (at.equals(child)) {
        return e.state().activeParent().filter(address()::equals).isPresent();
      }
      next = e.state().activeParent();
    }
    return false;
  }

  /** A neighbour is our child if its state (new or held) names us as its active parent. */
  private boolean isChild(Address from, StateUpdate m) {
    for (NodeState s : m.states()) {
      if (s.address().equals(from)) {
        return s.activeParent().filter(address()::equals).isPresent();
      }
    }
    Entry held = view.get(from);
    return held != null && held.via().equals(from);
  }

  private void onWithdraw(Address from, Withdraw m, Instant now, Out out) {
    List<Address> removed = new ArrayList<>();
    for (Address node : m.nodes()) {
      Entry e = view.get(node);
      if (e != null && e.via().equals(from)) {
        remove(node);
        removed.add(node);
        // A child withdraws a lost subtree at once (it may be back by another way before long):
        // its packets already on this way in are still accepted for the grace, as after a move.
        moved(node, from, address(), now);
      } else if (e != null) {
        counters.drop(Drop.WITHDRAW_NOT_VIA);
      }
    }
    if (!removed.isEmpty()) {
      sendUp(new Withdraw(removed), out);
    }
  }

  private List<Address> removeVia(Address child) {
    List<Address> gone = new ArrayList<>();
    for (Entry e : List.copyOf(view.values())) {
      if (e.via().equals(child)) {
        gone.add(e.state().address());
        remove(e.state().address());
      }
    }
    return gone;
  }

  private void put(NodeState s, Address via, Instant now) {
    Entry held = view.get(s.address());
    Instant since = held != null && held.via().equals(via) ? held.since() : now;
    Entry old = view.put(s.address(), new Entry(s, via, since));
    if (old != null) {
      unindexName(old.state());
      moved(s.address(), old.via(), via, now);
    }
    s.name().ifPresent(n -> names.computeIfAbsent(key(s.network(), n), k -> new HashSet<>()).add(s.address()));
    topology.setParents(s.address(), s.parents());
    expiries.add(new Expiry(s.expires(), s.address(), s.sequence()));
  }

  /** {@code node}'s state now comes through {@code via}; it came through {@code before}. */
  private void moved(Address node, Address before, Address via, Instant now) {
    if (before.equals(via) || before.equals(address())) {
      return;
    }
    // via is this node's own address for a node withdrawn (its new way in is not known yet).
    List<Former> formers = formerVias.computeIfAbsent(node, k -> new ArrayList<>(1));
    formers.removeIf(f -> f.via().equals(before) || f.via().equals(via));
    if (formers.size() >= MAX_FORMER_VIAS) {
      formers.remove(0);
    }
    formers.add(new Former(before, now.plus(settings.withdrawGrace())));
  }

  private void pruneFormerVias(Instant now) {
    if (formerVias.isEmpty() || now.isBefore(nextPrune)) {
      return;
    }
    nextPrune = now.plus(settings.withdrawGrace());
    for (var it = formerVias.values().iterator(); it.hasNext(); ) {
      List<Former> formers = it.next();
      formers.removeIf(f -> !now.isBefore(f.until()));
      if (formers.isEmpty()) {
        it.remove();
      }
    }
  }

  private void remove(Address node) {
    Entry old = view.remove(node);
    if (old != null) {
      unindexName(old.state());
      topology.remove(node);
    }
  }

  private void unindexName(NodeState s) {
    s.name().ifPresent(n -> {
      Set<Address> holders = names.get(key(s.network(), n));
      if (holders != null) {
        holders.remove(s.address());
        if (holders.isEmpty()) {
          names.remove(key(s.network(), n));
        }
      }
    });
  }

  // --- ranks and the way up (issue 14: no islands; docs/routing.md "Ranks")

  /**
   * Chooses the active parent again from what is known now and, if it changed, switches (old
   * parent withdrawn, whole view to the new one); then announces our rank if it changed.
   *
   * @return whether a rank was announced to every neighbour
   */
  private boolean reselect(Instant now, Out out) {
    Optional<Address> before = up;
    up = chooseUp(now);
    if (!up.equals(before)) {
      parentsChanged(before, now, out);
    }
    int rank = rank();
    if (rank == announced) {
      return false;
    }
    announced = rank;
    for (Address neighbour : new TreeSet<>(links.keySet())) { // a repeatable order
      out.send(neighbour, new Rank(rank));
    }
    return true;
  }

  /**
   * The active parent by RPL's rules, loop-free by the view and bounded by rank: (1) the most
   * preferred parent with a way up ({@link #reach}, with its hold-down for one that comes back);
   * (2) else the fallback we climb through, while it keeps a way up; else, once every parent up
   * has said its rank (none has a way up), the neighbour (not a
   * parent: a former child or a child's cross link) with the least rank, then least address,
   * that has a way up and is not below us (our view has its state by one of our live links: its
   * way up may pass us) and was not lost as a fallback within {@code parentHoldDown}; (3) else
   * detached: the most preferred parent whose link is up and that is not below us, which keeps
   * a subtree without any way up together under its top, as before ranks (our rank then says
   * {@link Rank#DETACHED}, and so does every rank below, which is what frees a member with a
   * backup to take it).
   */
  private Optional<Address> chooseUp(Instant now) {
    if (parents.isEmpty()) {
      return Optional.empty();
    }
    for (Address p : parents) {
      boolean ok = links.containsKey(p) && hasWayUp(p) && !below(p);
      if (ok && !reach.isUp(p)) {
        reach.linkUp(p, now);
      } else if (!ok && reach.isUp(p)) {
        reach.linkDown(p, now);
      }
    }
    reach.tick(now);
    if (reach.active().isPresent()) {
      fallback = null;
      return reach.active();
    }
    if (fallback != null && !(links.containsKey(fallback) && hasWayUp(fallback) && !below(fallback))) {
      // Lost its way up (or its link): not taken again for a hold-down, so that a neighbour
      // whose rank flaps cannot make us switch, and send our whole view, at its rate.
      fallbackHeld.put(fallback, now.plus(settings.parentHoldDown()));
      fallback = null;
    }
    if (fallback == null && !waitingForARank()) {
      fallback = bestFallback(now);
    }
    if (fallback != null) {
      return Optional.of(fallback);
    }
    return selector.active().filter(p -> !below(p));
  }

  /**
   * Whether a parent's link is up but it has not said its rank yet (it just connected, or it is
   * starting): it may have a way up, so we do not climb through a child meanwhile (at a cold
   * start every node would, for an instant).
   */
  private boolean waitingForARank() {
    for (Address p : parents) {
      if (links.containsKey(p) && !ranks.containsKey(p)) {
        return true;
      }
    }
    return false;
  }

  private Address bestFallback(Instant now) {
    Address best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Address n : links.keySet()) {
      if (parents.contains(n) || !hasWayUp(n) || below(n)) {
        continue;
      }
      Instant held = fallbackHeld.get(n);
      if (held != null && now.isBefore(held)) {
        continue;
      }
      int r = ranks.get(n);
      if (r < bestRank || (r == bestRank && n.compareTo(best) < 0)) {
        best = n;
        bestRank = r;
      }
    }
    return best;
  }

  /** Whether {@code neighbour} announced a rank that leaves room for us below it. */
  private boolean hasWayUp(Address neighbour) {
    Integer r = ranks.get(neighbour);
    return r != null && r < settings.maxHops() && r < Rank.DETACHED - 1;
  }

  /**
   * Whether {@code node} is below us as far as we know: its state came to our view by one of our
   * live links (a lost child's entries, kept for the grace, do not count).
   */
  private boolean below(Address node) {
    Entry e = view.get(node);
    return e != null && !node.equals(address()) && !e.via().equals(address())
        && !pendingWithdrawals.containsKey(e.via());
  }

  /** After a parent link changed: re-sign (our parent list changed) and tell the right parent. */
  private void parentsChanged(Optional<Address> before, Instant now, Out out) {
    Optional<Address> after = up;
    resign(now);
    if (before.equals(after)) {
      sendUp(new StateUpdate(List.of(ownState)), out);
      return;
    }
    before.filter(links::containsKey).ifPresent(old -> out.send(old, new Withdraw(List.copyOf(view.keySet()))));
    if (after.isPresent()) {
      sendView(out);
    }
    out.events.add(new RoutingEvent.ActiveParentChanged(before, after));
  }

  /**
   * Sends the whole view, own state first, to the active parent; not the subtrees of lost
   * children kept for withdrawGrace (withdrawn upwards when their link went down).
   */
  private void sendView(Out out) {
    List<NodeState> all = new ArrayList<>(view.size());
    all.add(ownState);
    for (Entry e : view.values()) {
      if (!e.state().address().equals(address()) && !pendingWithdrawals.containsKey(e.via())) {
        all.add(e.state());
      }
    }
    sendUp(new StateUpdate(all), out);
  }

  private void resign(Instant now) {
    sequence = Math.max(sequence + 1, now.toEpochMilli());
    List<ParentLink> linked = new ArrayList<>();
    for (Address p : parents) {
      Integer cost = links.get(p);
      if (cost != null) {
        linked.add(new ParentLink(p, cost));
      }
    }
    if (fallback != null && links.containsKey(fallback) && linked.size() < NodeState.MAX_PARENTS) {
      // The neighbour we climb through is our parent while we do: the state says so.
      linked.add(new ParentLink(fallback, links.get(fallback)));
    }
    Optional<Address> active = up.filter(a -> linked.stream().anyMatch(l -> l.parent().equals(a)));
    // its guests: the networks whose members may learn this state by its name (onLookupRequest)
    ownState = NodeState.sign(
        identity, certificate, linked, active, services, policy.guestNetworks(), sequence,
        now.plus(settings.stateLifetime()));
    view.put(address(), new Entry(ownState, address(), now));
    // its own name too: a lookup that reaches this node (the root, say) finds it here, as it
    // finds every name in its subtree (before, nobody could look up the root's name)
    ownState.name().ifPresent(n -> names.computeIfAbsent(key(ownState.network(), n),
        k -> new HashSet<>()).add(address()));
    topology.setParents(address(), ownState.parents());
    nextRefresh = now.plus(settings.refreshInterval());
  }

  private void sendUp(RoutingMessage m, Out out) {
    up.filter(links::containsKey).ifPresent(p -> {
      if (m instanceof StateUpdate u) {
        for (StateUpdate chunk : RoutingCodec.split(u.states())) {
          out.send(p, chunk);
        }
      } else {
        out.send(p, m);
      }
    });
  }

  // --- lookups

  /**
   * Answers a name lookup from the view, else sends it on up (the root answers a miss). Zero
   * trust, as for explains: the asker must be in this view below the neighbour the request came
   * from ({@link #mayComeFrom}; else dropped, {@code LOOKUP_FORGED}), and a state is told only
   * if it {@linkplain NodeState#admits admits} the asker's network, read from the asker's signed
   * state here, never from the request. A member of another network gets what it would get for
   * a name that exists nowhere: a shared relay or root is no oracle for names of networks that
   * do not accept the asker.
   */
  private void onLookupRequest(Address from, LookupRequest m, Instant now, Out out) {
    Entry asker = view.get(m.asker());
    if (asker == null || m.asker().equals(address()) || !mayComeFrom(m.asker(), from, now)) {
      counters.drop(Drop.LOOKUP_FORGED);
      return;
    }
    Address askerNetwork = asker.state().network();
    Optional<NodeState> found = findName(m.network(), m.name(), askerNetwork, now);
    if (found.isPresent()) {
      answer(from, m.asker(), route -> new LookupReply(m.id(), route, found.get()), out);
    } else if (up.isPresent()) {
      if (m.ttl() == 0) {
        counters.drop(Drop.TTL_EXPIRED);
        return;
      }
      out.send(up.get(),
          new LookupRequest(m.id(), m.asker(), m.network(), m.name(), m.ttl() - 1));
    } else {
      answer(from, m.asker(), route -> new LookupMiss(m.id(), route, m.network(), m.name()), out);
    }
  }

  /** Sends a lookup answer to {@code asker} by source route, or straight back if it asked us. */
  private void answer(Address from, Address asker, java.util.function.Function<List<Address>, RoutingMessage> make, Out out) {
    Route r = route(asker);
    if (r instanceof Route.Forward f) {
      out.send(f.nextHop(), make.apply(f.path().subList(1, f.path().size())));
    } else if (from.equals(asker)) {
      out.send(from, make.apply(List.of()));
    } else {
      counters.drop(Drop.BAD_ROUTE);
    }
  }

  private void onLookupAnswer(List<Address> route, RoutingMessage m, Instant now, Out out) {
    if (!route.isEmpty()) {
      Address next = route.get(0);
      if (!links.containsKey(next)) {
        counters.drop(Drop.BAD_ROUTE);
        return;
      }
      List<Address> rest = route.subList(1, route.size());
      out.send(next, m instanceof LookupReply r
          ? new LookupReply(r.id(), rest, r.state())
          : new LookupMiss(((LookupMiss) m).id(), rest, ((LookupMiss) m).network(), ((LookupMiss) m).name()));
      return;
    }
    if (m instanceof LookupReply r) {
      PendingLookup pending = pendingLookups.remove(r.id());
      String wanted = pending == null ? null : pending.key();
      if (wanted == null) {
        counters.drop(Drop.BAD_ROUTE);
        return;
      }
      NodeState s = r.state();
      Verdict v = verifier.verify(s, policy, now);
      if (!v.isAccepted()) {
        out.events.add(new RoutingEvent.LookupFailed(r.id(), "answer did not verify: " + v));
      } else if (s.name().isEmpty() || !wanted.equals(key(s.network(), s.name().get()))) {
        out.events.add(new RoutingEvent.LookupFailed(r.id(), "answer is for another name: " + s));
      } else if (s.isExpired(now)) {
        out.events.add(new RoutingEvent.LookupFailed(r.id(), "answer expired at " + s.expires()));
      } else {
        out.events.add(new RoutingEvent.LookupResolved(r.id(), s));
      }
    } else {
      LookupMiss miss = (LookupMiss) m;
      if (pendingLookups.remove(miss.id()) == null) {
        counters.drop(Drop.BAD_ROUTE);
        return;
      }
      out.events.add(new RoutingEvent.LookupFailed(miss.id(), "'" + miss.name() + "' not found in network " + miss.network()));
    }
  }

  /**
   * The newest live state certified with {@code name} in {@code network}, from the view, that
   * a member of {@code askerNetwork} may learn ({@link NodeState#admits}).
   */
  private Optional<NodeState> findName(
      Address network, String name, Address askerNetwork, Instant now) {
    Set<Address> holders = names.get(key(network, name));
    if (holders == null) {
      return Optional.empty();
    }
    return holders.stream().map(a -> view.get(a).state())
        .filter(s -> !s.isExpired(now) && s.admits(askerNetwork))
        .max((a, b) -> Long.compare(a.sequence(), b.sequence()));
  }

  private static String key(Address network, String name) {
    return network + "/" + name;
  }

  // --- route explain (issue 16, docs/routing.md "Route explain")

  /**
   * Asks the nodes up the tree how they would route a packet for {@code target}, when this node
   * hands it up ({@link #route} is {@link Route.Up}): an {@link ExplainRequest} to the active
   * parent, whose answer and those of the nodes above come as {@link
   * RoutingEvent.ExplainAnswered} events with {@code id}. Returns no effects when this node
   * decides itself (no request is sent) or {@link #MAX_PENDING_EXPLAINS} wait already; the
   * caller ends the wait with {@link #forgetExplain}.
   */
  public Effects explain(long id, Address target, Instant now) {
    Objects.requireNonNull(target, "target");
    Route r = route(target);
    if (!(r instanceof Route.Up u) || pendingExplains.size() >= MAX_PENDING_EXPLAINS
        || pendingExplains.containsKey(id)) {
      return Effects.none();
    }
    pendingExplains.put(id, u.parent());
    Out out = new Out();
    out.send(u.parent(), new ExplainRequest(id, address(), target, settings.maxHops()));
    return effects(out, now);
  }

  /** Stops waiting for the explain {@code id}'s answers (later ones are counted unexpected). */
  public void forgetExplain(long id) {
    pendingExplains.remove(id);
  }

  /** Route explains waiting for their answers. */
  public int pendingExplains() {
    return pendingExplains.size();
  }

  /**
   * Answers an explain request with this node's decision, and sends it on up when that decision
   * is {@code UP}. Zero trust: the asker's network is read from its signed state in this view
   * (never from the request), the request must come from the neighbour that state came through
   * (as a packet climbing without a source route must, {@link #mayComeFrom}), and a target is
   * told about, as in a lookup, only if its state {@linkplain NodeState#admits admits} the
   * asker's network (its own, or one of its guests); hops are named on the same rule. Every
   * other target gets the answer a target unknown here gets ({@code UP}, or {@code NO_ROUTE} at
   * the root), so an answer tells nothing about nodes that would not accept the asker.
   */
  private void onExplainRequest(Address from, ExplainRequest m, Instant now, Out out) {
    Entry asker = view.get(m.asker());
    if (asker == null || m.asker().equals(address())
        || !mayComeFrom(m.asker(), from, now)) {
      counters.drop(Drop.EXPLAIN_FORGED);
      return;
    }
    if (!explainBudget.take(from, now)) {
      counters.drop(Drop.EXPLAIN_LIMITED);
      if (!out.overExplainBudget) {
        out.overExplainBudget = true;
        out.events.add(new RoutingEvent.OverBudget(from, RoutingEvent.OverBudget.Budget.EXPLAINS));
      }
      return;
    }
    Address network = asker.state().network();
    ExplainAnswer decided = decide(m.id(), m.target(), network);
    answer(from, m.asker(), decided::withRoute, out);
    if (decided.decision() == ExplainAnswer.Decision.UP) {
      if (m.ttl() == 0) {
        counters.drop(Drop.TTL_EXPIRED);
        return;
      }
      out.send(up.orElseThrow(),
          new ExplainRequest(m.id(), m.asker(), m.target(), m.ttl() - 1));
    }
  }

  /** This node's decision for {@code target}, as far as an asker of {@code network} may know. */
  private ExplainAnswer decide(long id, Address target, Address network) {
    if (target.equals(address())) {
      return new ExplainAnswer(id, List.of(), address(), ExplainAnswer.Decision.LOCAL, List.of());
    }
    Route r = route(target);
    Entry t = view.get(target);
    boolean mayTell = t != null && t.state().admits(network);
    if (r instanceof Route.Forward f && mayTell) {
      List<ExplainHop> hops = new ArrayList<>();
      Address prev = address();
      for (Address hop : f.path()) {
        if (hops.size() == RoutingCodec.MAX_EXPLAIN_HOPS) {
          break;
        }
        Entry e = view.get(hop);
        Optional<String> name = e != null && e.state().admits(network)
            ? e.state().name() : Optional.empty();
        hops.add(new ExplainHop(hop, edgeCost(prev, hop), name));
        prev = hop;
      }
      return new ExplainAnswer(id, List.of(), address(), ExplainAnswer.Decision.FORWARD, hops);
    }
    if (up.isPresent()) {
      return new ExplainAnswer(id, List.of(), address(), ExplainAnswer.Decision.UP,
          List.of(new ExplainHop(up.get(), edgeCost(address(), up.get()), Optional.empty())));
    }
    return new ExplainAnswer(id, List.of(), address(), ExplainAnswer.Decision.NO_ROUTE, List.of());
  }

  /** The least cost either end's state in the view declares for the edge a–b; 1 if neither. */
  private int edgeCost(Address a, Address b) {
    int best = Integer.MAX_VALUE;
    for (Address[] e : new Address[][] {{a, b}, {b, a}}) {
      Entry child = view.get(e[0]);
      if (child != null) {
        for (ParentLink p : child.state().parents()) {
          if (p.parent().equals(e[1])) {
            best = Math.min(best, p.cost());
          }
        }
      }
    }
    return best == Integer.MAX_VALUE ? 1 : best;
  }

  /** Passes an answer on towards its asker, or, here at the asker, hands it up as an event. */
  private void onExplainAnswer(ExplainAnswer m, Out out) {
    if (!m.route().isEmpty()) {
      Address next = m.route().get(0);
      if (!links.containsKey(next)) {
        counters.drop(Drop.BAD_ROUTE);
        return;
      }
      out.send(next, m.withRoute(m.route().subList(1, m.route().size())));
      return;
    }
    Address expected = pendingExplains.get(m.id());
    if (expected == null || !expected.equals(m.answerer())) {
      counters.drop(Drop.EXPLAIN_UNEXPECTED);
      return;
    }
    if (m.decision() == ExplainAnswer.Decision.UP && !m.hops().isEmpty()) {
      pendingExplains.put(m.id(), m.hops().get(0).node());
    } else {
      pendingExplains.remove(m.id());
    }
    out.events.add(new RoutingEvent.ExplainAnswered(m.id(), m));
  }

  /**
   * The effects of one input: its messages that fit their neighbour's budget now, and those that
   * waited for it and fit now ({@link SendPacer}); the rest wait for a later input or tick.
   */
  private Effects effects(Out out, Instant now) {
    List<Outbound> sent = new ArrayList<>(out.messages.size());
    counters.drop(Drop.SEND_BACKLOG, pacer.offer(out.messages, now, sent));
    counters.out(sent.size());
    counters.paced(pacer.held());
    return sent.isEmpty() && out.events.isEmpty()
        ? Effects.none() : new Effects(sent, out.events);
  }

  /** Collects the effects of one input. */
  private static final class Out {
    final List<Outbound> messages = new ArrayList<>();
    final List<RoutingEvent> events = new ArrayList<>();
    private boolean overCheckBudget;
    /** An explain over its neighbour's rate was said once in this input. */
    boolean overExplainBudget;

    void send(Address to, RoutingMessage m) {
      messages.add(new Outbound(to, m));
    }

    /** {@code from}'s signature-check budget is spent: said once per input. */
    void overCheckBudget(Address from) {
      if (!overCheckBudget) {
        overCheckBudget = true;
        events.add(new RoutingEvent.OverBudget(from,
            RoutingEvent.OverBudget.Budget.SIGNATURE_CHECKS));
      }
    }
  }
}
