package io.staex.proxy.relay.internal;

import io.netty.util.concurrent.EventExecutor;
import io.staex.crypto.Address;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameDecodeException;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.RoutingAssembler;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.link.Link;
import io.staex.proxy.frame.LinkFrameCodec;
import io.staex.proxy.link.LinkListener;
import io.staex.proxy.loop.LogEvery;
import io.staex.proxy.relay.Relay;
import io.staex.proxy.relay.RelayCounters;
import io.staex.proxy.relay.RelayCounters.Drop;
import io.staex.proxy.relay.RelayHandler;
import io.staex.proxy.relay.RelaySettings;
import io.staex.routing.Effects;
import io.staex.routing.Outbound;
import io.staex.routing.RoutingCodec;
import io.staex.routing.RoutingDecodeException;
import io.staex.routing.RoutingEvent;
import io.staex.routing.NodeState;
import io.staex.routing.RoutingMessage;
import io.staex.routing.RoutingNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import io.netty.util.concurrent.ScheduledFuture;
import io.staex.crypto.Rejection;
import io.staex.crypto.SignedRevocation;
import io.staex.crypto.Verdict;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's forwarding plane: drives a {@link RoutingNode} from its links and forwards
 * packets. What happens to a packet or notice is decided by {@link Forwarding} (pure, over a
 * {@link NodeRouteView}); this class carries the actions out: queues, delivers, notifies,
 * counts. The routing node's timers run in a {@link RoutingTimer}, name lookups wait in {@link
 * Lookups}. Every field is confined to {@link #loop}; the {@link LinkListener} methods (called on
 * the links' event loops) and {@link #send} hop onto it, in order, so frames of one link stay
 * in order.
 */
public final class RelayEngine implements LinkListener {
  private static final Logger log = LoggerFactory.getLogger(RelayEngine.class);
  /** Frames queued for one link before they are sent without waiting for the flush task. */
  private static final int MAX_BATCH = 256;
  /** Frames of one incoming link waiting for the loop beyond which the link is paused. */
  static final long MAX_BACKLOG_BYTES = 512 * 1024;
  /**
   * Routing bytes one link may queue beyond {@link RelaySettings#linkQueueBytes} (routing
   * messages are never dropped for that bound, only packets are): 16 routing messages of the
   * largest size, a full view of about 150 000 states. Beyond it the peer is not reading, and
   * the link is closed ({@link Drop#ROUTING_BACKLOG}).
   */
  static final long MAX_ROUTING_BACKLOG_BYTES = 16L * FrameLimits.MAX_ROUTING_MESSAGE;

  private final EventExecutor loop;
  private final RoutingNode node;
  private final Clock clock;
  private final NodeKey self;
  private final RelayHandler handler;
  /**
   * Bytes queued for one link (here and in the link, see {@link Link#queuedBytes}) beyond which
   * frames for it are dropped ({@link Drop#QUEUE_FULL}): room for what arrives while a pause
   * takes effect.
   */
  private final long maxLinkQueueBytes;
  /**
   * The links' high water mark: frames queued here for a link beyond it are handed to the link at
   * once, so that its writability (which Netty decides over the same mark) says whether to pause.
   */
  private final long highWater;
  private final RelayCounters counters;

  private final Map<NodeKey, Link> links = new HashMap<>();
  private final IdentityHashMap<Link, RoutingAssembler> assemblers = new IdentityHashMap<>();
  /** Routes from {@link #node}, links from {@link #links}: what {@link #forwarding} reads. */
  private final NodeRouteView view;
  private final Forwarding forwarding;

  /** Frames for each link, sent as one batch (records of up to 64 KiB) by {@link #flush}. */
  private final Map<Link, List<LinkFrame>> pending = new LinkedHashMap<>();
  /** Encoded bytes of {@link #pending}, per link. */
  private final IdentityHashMap<Link, Long> pendingBytes = new IdentityHashMap<>();
  private boolean flushQueued;

  /**
   * Backpressure: for each outgoing link that was not writable, the incoming links it holds
   * (a reason in their {@link ReadGate}) because a frame from them was queued for it. Released
   * when it is writable again or down.
   */
  private final IdentityHashMap<Link, Set<Link>> pausedBy = new IdentityHashMap<>();
  /**
   * Per incoming link on another loop: why it is paused, and its frames waiting for this loop
   * (any thread: its loop and this one both change it, under its lock).
   */
  private final Map<Link, ReadGate> gates = new ConcurrentHashMap<>();
  /** Per incoming link on this loop (one thread): why it is paused; loop-confined, no lock. */
  private final IdentityHashMap<Link, ReadGate> localGates = new IdentityHashMap<>();
  /** The link whose frame is being handled; null for this node's own packets and timers. */
  private Link source;

  /*
   * The send gate: this node's own sends are one more pausable source. They are held by every
   * outgoing link they were queued for while it was unwritable ({@link #heldBy}). The handler
   * hears each change once, in the same turn of the loop as the change: the session layer runs
   * on this loop and sends synchronously.
   */
  /** True while handling a packet from {@link #send}. */
  private boolean local;
  /** Outgoing links that hold this node's sends. */
  private final Set<Link> heldBy = Collections.newSetFromMap(new IdentityHashMap<>());
  /** What the handler was told last: true after {@code sendPaused}. */
  private boolean sendPausedTold;

  private final RoutingTimer timer;
  private final Lookups lookups;
  private final Explains explains;
  private final RefusalLog explainLog;
  private final RefusalLog certificateLog;
  private final HelloLimits hellos;
  private final RefusalLog spoofedLog;
  private final RefusalLog helloLog;
  private final RefusalLog routingBudgetLog;
  private final RefusalLog signatureBudgetLog;
  /** Per live link, its end at the peer certificate's not-after (loop-confined). */
  private final IdentityHashMap<Link, ScheduledFuture<?>> expiries = new IdentityHashMap<>();
  private boolean closed;

  public RelayEngine(
      EventExecutor loop, RoutingNode node, Clock clock, RelaySettings settings,
      RelayHandler handler, RelayCounters counters) {
    this.loop = loop;
    this.node = node;
    this.clock = clock;
    this.self = NodeKey.of(node.address());
    this.handler = handler;
    this.maxLinkQueueBytes = settings.linkQueueBytes();
    this.highWater = settings.link().writeBufferHighWaterMark();
    this.counters = counters;
    this.view = new NodeRouteView(node, links.keySet(), clock);
    this.forwarding = new Forwarding(self);
    this.timer = new RoutingTimer(loop, clock, node::nextTimer, now -> apply(node.tick(now)));
    this.lookups = new Lookups(loop);
    this.explains = new Explains(loop, node::forgetExplain);
    this.certificateLog = new RefusalLog(log, loop.ticker(),
        "renewed certificate presented on a link refused");
    this.explainLog = new RefusalLog(log, loop.ticker(),
        "route explain not answered: over the neighbour's rate"
            + " (limits.explain-answers-per-second-per-peer)");
    this.hellos = new HelloLimits(
        settings.hellosPerSecondPerLink(), Set.copyOf(node.parents()), clock);
    this.spoofedLog = new RefusalLog(log, loop.ticker(),
        "packet refused: its source is not the neighbour it came from or below it");
    this.childLinkLog = new LogEvery(CHILD_LINK_LOG_INTERVAL);
    this.helloLog = new RefusalLog(log, loop.ticker(),
        "session HELLO dropped: over the child link's limit (limits.hellos-per-second-per-link)");
    this.routingBudgetLog = new RefusalLog(log, loop.ticker(),
        "routing message dropped: over the link's budget (limits.routing-message*)");
    this.signatureBudgetLog = new RefusalLog(log, loop.ticker(),
        "node states or revocations dropped unchecked: over the link's signature-check budget"
            + " (limits.signature-check*)");
  }

  public EventExecutor loop() {
    return loop;
  }

  /** The routing node; only on {@link #loop()}. */
  public RoutingNode node() {
    return node;
  }

  /** Neighbours whose links are up; only on {@link #loop()}. */
  public Set<Address> linkPeers() {
    Set<Address> peers = new HashSet<>();
    for (Link l : links.values()) {
      peers.add(l.peer());
    }
    return peers;
  }

  /** The links that are up; only on {@link #loop()}. */
  public List<Link> linkList() {
    return List.copyOf(links.values());
  }

  /**
   * Children's links coming up and going down are logged at INFO at most once per this (a
   * child can cause them at handshake rate); parents' every time.
   */
  static final java.time.Duration CHILD_LINK_LOG_INTERVAL = java.time.Duration.ofSeconds(1);

  private final LogEvery childLinkLog;

  /** Logs a link event at INFO: a parent's always, a child's rate-limited. */
  private void logLink(Address peer, String event) {
    if (node.parents().contains(peer)) {
      log.info("parent {} {}", peer, event);
    } else if (childLinkLog.due(loop.ticker().nanoTime())) {
      log.info("child {} {}{}", peer, event, childLinkLog.takeSkipped());
    }
  }

  /** Arms the routing timer; call once after construction. */
  public void start() {
    loop.execute(timer::reschedule);
  }

  /** Stops the timer and ignores further input; runs on the loop. */
  public void close() {
    try {
      loop.execute(() -> {
        closed = true;
        pending.clear();
        pendingBytes.clear();
        pausedBy.clear();
        heldBy.clear();
        timer.close();
        expiries.values().forEach(f -> f.cancel(false));
        expiries.clear();
      });
    } catch (RejectedExecutionException e) {
      // the group is shut down already: nothing runs any more
    }
  }

  // ---- LinkListener: on the loop directly (links on the relay's loop), else hop onto it

  @Override
  public void linkUp(Link link) {
    if (loop.inEventLoop()) {
      onLinkUp(link); // before its first frame, which comes directly too
    } else {
      loop.execute(() -> onLinkUp(link));
    }
  }

  /**
   * Handles the frame at once when {@code link} lives on the relay's loop (always with one
   * thread): no hop, no backlog. A link on another loop hops the frame onto the relay's loop; if
   * its frames waiting there pass {@link #MAX_BACKLOG_BYTES}, the link is paused here, on its own
   * event loop, so that the pause takes effect at once; the relay's loop resumes it below half of
   * that (see {@link ReadGate}).
   */
  @Override
  public void frame(Link link, LinkFrame frame) {
    if (loop.inEventLoop()) {
      onFrame(link, frame);
      return;
    }
    int size = LinkFrameCodec.encodedSize(frame);
    ReadGate gate = gate(link);
    if (gate.backlog.addAndGet(size) > MAX_BACKLOG_BYTES) {
      gate.checkBacklog();
    }
    loop.execute(() -> {
      onFrame(link, frame);
      if (gate.backlog.addAndGet(-size) < MAX_BACKLOG_BYTES / 2) {
        gate.checkBacklog();
      }
    });
  }

  private ReadGate gate(Link link) {
    return gates.computeIfAbsent(link, l -> new ReadGate(l, counters, true));
  }

  /**
   * The gate of {@code link}, an incoming link whose frame is being handled on the loop: the
   * shared one if its frames hop here (created by {@link #frame} before the first hop), else one
   * confined to this loop.
   */
  private ReadGate gateOnLoop(Link link) {
    ReadGate gate = localGates.get(link);
    if (gate == null) {
      gate = gates.get(link);
    }
    if (gate == null) {
      gate = new ReadGate(link, counters, false);
      localGates.put(link, gate);
    }
    return gate;
  }

  /**
   * The one place that decides whether an incoming link reads: it is paused while anything holds
   * it — its own backlog ({@link #BACKLOG}) or an unwritable outgoing link — and reads when
   * nothing does. Idempotent: holding twice by one reason, or releasing a reason that does not
   * hold, is nothing.
   *
   * <p>A link on the relay's loop (always with one thread) has a gate confined to that loop
   * ({@code shared} false): no backlog, no lock. A link on another loop is changed from two
   * threads (its loop when the backlog passes the bound, the relay's loop for everything else),
   * so every change and the {@link Link#setReading} it implies happen under the gate's lock: the
   * calls reach the link in the order they were decided, and the link applies the last one.
   * (Deciding outside the lock let a pause decided first be applied after the resume decided
   * later, and the link stayed paused for good.)
   */
  private static final class ReadGate {
    /** The reason "too many of this link's frames wait for the relay's loop". */
    static final Object BACKLOG = new Object() {
      @Override
      public String toString() {
        return "backlog";
      }
    };

    final Link link;
    final RelayCounters counters;
    /** Whether two threads change this gate (the link is on another loop): then under a lock. */
    final boolean shared;
    /** Bytes of this link's frames handed to {@link #frame} and not yet handled (shared only). */
    final AtomicLong backlog;
    /** {@link #BACKLOG} and the outgoing links that hold this link; guarded by {@code this} if shared. */
    private final Set<Object> holders = Collections.newSetFromMap(new IdentityHashMap<>());

    ReadGate(Link link, RelayCounters counters, boolean shared) {
      this.link = link;
      this.counters = counters;
      this.shared = shared;
      this.backlog = shared ? new AtomicLong() : null;
    }

    /**
     * Holds or releases {@link #BACKLOG} after the backlog changed, by its value read under the
     * lock: whichever thread checks last sees the last change (a check that read a stale value
     * outside the lock would pause a link whose frames are all handled already). Shared only.
     */
    synchronized void checkBacklog() {
      long bytes = backlog.get();
      if (bytes > MAX_BACKLOG_BYTES) {
        apply(holders.add(BACKLOG), true);
      } else if (bytes < MAX_BACKLOG_BYTES / 2) {
        apply(holders.remove(BACKLOG), false);
      }
    }

    void hold(Object reason) {
      if (shared) {
        synchronized (this) {
          apply(holders.add(reason), true);
        }
      } else {
        apply(holders.add(reason), true);
      }
    }

    void release(Object reason) {
      if (shared) {
        synchronized (this) {
          apply(holders.remove(reason), false);
        }
      } else {
        apply(holders.remove(reason), false);
      }
    }

    /** After a holder was added or removed ({@code changed}): pause on the first, resume after the last. */
    private void apply(boolean changed, boolean added) {
      if (!changed) {
        return;
      }
      if (added && holders.size() == 1) {
        link.setReading(false);
        counters.recordPausedRead();
      } else if (!added && holders.isEmpty()) {
        link.setReading(true);
        counters.recordResumedRead();
      }
    }
  }

  @Override
  public void linkDown(Link link, String reason) {
    loop.execute(() -> onLinkDown(link, reason));
  }

  @Override
  public void writabilityChanged(Link link) {
    loop.execute(() -> {
      if (link.isWritable()) {
        resume(link);
      }
    });
  }

  /**
   * Originates a packet from this node to {@code destination}. On the loop (the session layer's
   * calls) it is handled at once: queued for its link, or reported to the handler, and the send
   * gate closes in this call if the link is congested. From another thread (tests, tools) it hops
   * onto the loop.
   */
  public void send(NodeKey destination, FrameBytes payload) {
    if (loop.inEventLoop()) {
      originate(destination, payload);
    } else {
      loop.execute(() -> originate(destination, payload));
    }
  }

  private void originate(NodeKey destination, FrameBytes payload) {
    if (closed) {
      return;
    }
    LinkFrame.Packet p = LinkFrame.Packet.of(destination, self, List.of(), payload);
    counters.recordOriginated();
    // A send may come from inside a handler call (a WELCOME answering a delivered HELLO): the
    // frame being handled then is the caller's, not this packet's source.
    boolean wasLocal = local;
    Link wasSource = source;
    local = true;
    source = null;
    try {
      act(forwarding.packet(view, p.header(), null), p);
    } finally {
      local = wasLocal;
      source = wasSource;
    }
  }

  /**
   * Whether this node's own sends are held now (between {@link RelayHandler#sendPaused} and
   * {@link RelayHandler#sendResumed}); only on {@link #loop()}.
   */
  public boolean isSendPaused() {
    return sendPausedTold;
  }

  // ---- on the loop

  private void onLinkUp(Link link) {
    if (closed) {
      return;
    }
    Address peer = link.peer();
    NodeKey key = NodeKey.of(peer);
    Link old = links.put(key, link);
    if (old != null && old != link) {
      log.debug("link to {} replaced by a new one", peer);
    }
    assemblers.put(link, new RoutingAssembler());
    logLink(peer, "link up (" + link.remoteAddress() + ")");
    view.linkUp(peer);
    apply(node.linkUp(peer, 1, clock.instant()));
    // A revocation may have arrived while its handshake ran; and it ends at its certificate's end.
    if (!closeIfNoLongerTrusted(link)) {
      scheduleExpiry(link);
    }
  }

  /** Longest a link's expiry timer is armed for: no process runs longer. */
  private static final java.time.Duration MAX_EXPIRY_DELAY = java.time.Duration.ofDays(365L * 100);

  /**
   * Arms the end of {@code link} at its peer certificate's not-after, on the loop's timer (the
   * distance from the wall clock {@code clock} now, as the routing timer does).
   */
  private void scheduleExpiry(Link link) {
    Instant end = link.peerCertificate().notAfter();
    // Capped: a not-after in year 9999 (RFC 5280's "no expiry") is past what nanos can hold.
    java.time.Duration until = java.time.Duration.between(clock.instant(), end);
    long nanos = until.isNegative() ? 0
        : until.compareTo(MAX_EXPIRY_DELAY) > 0 ? MAX_EXPIRY_DELAY.toNanos() : until.toNanos();
    // One nanosecond past not-after: a certificate is valid up to and including it.
    ScheduledFuture<?> f = loop.schedule(() -> {
      expiries.remove(link);
      closeIfNoLongerTrusted(link);
    }, nanos + 1, TimeUnit.NANOSECONDS);
    ScheduledFuture<?> old = expiries.put(link, f);
    if (old != null) {
      old.cancel(false);
    }
  }

  /**
   * Closes {@code link} if its peer is revoked or its certificate expired now ({@link
   * io.staex.crypto.TrustPolicy#recheck}), counting and logging why; whether it did.
   */
  private boolean closeIfNoLongerTrusted(Link link) {
    Verdict v = node.policy().recheck(link.peerCertificate(), clock.instant());
    if (v.isAccepted()) {
      return false;
    }
    if (v.rejection() == Rejection.REVOKED) {
      counters.recordLinkClosedRevoked();
    } else if (v.rejection() == Rejection.WRONG_NETWORK) {
      counters.recordLinkClosedUntrusted();
    } else {
      counters.recordLinkClosedExpired();
    }
    log.warn("closing the link to {}: {}: {}", link.peer(), v.rejection().label(), v.detail());
    link.close(v.rejection().label() + ": " + v.detail());
    return true;
  }

  /** Revocations were applied: close every live link they cover. */
  private void closeRevoked(List<SignedRevocation> revocations) {
    for (Link link : List.copyOf(links.values())) {
      for (SignedRevocation r : revocations) {
        if (r.covers(link.peerCertificate())) {
          closeIfNoLongerTrusted(link);
          break;
        }
      }
    }
  }

  /**
   * This node's parents are now {@code next} (priority order; a reload): the routing node
   * chooses its active parent among them and the HELLO limits exempt them. Completes on the
   * loop. Any thread.
   */
  public java.util.concurrent.CompletableFuture<Void> setParents(List<Address> next) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    loop.execute(() -> {
      try {
        if (!closed) {
          hellos.parents(Set.copyOf(next));
          apply(node.setParents(next, clock.instant()));
        }
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /**
   * This node's certificate was renewed: the routing node signs its state again with it and
   * sends it up. Any thread.
   */
  public void renewCertificate(io.staex.crypto.Certificate renewed) {
    loop.execute(() -> {
      if (!closed) {
        apply(node.renewCertificate(renewed, clock.instant()));
        // Presented on every live link too, so that no neighbour ends a link at the old
        // certificate's end (docs/links.md, "A renewed certificate on a live link").
        List<Outbound> present = new ArrayList<>();
        for (Link link : links.values()) {
          present.add(new Outbound(link.peer(), new RoutingMessage.PresentCertificate(renewed)));
        }
        apply(new Effects(present, List.of()));
      }
    });
  }

  /**
   * The neighbour {@code peer} presented {@code renewed} on its live link: taken when it is what
   * its handshake's certificate would have been renewed to (the same key, network, name and
   * roles) and the trust policy accepts it now for a link, as at a handshake; the link then
   * ends at the new certificate's end. Anything else is refused, counted ({@code
   * CERTIFICATE_REFUSED}) and logged once a minute, and the link goes on with the certificate
   * it had, ending at its end: the handshake proved the peer's key, a bad renewal proves
   * nothing new, and closing at once would make an operator's mistake an outage before the
   * old certificate ends. An older or the same certificate changes nothing.
   */
  private void onCertificatePresented(Address peer, io.staex.crypto.Certificate renewed) {
    Link link = links.get(NodeKey.of(peer));
    if (link == null) {
      return;
    }
    io.staex.crypto.Certificate held = link.peerCertificate();
    String problem = null;
    if (!renewed.node().equals(peer)) {
      problem = "a certificate for another key, " + renewed.node();
    } else if (!renewed.network().equals(held.network())) {
      problem = "a certificate of another network, " + renewed.network();
    } else if (!renewed.name().equals(held.name()) || !renewed.roles().equals(held.roles())) {
      problem = "a certificate with another name or roles (" + renewed.name().orElse("-") + ", "
          + renewed.roles() + "; the link's: " + held.name().orElse("-") + ", " + held.roles()
          + ")";
    } else {
      Verdict v = node.policy().check(renewed, io.staex.crypto.Purpose.LINK, clock.instant());
      if (!v.isAccepted()) {
        problem = v.rejection().label() + ": " + v.detail();
      }
    }
    if (problem != null) {
      counters.recordDrop(Drop.CERTIFICATE_REFUSED);
      certificateLog.refused("from " + peer + ": " + problem
          + "; the link keeps the certificate it has, ending " + held.notAfter());
      return;
    }
    if (!renewed.notAfter().isAfter(held.notAfter())) {
      log.debug("link to {}: a certificate presented that ends no later than the one held", peer);
      return;
    }
    if (link.renewPeerCertificate(renewed)) {
      counters.recordLinkCertificateRenewed();
      scheduleExpiry(link);
      log.info("link to {}: renewed certificate taken (serial {}), the link now ends {} instead"
          + " of {}", peer, renewed.serial().toString(16), renewed.notAfter(), held.notAfter());
    }
  }

  /**
   * The policy's configured rules changed ({@code TrustPolicy.reconfigure}, a reload): closes
   * every live link whose peer it no longer accepts, and completes with one line per closed
   * link ({@code peer: reason}). Any thread.
   */
  public java.util.concurrent.CompletableFuture<List<String>> recheckLinks() {
    java.util.concurrent.CompletableFuture<List<String>> done =
        new java.util.concurrent.CompletableFuture<>();
    loop.execute(() -> {
      List<String> closedLinks = new java.util.ArrayList<>();
      if (!closed) {
        for (Link link : List.copyOf(links.values())) {
          Verdict v = node.policy().recheck(link.peerCertificate(), clock.instant());
          if (closeIfNoLongerTrusted(link)) {
            closedLinks.add(link.peer() + ": " + v.rejection().label() + ": " + v.detail());
          }
        }
      }
      done.complete(closedLinks);
    });
    return done;
  }

  /**
   * A revocation this node's policy applied just now (an operator handed it over): spread it to
   * every neighbour and close the links it covers. Any thread.
   */
  public void revoked(SignedRevocation revocation) {
    loop.execute(() -> {
      if (!closed) {
        apply(node.revoked(revocation, clock.instant()));
      }
    });
  }

  private void onLinkDown(Link link, String reason) {
    assemblers.remove(link);
    ScheduledFuture<?> expiry = expiries.remove(link);
    if (expiry != null) {
      expiry.cancel(false);
    }
    gates.remove(link);
    localGates.remove(link);
    for (Set<Link> paused : pausedBy.values()) {
      paused.remove(link);
    }
    Address peer = link.peer();
    NodeKey key = NodeKey.of(peer);
    if (!closed && links.get(key) == link) { // else closed, or an old link already replaced
      links.remove(key);
      hellos.linkDown(peer);
      logLink(peer, "link down: " + reason);
      apply(node.linkDown(peer, clock.instant()));
    }
    // Last: reopening the send gate lets the session layer send at once, inside this call, and
    // its packets must see the routes without this link.
    resume(link);
  }

  private void onFrame(Link link, LinkFrame frame) {
    if (closed) {
      return;
    }
    source = link;
    try {
      if (frame instanceof LinkFrame.Packet p) {
        List<RelayAction> actions = forwarding.packet(view, p.header(), NodeKey.of(link.peer()));
        if (actions.get(0) instanceof RelayAction.Dropped d && d.reason() == Drop.SPOOFED_SOURCE) {
          spoofedLog.refused("from neighbour " + link.peer() + ", claiming " + p.source());
        } else if (hellos.refuses(link.peer(), p)) {
          actions = List.of(new RelayAction.Dropped(Drop.HELLO_LIMITED));
          helloLog.refused("from child " + link.peer() + ", claiming " + p.source());
        }
        act(actions, p);
      } else if (frame instanceof LinkFrame.Unreachable u) {
        act(forwarding.notice(view, u, NodeKey.of(link.peer())), u);
      } else if (frame instanceof LinkFrame.Routing r) {
        onRouting(link, r);
      }
    } finally {
      source = null;
    }
  }

  private void onRouting(Link link, LinkFrame.Routing chunk) {
    RoutingAssembler assembler = assemblers.get(link);
    if (assembler == null) {
      return; // the link is down already
    }
    RoutingMessage message;
    try {
      byte[] bytes = assembler.add(chunk);
      if (bytes == null) {
        return;
      }
      message = RoutingCodec.decode(bytes);
    } catch (FrameDecodeException | RoutingDecodeException e) {
      counters.recordDrop(Drop.ROUTING_BAD_MESSAGE);
      log.debug("bad routing message from {}, closing the link: {}", link, e.getMessage());
      link.close();
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug("routing in from {}: {}", link.peer().shortText(), RoutingTrace.brief(message));
    }
    apply(node.receive(link.peer(), message, clock.instant()));
  }

  /**
   * Carries out {@link #forwarding}'s actions for {@code frame} (a packet or a notice), in order,
   * counting each.
   */
  private void act(List<RelayAction> actions, LinkFrame frame) {
    // links.get(next) is not null: the view answered "up" from the same table, on this loop
    for (RelayAction action : actions) {
      if (action instanceof RelayAction.Forward f) {
        counters.recordForwarded();
        if (f.aroundDownHop()) {
          counters.recordRerouted();
        }
        enqueue(links.get(f.next()), frame instanceof LinkFrame.Packet p
            ? f.rewrite().apply(p) : f.rewrite().apply((LinkFrame.Unreachable) frame));
      } else if (action instanceof RelayAction.Deliver) {
        deliver((LinkFrame.Packet) frame);
      } else if (action instanceof RelayAction.NotifyLocal n) {
        if (frame instanceof LinkFrame.Unreachable u) {
          notifyFromNetwork(u);
        } else {
          notifyLocal(n.destination(), n.reason());
        }
      } else if (action instanceof RelayAction.Answer a) {
        counters.recordUnreachableSent();
        // the notice quotes the failed packet's payload: its source acts only on a true quote
        enqueue(links.get(a.next()), a.notice().quoting(((LinkFrame.Packet) frame).payload()));
      } else if (action instanceof RelayAction.Dropped d) {
        counters.recordDrop(d.reason());
      }
    }
  }

  /**
   * Queues {@code frame} for {@code link}. Frames queued while the loop works through the tasks
   * already queued (e.g. a burst of frames from a link) leave in one {@link Link#send(List)}:
   * fewer records and one flush, instead of one of each per frame. Order per link is kept. Once
   * the link's queue and this one would pass its high water mark the frames are handed over at
   * once, so the link's own writability decides: unwritable, it holds the frame's source until
   * {@link #writabilityChanged} (or {@link #linkDown}). Frames for a link that is unwritable
   * already stay batched here (handing each one over would seal and flush each on its own).
   */
  private void enqueue(Link link, LinkFrame frame) {
    int size = LinkFrameCodec.encodedSize(frame);
    long pendingHere = pendingBytes.getOrDefault(link, 0L);
    long queued = pendingHere + link.queuedBytes();
    boolean routing = frame instanceof LinkFrame.Routing;
    if (routing && queued + size > maxLinkQueueBytes + MAX_ROUTING_BACKLOG_BYTES) {
      // The peer has not read this much routing beyond a full queue: close rather than drop a
      // chunk (a lost chunk would leave both views wrong); both ends resync at the next link up.
      counters.recordDrop(Drop.ROUTING_BACKLOG);
      log.warn("link to {} closed: {} bytes queued, routing messages not read", link.peer(),
          queued);
      link.close();
      return;
    }
    if (!routing && queued + size > maxLinkQueueBytes) {
      // Only packets and notices are dropped here: a routing message dropped under congestion
      // (a view, a withdrawal, a rank, or one chunk of one) leaves the neighbour's view wrong
      // until the next refresh, and a failover is when links are most congested (issue 14:
      // root-kill at 50 nodes).
      if (!link.isWritable()) {
        pause(link);
      }
      counters.recordDrop(Drop.QUEUE_FULL);
      if (local && frame instanceof LinkFrame.Packet p) {
        notifyLocal(p.destination(), UnreachableReason.CONGESTED);
      }
      return;
    }
    counters.recordLinkQueuedBytes(queued + size);
    List<LinkFrame> frames = pending.computeIfAbsent(link, l -> new ArrayList<>());
    frames.add(frame);
    pendingBytes.put(link, pendingHere + size);
    boolean writable = link.isWritable();
    if (frames.size() >= MAX_BATCH || (writable && queued + size > highWater)) {
      pending.remove(link);
      pendingBytes.remove(link);
      link.send(frames);
      writable = link.isWritable();
    }
    if (!writable) {
      pause(link); // unwritable already, or made so by what was just handed over
    }
    if (!flushQueued && pending.containsKey(link)) {
      flushQueued = true;
      loop.execute(this::flush);
    }
  }

  private void flush() {
    flushQueued = false;
    for (Map.Entry<Link, List<LinkFrame>> e : pending.entrySet()) {
      e.getKey().send(e.getValue());
    }
    pending.clear();
    pendingBytes.clear();
  }

  /**
   * Stops reading the link the current frame came from until {@code out} (unwritable now) is
   * writable again; for this node's own packet, holds the send gate instead.
   */
  private void pause(Link out) {
    if (local) {
      hold(out);
      return;
    }
    if (source == null || !source.isActive()) {
      return;
    }
    if (pausedBy.computeIfAbsent(out, l -> Collections.newSetFromMap(
        new IdentityHashMap<>())).add(source)) {
      gateOnLoop(source).hold(out);
    }
  }

  /** Resumes the links paused for {@code out}, and this node's sends if it held them. */
  private void resume(Link out) {
    release(out);
    Set<Link> paused = pausedBy.remove(out);
    if (paused == null) {
      return;
    }
    for (Link in : paused) {
      ReadGate gate = localGates.get(in);
      if (gate == null) {
        gate = gates.get(in);
      }
      if (gate != null) {
        gate.release(out);
      }
    }
  }

  /**
   * Holds this node's sends by {@code out}, an unwritable link: they go on at {@link
   * #writabilityChanged} (or {@link #linkDown}).
   */
  private void hold(Link out) {
    if (heldBy.add(out)) {
      updateSendGate();
    }
  }

  private void release(Link out) {
    if (heldBy.remove(out)) {
      updateSendGate();
    }
  }

  /**
   * Tells the handler once when the send gate closes or opens, synchronously: the handler may
   * send from inside (a resumed stream), and a send that closes the gate again tells it again.
   */
  private void updateSendGate() {
    boolean paused = !heldBy.isEmpty();
    if (paused == sendPausedTold || closed) {
      return;
    }
    sendPausedTold = paused;
    try {
      if (paused) {
        counters.recordSendPaused();
        handler.sendPaused();
      } else {
        counters.recordSendResumed();
        handler.sendResumed();
      }
    } catch (RuntimeException e) {
      log.warn("relay handler failed on send {}", paused ? "paused" : "resumed", e);
    }
  }

  private void deliver(LinkFrame.Packet p) {
    counters.recordDelivered();
    try {
      handler.packet(p.source(), p.payload(), p.ttl());
    } catch (RuntimeException e) {
      log.warn("packet handler failed", e);
    }
  }

  private void notifyLocal(NodeKey destination, UnreachableReason reason) {
    counters.recordUnreachableReceived();
    try {
      handler.unreachable(destination, reason);
    } catch (RuntimeException e) {
      log.warn("unreachable handler failed", e);
    }
  }

  /** A notice from the network for this node: unverified, with its quote (the handler checks). */
  private void notifyFromNetwork(LinkFrame.Unreachable u) {
    counters.recordUnreachableReceived();
    try {
      handler.unreachableNotice(u.destination(), u.reason(), u.quote());
    } catch (RuntimeException e) {
      log.warn("unreachable handler failed", e);
    }
  }

  // ---- name lookups

  /**
   * Looks {@code name} up among the certified names of {@code network}: in this node's view,
   * else up the tree (the answer is the named node's signed state, verified here). Completes
   * with empty when the name is not found or no answer came within {@code timeout}. Any thread.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // the timeout needs no handle; it checks lookups
  public CompletableFuture<Optional<NodeState>> lookup(
      Address network, String name, Duration timeout) {
    CompletableFuture<Optional<NodeState>> result = new CompletableFuture<>();
    loop.execute(() -> {
      if (closed) {
        result.complete(Optional.empty());
        return;
      }
      long id = lookups.start(network, name, timeout, result);
      apply(node.lookup(id, network, name, clock.instant()));
    });
    return result;
  }

  // ---- route explain

  /**
   * Asks the nodes up the tree how they would route a packet for {@code destination} ({@code
   * RoutingNode.explain}); completes with their answers, nearest first, or with those that came
   * within {@code timeout}. Complete and empty at once when this node does not hand such a
   * packet up. Any thread.
   */
  public CompletableFuture<Relay.ExplainTrail> explainUp(Address destination, Duration timeout) {
    CompletableFuture<Relay.ExplainTrail> result = new CompletableFuture<>();
    loop.execute(() -> {
      if (closed) {
        result.complete(new Relay.ExplainTrail(List.of(), false));
        return;
      }
      long id = explains.nextId();
      Effects asked = node.explain(id, destination, clock.instant());
      if (asked.messages().isEmpty()) {
        result.complete(new Relay.ExplainTrail(List.of(), false));
        return;
      }
      explains.start(id, timeout, result);
      apply(asked);
    });
    return result;
  }

  // ---- routing effects

  private void apply(Effects effects) {
    for (Outbound out : effects.messages()) {
      Link link = links.get(NodeKey.of(out.to()));
      if (link == null) {
        counters.recordDrop(Drop.ROUTING_NO_LINK);
        continue;
      }
      if (log.isDebugEnabled()) {
        log.debug("routing out to {}: {}", out.to().shortText(), RoutingTrace.brief(out.message()));
      }
      try {
        for (LinkFrame.Routing chunk : RoutingAssembler.split(RoutingCodec.encode(out.message()))) {
          enqueue(link, chunk);
        }
      } catch (IllegalArgumentException e) {
        log.warn("routing message for {} not sent: {}", out.to(), e.getMessage());
      }
    }
    for (RoutingEvent event : effects.events()) {
      log.debug("{}: {}", node.address(), event);
      if (event instanceof RoutingEvent.ActiveParentChanged c) {
        if (c.current().isPresent()) {
          log.info("active parent now {}{}", c.current().get(),
              c.previous().map(p -> " (was " + p + ")").orElse(""));
        } else {
          log.warn("no parent up (was {}): only this node's subtree is reachable",
              c.previous().map(Address::toString).orElse("-"));
        }
      }
      if (event instanceof RoutingEvent.Revoked r) {
        r.revocations().forEach(x -> log.warn("revocation applied: {}", x));
        closeRevoked(r.revocations());
      }
      if (event instanceof RoutingEvent.OverBudget b) {
        // counted by the routing node (status: routing drops); logged here, rate-limited
        (switch (b.budget()) {
          case MESSAGES -> routingBudgetLog;
          case SIGNATURE_CHECKS -> signatureBudgetLog;
          case EXPLAINS -> explainLog;
        }).refused("from neighbour " + b.neighbour());
      }
      if (event instanceof RoutingEvent.CertificatePresented p) {
        onCertificatePresented(p.neighbour(), p.certificate());
      }
      lookups.onEvent(event);
      explains.onEvent(event);
    }
    timer.reschedule();
  }
}
