package io.staex.proxy.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.RoutingAssembler;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.link.Link;
import io.staex.proxy.relay.RelayCounters;
import io.staex.proxy.relay.RelayCounters.Drop;
import io.staex.proxy.relay.RelayHandler;
import io.staex.proxy.relay.RelayTestSettings;
import io.staex.routing.Effects;
import io.staex.routing.NodeState;
import io.staex.routing.Outbound;
import io.staex.routing.RoutingCodec;
import io.staex.routing.RoutingMessage;
import io.staex.routing.RoutingNode;
import io.staex.routing.RoutingSettings;
import io.staex.testing.ManualClock;
import io.staex.testing.Seeded;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The root's engine with hand-driven links: each child is a real {@link RoutingNode} whose
 * messages the test delivers, so the root's view is real; the links record what the root sends.
 *
 * <p>The engine runs on a {@link ManualClock}'s loop, in the test's thread: what a test hands it
 * is handled when the test {@link #settle}s (no time passes), its timers when the test moves the
 * clock. One case is about two threads racing and runs on a real executor.
 */
class RelayEngineTest {
  static final Identity NETWORK = Identity.generate(Seeded.random(1));
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  record Node(Identity identity, Certificate certificate) {
    Address address() {
      return identity.address();
    }

    NodeKey key() {
      return NodeKey.of(address());
    }
  }

  /** A link that records the non-routing frames sent on it. */
  static final class FakeLink implements Link {
    final Node peer;
    final BlockingQueue<LinkFrame> sent = new LinkedBlockingQueue<>();
    /** The routing chunks sent on it, in order. */
    final BlockingQueue<LinkFrame.Routing> routing = new LinkedBlockingQueue<>();
    /** The peer's certificate: its node's, until a renewed one is taken. */
    volatile Certificate certificate;
    final AtomicBoolean closed = new AtomicBoolean();
    volatile boolean reading = true;

    FakeLink(Node peer) {
      this.peer = peer;
      this.certificate = peer.certificate();
    }

    @Override
    public Address peer() {
      return peer.address();
    }

    @Override
    public Certificate peerCertificate() {
      return certificate;
    }

    @Override
    public boolean renewPeerCertificate(Certificate renewed) {
      certificate = renewed;
      return true;
    }

    /** The routing messages sent on it so far, decoded, in order. */
    List<RoutingMessage> routingMessages() throws Exception {
      RoutingAssembler assembler = new RoutingAssembler();
      List<RoutingMessage> out = new ArrayList<>();
      for (LinkFrame.Routing chunk : routing) {
        byte[] bytes = assembler.add(chunk);
        if (bytes != null) {
          out.add(RoutingCodec.decode(bytes));
        }
      }
      return out;
    }

    @Override
    public SocketAddress remoteAddress() {
      return InetSocketAddress.createUnresolved("test", 1);
    }

    @Override
    public boolean isActive() {
      return !closed.get();
    }

    volatile boolean writable = true;
    volatile long queued;

    @Override
    public boolean isWritable() {
      return writable;
    }

    @Override
    public long queuedBytes() {
      return queued;
    }

    /** Runs before a {@code setReading} call takes effect (a preempted caller); may be null. */
    volatile Runnable beforeSetReading;

    @Override
    public void setReading(boolean reading) {
      Runnable hook = beforeSetReading;
      if (hook != null) {
        beforeSetReading = null;
        hook.run();
      }
      this.reading = reading;
    }

    @Override
    public boolean isReading() {
      return reading;
    }

    @Override
    public void send(LinkFrame frame) {
      if (frame instanceof LinkFrame.Routing r) {
        routing.add(r);
      } else {
        sent.add(frame);
      }
    }

    /** Whether a send makes the link unwritable, as a write past Netty's high mark does. */
    volatile boolean unwritableOnSend;

    @Override
    public void send(List<? extends LinkFrame> frames) {
      frames.forEach(this::send);
      if (unwritableOnSend) {
        writable = false;
      }
    }

    @Override
    public void close() {
      closed.set(true);
    }

    LinkFrame next() throws InterruptedException {
      LinkFrame f = sent.poll(5, TimeUnit.SECONDS);
      assertThat(f).as("a frame sent to " + peer.address()).isNotNull();
      return f;
    }
  }

  static Node node(long seed) {
    return node(seed, Optional.empty());
  }

  static Node node(long seed, Optional<String> name) {
    SecureRandom random = Seeded.random(seed);
    Identity me = Identity.generate(random);
    Certificate cert = Certificate.issue(NETWORK, me.address(), name, Set.of(),
        NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)), random);
    return new Node(me, cert);
  }

  final Node root = node(30);
  final Node child1 = node(31);
  final Node child2 = node(32);
  final ManualClock clock = new ManualClock(NOW);
  final RelayCounters counters = new RelayCounters();
  final BlockingQueue<LinkFrame.Packet> delivered = new LinkedBlockingQueue<>();
  final BlockingQueue<UnreachableReason> notices = new LinkedBlockingQueue<>();
  /** "paused" / "resumed", in the order the handler heard them. */
  final BlockingQueue<String> gate = new LinkedBlockingQueue<>();
  /** Run inside the handler's {@code sendResumed}, as a session layer sends there; may be null. */
  volatile Runnable onResumed;
  RelayEngine engine;
  FakeLink link1;
  FakeLink link2;

  @BeforeEach
  void start() throws Exception {
    engine = engineOn(clock.loop());
    engine.start();
    link1 = attach(engine, child1);
    link2 = attach(engine, child2);
  }

  /** The root's engine on {@code loop}, its handler filling the queues above. */
  RelayEngine engineOn(EventExecutor loop) {
    RoutingNode node = new RoutingNode(root.identity(), root.certificate(), List.of(), List.of(),
        TrustPolicy.ofNetwork(NETWORK.address()), RoutingSettings.defaults(), clock.instant());
    return new RelayEngine(loop, node, clock, RelayTestSettings.relay(),
        new RelayHandler() {
          @Override
          public void packet(NodeKey source, FrameBytes payload) {
            delivered.add(LinkFrame.Packet.of(root.key(), source, List.of(), payload));
          }

          @Override
          public void unreachable(NodeKey destination, UnreachableReason reason) {
            notices.add(reason);
          }

          @Override
          public void sendPaused() {
            gate.add("paused");
          }

          @Override
          public void sendResumed() {
            gate.add("resumed");
            Runnable r = onResumed;
            if (r != null) {
              r.run(); // a session layer sends at once, inside the event
            }
          }
        }, counters);
  }

  @AfterEach
  void stop() {
    engine.close();
    settle();
  }

  /** Runs what the engine was handed and what that causes; no time passes. */
  void settle() {
    clock.runTasks();
  }

  /** Brings up a link from {@code child} and delivers the child's state to the root. */
  FakeLink attach(RelayEngine engine, Node child) throws Exception {
    FakeLink link = new FakeLink(child);
    engine.linkUp(link);
    RoutingNode c = new RoutingNode(child.identity(), child.certificate(),
        List.of(root.address()), List.of(), TrustPolicy.ofNetwork(NETWORK.address()),
        RoutingSettings.defaults(), NOW);
    Effects effects = c.linkUp(root.address(), 1, clock.instant());
    for (Outbound out : effects.messages()) {
      for (LinkFrame.Routing chunk : RoutingAssembler.split(RoutingCodec.encode(out.message()))) {
        engine.frame(link, chunk);
      }
    }
    boolean knows;
    if (engine.loop() == clock.loop()) {
      settle();
      knows = engine.node().knows(child.address());
    } else {
      knows = engine.loop().submit(() -> engine.node().knows(child.address())).get();
    }
    assertThat(knows).isTrue();
    return link;
  }

  static FrameBytes bytes(int n) {
    return FrameBytes.copyOf(new byte[n]);
  }

  @Test
  void forwardsBySourceRouteDecidedAtTheRoot() throws InterruptedException {
    LinkFrame.Packet p = LinkFrame.Packet.of(child2.key(), child1.key(), List.of(), bytes(10));
    engine.frame(link1, p);
    settle();
    LinkFrame f = link2.next();
    assertThat(f).isEqualTo(new LinkFrame.Packet(
        FrameLimits.DEFAULT_TTL - 1, 0, child2.key(), child1.key(), List.of(), bytes(10)));
  }

  @Test
  void frameForAnUnwritableLinkPausesItsSourceUntilWritable() throws Exception {
    link2.writable = false;
    engine.frame(link1, LinkFrame.Packet.of(child2.key(), child1.key(), List.of(), bytes(10)));
    settle();
    assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    assertThat(link1.reading).as("source paused").isFalse();
    assertThat(counters.pausedReads()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(link1.reading).as("still paused: no event yet").isFalse();
    link2.writable = true;
    engine.writabilityChanged(link2);
    settle();
    assertThat(link1.reading).as("source resumed").isTrue();
    assertThat(counters.resumedReads()).isEqualTo(1);
  }

  /**
   * A link on the relay's own loop (every link, with one thread): its frames are handled inside
   * {@code frame}, without a hop or a backlog, and its read gate lives on the loop.
   */
  @Test
  void linkOnTheRelaysLoop_frameHandledInTheCall_pausedUntilWritable() throws Exception {
    Node child3 = node(33);
    FakeLink link3 = new FakeLink(child3);
    RoutingNode c = new RoutingNode(child3.identity(), child3.certificate(),
        List.of(root.address()), List.of(), TrustPolicy.ofNetwork(NETWORK.address()),
        RoutingSettings.defaults(), NOW);
    List<LinkFrame.Routing> hello = new ArrayList<>();
    for (Outbound out : c.linkUp(root.address(), 1, clock.instant()).messages()) {
      hello.addAll(RoutingAssembler.split(RoutingCodec.encode(out.message())));
    }
    link2.writable = false;
    engine.linkUp(link3); // the test's thread is the engine's loop: each call is handled in it
    hello.forEach(chunk -> engine.frame(link3, chunk));
    engine.frame(link3, LinkFrame.Packet.of(child2.key(), child3.key(), List.of(), bytes(10)));
    assertThat(link3.reading).as("paused inside frame(), no task ran").isFalse();
    settle();
    assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(link3.reading).as("no event, no resume").isFalse();
    link2.writable = true;
    engine.writabilityChanged(link2);
    settle();
    assertThat(link3.reading).as("resumed by the event").isTrue();
    assertThat(counters.pausedReads()).isEqualTo(1);
    assertThat(counters.resumedReads()).isEqualTo(1);
  }

  /**
   * The race seen under load: link1's loop pauses link1 for its backlog, and is preempted just
   * before its {@code setReading(false)} takes effect. Meanwhile the engine drains the backlog
   * below half and resumes link1. The late pause must not win: link1 must end up reading (it
   * used to stay paused forever, with pausedReads == resumedReads and nothing left to resume it).
   */
  @Test
  void backlogPauseOvertakenByItsResume_linkEndsUpReading() throws Exception {
    // Two threads by nature (link1's loop, the engine's), so a real executor; these shadow the
    // fields for this case.
    DefaultEventExecutor loop = new DefaultEventExecutor();
    RelayEngine engine = engineOn(loop);
    try {
      engine.start();
      backlogPauseOvertakenByItsResume(
          loop, engine, attach(engine, child1), attach(engine, child2));
    } finally {
      engine.close();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  void backlogPauseOvertakenByItsResume(
      EventExecutor loop, RelayEngine engine, FakeLink link1, FakeLink link2) throws Exception {
    CountDownLatch engineGo = new CountDownLatch(1);
    loop.execute(() -> {
      try {
        engineGo.await(); // the engine is busy: link1's frames back up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    link1.beforeSetReading = () -> {
      // This thread is link1's loop, preempted: the engine runs ahead as far as it can.
      engineGo.countDown();
      try {
        loop.submit(() -> { }).get(500, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // the engine cannot run ahead: it waits for this pause to be applied first
      } catch (InterruptedException | ExecutionException e) {
        throw new AssertionError(e);
      }
    };
    int size = 32 * 1024;
    LinkFrame.Packet p = LinkFrame.Packet.of(child2.key(), child1.key(), List.of(), bytes(size));
    int n = (int) (RelayEngine.MAX_BACKLOG_BYTES / size) + 1;
    for (int i = 0; i < n; i++) {
      engine.frame(link1, p); // passing the backlog bound pauses link1 (hook above)
    }
    for (int i = 0; i < n; i++) {
      assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    }
    loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
    assertThat(counters.pausedReads()).isEqualTo(1);
    assertThat(counters.resumedReads()).isEqualTo(1);
    assertThat(link1.reading).as("link1 reading after its backlog drained").isTrue();
  }

  @Test
  void frameForALinkWithFullQueueIsDroppedQueueFull() throws Exception {
    link2.queued = RelayTestSettings.LINK_QUEUE_BYTES;
    engine.frame(link1, LinkFrame.Packet.of(child2.key(), child1.key(), List.of(), bytes(10)));
    settle();
    assertThat(counters.dropped(Drop.QUEUE_FULL)).isEqualTo(1);
    assertThat(link2.sent).isEmpty();
  }

  @Test
  void localSendToAnUnwritableLink_pausesSendsOnceUntilWritable() throws Exception {
    link2.writable = false;
    engine.send(child2.key(), bytes(10));
    engine.send(child2.key(), bytes(10));
    settle();
    assertThat(gate.poll()).isEqualTo("paused");
    assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    assertThat(engine.isSendPaused()).isTrue();
    assertThat(gate.poll()).as("edge-triggered: once").isNull();
    assertThat(counters.pausedReads()).as("no link was paused").isZero();

    link2.writable = true;
    engine.writabilityChanged(link2);
    settle();
    assertThat(gate.poll()).isEqualTo("resumed");
    assertThat(engine.isSendPaused()).isFalse();
    assertThat(counters.sendPauses()).isEqualTo(1);
    assertThat(counters.sendResumes()).isEqualTo(1);
  }

  @Test
  void localSendThatTakesALinkPastItsHighMark_isHandedOverAtOnce_andPausesUntilWritable()
      throws Exception {
    link2.queued = RelayTestSettings.WRITE_BUFFER_HIGH; // this packet takes it past the mark
    link2.unwritableOnSend = true; // as Netty counts it: past the high mark
    engine.send(child2.key(), bytes(10));
    settle();
    assertThat(gate.poll()).isEqualTo("paused");
    assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(gate.poll()).as("no event, no resume").isNull();
    link2.writable = true; // drained below the low mark: Netty's event
    engine.writabilityChanged(link2);
    settle();
    assertThat(gate.poll()).isEqualTo("resumed");
    assertThat(engine.isSendPaused()).isFalse();
  }

  @Test
  void localSendToALinkThatStaysWritable_doesNotPause() throws Exception {
    link2.queued = RelayTestSettings.WRITE_BUFFER_HIGH; // handed over at once, and written at once
    engine.send(child2.key(), bytes(10));
    settle();
    assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(gate.poll()).isNull();
    assertThat(counters.sendPauses()).isZero();
  }

  @Test
  void localSendHeldByALinkThatGoesDown_resumes() throws Exception {
    link2.writable = false;
    engine.send(child2.key(), bytes(10));
    settle();
    assertThat(gate.poll()).isEqualTo("paused");
    engine.linkDown(link2, "closed by peer");
    settle();
    assertThat(gate.poll()).isEqualTo("resumed");
  }

  /**
   * The session layer sends inside {@code sendResumed}; when a link going down reopens the gate,
   * those packets must already see the routes without it (else they go to the dead link and are
   * lost without a notice).
   */
  @Test
  void linkDownReopensTheGateAfterItsRoutesAreDropped() throws Exception {
    link2.writable = false;
    engine.send(child2.key(), bytes(10));
    settle();
    assertThat(gate.poll()).isEqualTo("paused");
    assertThat(link2.next()).isInstanceOf(LinkFrame.Packet.class);
    onResumed = () -> engine.send(child2.key(), bytes(11));
    engine.linkDown(link2, "closed by peer");
    settle();
    assertThat(gate.poll()).isEqualTo("resumed");
    assertThat(link2.sent).as("nothing for the link that went down").isEmpty();
    assertThat(notices.poll()).as("the packet sent on resuming is reported").isNotNull();
  }

  @Test
  void localSendToALinkWithFullQueue_isReportedCongested() throws Exception {
    link2.queued = RelayTestSettings.LINK_QUEUE_BYTES;
    engine.send(child2.key(), bytes(10));
    settle();
    assertThat(notices.poll()).isEqualTo(UnreachableReason.CONGESTED);
    assertThat(counters.dropped(Drop.QUEUE_FULL)).isEqualTo(1);
    assertThat(link2.sent).isEmpty();
  }

  @Test
  void ttlZeroIsAnsweredWithTtlExpired() throws InterruptedException {
    engine.frame(link1, new LinkFrame.Packet(0, 0, child2.key(), child1.key(), List.of(), bytes(1)));
    settle();
    LinkFrame f = link1.next();
    assertThat(f).isInstanceOf(LinkFrame.Unreachable.class);
    LinkFrame.Unreachable u = (LinkFrame.Unreachable) f;
    assertThat(u.reason()).isEqualTo(UnreachableReason.TTL_EXPIRED);
    assertThat(u.source()).isEqualTo(child1.key());
    assertThat(u.destination()).isEqualTo(child2.key());
    assertThat(link2.sent).isEmpty();
    assertThat(counters.dropped(Drop.TTL_EXPIRED)).isEqualTo(1);
  }

  @Test
  void routeThroughANonNeighbourIsBadRouteAndThroughALostOneLinkDown() throws Exception {
    Node stranger = node(40);
    engine.frame(link1, LinkFrame.Packet.of(
        stranger.key(), child1.key(), List.of(stranger.key()), bytes(1)));
    settle();
    assertThat(((LinkFrame.Unreachable) link1.next()).reason()).isEqualTo(UnreachableReason.BAD_ROUTE);

    engine.linkDown(link2, "closed by peer");
    settle(); // linkDown is a task of its own; link1's frame, on the engine's loop, is not
    engine.frame(link1, LinkFrame.Packet.of(
        child2.key(), child1.key(), List.of(child2.key()), bytes(1)));
    settle();
    assertThat(((LinkFrame.Unreachable) link1.next()).reason()).isEqualTo(UnreachableReason.LINK_DOWN);
  }

  @Test
  void unreachableNoticesAreNeverAnswered() throws Exception {
    Node stranger = node(40);
    // a notice for a node nobody knows: dropped, no notice about the notice
    engine.frame(link1, new LinkFrame.Unreachable(
        5, UnreachableReason.NO_ROUTE, stranger.key(), child1.key(), List.of()));
    // a notice with TTL 0 for a known node: dropped
    engine.frame(link1, new LinkFrame.Unreachable(
        0, UnreachableReason.NO_ROUTE, child2.key(), child1.key(), List.of()));
    settle();
    assertThat(counters.dropped(Drop.UNREACHABLE_UNDELIVERABLE)).isEqualTo(2);
    assertThat(link1.sent).isEmpty();
    assertThat(link2.sent).isEmpty();
    assertThat(counters.unreachableSent()).isZero();
  }

  @Test
  void noticeForTheRootGoesToItsHandler() throws InterruptedException {
    engine.frame(link1, new LinkFrame.Unreachable(
        3, UnreachableReason.LINK_DOWN, root.key(), child2.key(), List.of()));
    settle();
    assertThat(notices.poll()).isEqualTo(UnreachableReason.LINK_DOWN);
  }

  @Test
  void badRoutingMessageClosesTheLink() throws Exception {
    engine.frame(link1, new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[] {1, 99, 0})));
    settle();
    assertThat(counters.dropped(Drop.ROUTING_BAD_MESSAGE)).isEqualTo(1);
    assertThat(link1.closed).isTrue();
    assertThat(link2.closed).isFalse();
  }

  /**
   * A child floods forged revocations: the routing layer checks at most its link's budget and
   * counts the rest (SIGNATURE_BUDGET, in status as routing drops), then cheap messages past the
   * message budget (MESSAGE_BUDGET); the link stays up (the drops are not the link's fault).
   */
  @Test
  void routingFloodFromAChild_droppedAndCountedPerBudget() throws Exception {
    byte[] bytes = io.staex.crypto.SignedRevocation.ofNode(NETWORK, child2.address(), NOW)
        .encoded().toByteArray();
    bytes[bytes.length - 1] ^= 1;
    io.staex.crypto.SignedRevocation forged = io.staex.crypto.SignedRevocation.decode(bytes);
    io.staex.routing.RoutingBudget budget = RoutingSettings.defaults().budget();
    int perMessage = RoutingCodec.MAX_REVOCATIONS_PER_MESSAGE;
    int messages = budget.checkBurst() / perMessage + 2;
    RoutingMessage flood = new RoutingMessage.Revoke(java.util.Collections.nCopies(perMessage, forged));
    for (int i = 0; i < messages; i++) {
      for (LinkFrame.Routing chunk : RoutingAssembler.split(RoutingCodec.encode(flood))) {
        engine.frame(link1, chunk);
      }
    }
    settle();
    long checked = engine.node().policy().revocations().invalid();
    assertThat(checked).isLessThanOrEqualTo(budget.checkBurst());
    io.staex.routing.RoutingCounters routing = engine.node().counters();
    assertThat(routing.dropped(io.staex.routing.RoutingCounters.Drop.SIGNATURE_BUDGET))
        .isEqualTo((long) messages * perMessage - checked);

    RoutingMessage cheap = new RoutingMessage.Withdraw(List.of());
    byte[] encoded = RoutingCodec.encode(cheap);
    for (int i = 0; i < budget.messageBurst(); i++) {
      for (LinkFrame.Routing chunk : RoutingAssembler.split(encoded)) {
        engine.frame(link1, chunk);
      }
    }
    settle();
    // the child's attach took two tokens (its state and its rank)
    assertThat(routing.dropped(io.staex.routing.RoutingCounters.Drop.MESSAGE_BUDGET))
        .isEqualTo(messages + 2L);
    assertThat(link1.closed).isFalse();
  }

  @Test
  void packetForTheRootIsDelivered() throws InterruptedException {
    engine.frame(link1, LinkFrame.Packet.of(root.key(), child1.key(), List.of(), bytes(7)));
    settle();
    LinkFrame.Packet p = delivered.poll();
    assertThat(p).isNotNull();
    assertThat(p.source()).isEqualTo(child1.key());
    assertThat(p.payload()).isEqualTo(bytes(7));
  }

  @Test
  void lookupOfAChildsName_resolvesToItsState() throws Exception {
    Node camera = node(41, Optional.of("camera1"));
    attach(engine, camera);

    CompletableFuture<Optional<NodeState>> found =
        engine.lookup(NETWORK.address(), "camera1", Duration.ofSeconds(5));
    settle();

    assertThat(found).isCompleted();
    assertThat(found.join()).map(NodeState::address).hasValue(camera.address());
  }

  @Test
  void lookupOfAnUnknownNameAtTheRoot_completesEmpty() throws Exception {
    CompletableFuture<Optional<NodeState>> found =
        engine.lookup(NETWORK.address(), "nobody", Duration.ofSeconds(5));
    settle();

    assertThat(found).isCompletedWithValue(Optional.empty());
  }

  @Test
  void lookupAfterClose_completesEmpty() throws Exception {
    engine.close();

    CompletableFuture<Optional<NodeState>> found =
        engine.lookup(NETWORK.address(), "camera1", Duration.ofSeconds(5));
    settle();

    assertThat(found).isCompletedWithValue(Optional.empty());
  }

  // ---- route explain (issue 16)

  void receive(FakeLink link, RoutingMessage m) {
    for (LinkFrame.Routing chunk : RoutingAssembler.split(RoutingCodec.encode(m))) {
      engine.frame(link, chunk);
    }
  }

  List<RoutingMessage.ExplainAnswer> explainAnswers(FakeLink link) throws Exception {
    return link.routingMessages().stream()
        .filter(m -> m instanceof RoutingMessage.ExplainAnswer)
        .map(m -> (RoutingMessage.ExplainAnswer) m).toList();
  }

  @Test
  void explainFromAChild_answeredWithThePath_atMostTheRatePerSecond_theRestCounted()
      throws Exception {
    int rate = RoutingSettings.defaults().budget().explainsPerSecond();
    for (int i = 0; i < rate + 3; i++) {
      receive(link1, new RoutingMessage.ExplainRequest(i, child1.address(), child2.address(), 32));
    }
    settle();

    List<RoutingMessage.ExplainAnswer> answers = explainAnswers(link1);
    assertThat(answers).hasSize(rate);
    assertThat(answers.get(0).decision()).isEqualTo(RoutingMessage.ExplainAnswer.Decision.FORWARD);
    assertThat(answers.get(0).hops()).extracting(RoutingMessage.ExplainHop::node)
        .containsExactly(child2.address());
    assertThat(engine.node().counters().dropped(
        io.staex.routing.RoutingCounters.Drop.EXPLAIN_LIMITED)).isEqualTo(3);

    clock.advance(Duration.ofSeconds(1));
    receive(link1, new RoutingMessage.ExplainRequest(99, child1.address(), child2.address(), 32));
    settle();
    assertThat(explainAnswers(link1)).hasSize(rate + 1);
    assertThat(link1.closed).isFalse();
  }

  @Test
  void explainInAnotherChildsName_droppedUnansweredAndCounted() throws Exception {
    receive(link1, new RoutingMessage.ExplainRequest(1, child2.address(), child2.address(), 32));
    settle();

    assertThat(explainAnswers(link1)).isEmpty();
    assertThat(explainAnswers(link2)).isEmpty();
    assertThat(engine.node().counters().dropped(
        io.staex.routing.RoutingCounters.Drop.EXPLAIN_FORGED)).isEqualTo(1);
  }

  @Test
  void explainUp_atTheRoot_completesAtOnceAndEmpty_itDecidesItself() {
    CompletableFuture<io.staex.proxy.relay.Relay.ExplainTrail> trail =
        engine.explainUp(child1.address(), Duration.ofSeconds(5));
    settle();
    assertThat(trail).isCompleted();
    assertThat(trail.join().answers()).isEmpty();
  }

  // ---- a renewed certificate on a live link (issue 16)

  static Certificate renewed(Node n, Identity network, Optional<String> name, Set<String> roles,
      Duration validFor) {
    return Certificate.issue(network, n.address(), name, roles, NOW.minus(Duration.ofHours(1)),
        NOW.plus(validFor), Seeded.random(77));
  }

  @Test
  void renewedCertificatePresented_isTaken_andTheLinkOutlivesTheOldEnd() throws Exception {
    Certificate next = renewed(child1, NETWORK, Optional.empty(), Set.of(), Duration.ofDays(10));
    receive(link1, new RoutingMessage.PresentCertificate(next));
    settle();
    assertThat(link1.peerCertificate()).isEqualTo(next);
    assertThat(counters.linkCertificatesRenewed()).isEqualTo(1);

    // Past the old certificates' end (one day): link2's ends, link1's does not.
    clock.advance(Duration.ofDays(2));
    settle();
    assertThat(link2.closed).as("the link whose certificate was not renewed").isTrue();
    assertThat(link1.closed).as("the link whose peer presented its renewed one").isFalse();
    assertThat(counters.linksClosedExpired()).isEqualTo(1);
    // and it ends at the new end
    clock.advance(Duration.ofDays(9));
    settle();
    assertThat(link1.closed).isTrue();
  }

  @Test
  void certificateForAnotherKeyNetworkRolesOrExpired_refusedCounted_linkKeepsItsOwnEnd()
      throws Exception {
    Identity otherNetwork = Identity.generate(Seeded.random(78));
    List<Certificate> hostile = List.of(
        renewed(child2, NETWORK, Optional.empty(), Set.of(), Duration.ofDays(10)), // other key
        renewed(child1, otherNetwork, Optional.empty(), Set.of(), Duration.ofDays(10)),
        renewed(child1, NETWORK, Optional.empty(), Set.of("relay"), Duration.ofDays(10)),
        renewed(child1, NETWORK, Optional.of("other"), Set.of(), Duration.ofDays(10)),
        Certificate.issue(NETWORK, child1.address(), Optional.empty(), Set.of(),
            NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(2)), Seeded.random(79)));
    for (Certificate c : hostile) {
      receive(link1, new RoutingMessage.PresentCertificate(c));
    }
    settle();

    assertThat(counters.dropped(Drop.CERTIFICATE_REFUSED)).isEqualTo(hostile.size());
    assertThat(link1.peerCertificate()).isEqualTo(child1.certificate());
    assertThat(link1.closed).isFalse();
    clock.advance(Duration.ofDays(2));
    settle();
    assertThat(link1.closed).as("it still ends at its own certificate's end").isTrue();
  }

  @Test
  void malformedCertificateMessage_countedAndTheLinkClosed() throws Exception {
    byte[] bytes = RoutingCodec.encode(new RoutingMessage.PresentCertificate(
        renewed(child1, NETWORK, Optional.empty(), Set.of(), Duration.ofDays(10))));
    bytes[bytes.length / 2] ^= 0x55;
    engine.frame(link1, new LinkFrame.Routing(false, FrameBytes.copyOf(bytes)));
    settle();

    assertThat(counters.dropped(Drop.ROUTING_BAD_MESSAGE)
        + counters.dropped(Drop.CERTIFICATE_REFUSED)).isEqualTo(1);
    assertThat(link1.peerCertificate()).isEqualTo(child1.certificate());
  }

  @Test
  void renewingThisNodesCertificate_presentsItOnEveryLiveLink() throws Exception {
    Certificate next = renewed(root, NETWORK, Optional.empty(), Set.of(), Duration.ofDays(10));
    engine.renewCertificate(next);
    settle();

    for (FakeLink link : List.of(link1, link2)) {
      assertThat(link.routingMessages()).contains(new RoutingMessage.PresentCertificate(next));
    }
  }

  /**
   * Issue 14, root-kill at 50 nodes: a failover is when links are most congested (streams move
   * onto the new path with what the old one lost), and routing messages used to be dropped as
   * {@code QUEUE_FULL} with the packets; a lost view, withdrawal or rank left views wrong until
   * the next refresh (packets refused as spoofed, routes missing). Now only packets are.
   */
  @Test
  void routingMessageForALinkWithFullQueue_isSentAnyway_packetsAreStillDropped() throws Exception {
    link2.queued = RelayTestSettings.LINK_QUEUE_BYTES;
    Certificate next = renewed(root, NETWORK, Optional.empty(), Set.of(), Duration.ofDays(10));
    engine.renewCertificate(next);
    engine.frame(link1, LinkFrame.Packet.of(child2.key(), child1.key(), List.of(), bytes(10)));
    settle();

    assertThat(link2.routingMessages()).contains(new RoutingMessage.PresentCertificate(next));
    assertThat(link2.sent).isEmpty();
    assertThat(counters.dropped(Drop.QUEUE_FULL)).isEqualTo(1);
    assertThat(link2.closed).isFalse();
  }

  @Test
  void routingBacklogBeyondItsBound_closesTheLink_counted() throws Exception {
    link2.queued = RelayTestSettings.LINK_QUEUE_BYTES + RelayEngine.MAX_ROUTING_BACKLOG_BYTES;
    Certificate next = renewed(root, NETWORK, Optional.empty(), Set.of(), Duration.ofDays(10));
    engine.renewCertificate(next);
    settle();

    assertThat(link2.closed).as("a peer that does not read its routing").isTrue();
    assertThat(counters.dropped(Drop.ROUTING_BACKLOG)).isEqualTo(1);
    assertThat(link1.routingMessages()).contains(new RoutingMessage.PresentCertificate(next));
    assertThat(link1.closed).isFalse();
  }
}
