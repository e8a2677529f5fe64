package io.staex.proxy.relay;

import static io.staex.proxy.relay.RelayBackpressureTest.payload;
import static io.staex.proxy.relay.RelayTest.address;
import static io.staex.proxy.relay.RelayTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.proxy.link.Link;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.LinkServer;
import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.loop.Transports;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The send gate on 127.0.0.1: a leaf {@link Relay} sends its own packets up to its parent, a
 * plain {@link LinkServer} (own event loop group) that stops reading its socket. The leaf's
 * handler must hear {@code sendPaused}, and a sender that ignores it must hear {@code
 * unreachable(CONGESTED)} for every packet dropped.
 */
class RelaySendGateTest {
  static final LinkCredentials SENDER = RelayTest.node(40);
  static final LinkCredentials RECEIVER = RelayTest.node(41);
  static final LinkSettings LINKS = RelayBackpressureTest.LINKS;
  static final int COUNT = RelayBackpressureTest.COUNT;
  static final NodeKey TO = NodeKey.of(address(RECEIVER));
  static final NodeKey FROM = NodeKey.of(address(SENDER));

  EventLoopGroup senderGroup;
  EventLoopGroup receiverGroup;
  LinkServer receiver;
  Relay sender;
  final Recorder handler = new Recorder();
  final Sink receiverSide = new Sink();

  /** What the sender's relay told its handler. */
  static final class Recorder implements RelayHandler {
    final AtomicInteger pauses = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();
    final ConcurrentLinkedQueue<UnreachableReason> unreachable = new ConcurrentLinkedQueue<>();

    @Override
    public void packet(NodeKey source, FrameBytes payload) {}

    @Override
    public void unreachable(NodeKey destination, UnreachableReason reason) {
      unreachable.add(reason);
    }

    /** Run on the relay's loop at each {@code sendResumed}; may be null. */
    volatile Runnable onResumed;
    /** The gate as the last event said; the relay's loop only. */
    boolean paused;

    @Override
    public void sendPaused() {
      paused = true;
      pauses.incrementAndGet();
    }

    @Override
    public void sendResumed() {
      paused = false;
      resumes.incrementAndGet();
      Runnable r = onResumed;
      if (r != null) {
        r.run();
      }
    }
  }

  /** The receiver's link and the packets on it. */
  static final class Sink extends RelayBackpressureTest.Sink {
    final AtomicReference<Link> link = new AtomicReference<>();

    @Override
    public void linkUp(Link l) {
      link.set(l);
    }
  }

  @BeforeAll
  static void watchLeaks() {
    io.staex.testing.LeakWatch.install();
  }

  @AfterAll
  static void noLeaks() throws InterruptedException {
    io.staex.testing.LeakWatch.assertNoLeaks();
  }

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    for (EventLoopGroup g : new EventLoopGroup[] {senderGroup, receiverGroup}) {
      if (g != null) {
        g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  /** Starts both ends with {@code settings} on the sender; returns the receiver's link, paused. */
  Link startPaused(RelaySettings settings) throws InterruptedException {
    senderGroup = Transports.newEventLoopGroup(2);
    receiverGroup = Transports.newEventLoopGroup(1);
    receiver = LinkServer.start(receiverGroup, new InetSocketAddress("127.0.0.1", 0), RECEIVER,
        settings.link(), 8, settings.handshakesPerSecondPerSource(), settings.startups(),
        receiverSide);
    sender = Relay.start(senderGroup, SENDER, settings.withParents(
        List.of(new Relay.Parent(address(RECEIVER), receiver.localAddress()))),
        Clock.systemUTC(), handler);
    awaitTrue("the sender's parent is up", Duration.ofSeconds(20),
        () -> receiverSide.link.get() != null && sender.activeParent().isPresent());
    Link in = receiverSide.link.get();
    in.setReading(false);
    return in;
  }

  @Test
  void receiverStopsReading_senderPaused_nothingLost_thenResumedAndAllArriveInOrder()
      throws Exception {
    Link in = startPaused(RelayTestSettings.relay().withLink(LINKS).withBackoff(RelayTest.QUICK));
    // The sender offers on the relay's loop, driven by the gate's events: each send is handled
    // at once, so sendPaused comes inside the send that closed the gate and the offer stops;
    // sendResumed goes on. No thread, no polling of isSendPaused.
    int[] offered = {0};
    handler.onResumed = () -> {
      while (offered[0] < COUNT && !handler.paused) {
        int i = offered[0]++;
        sender.send(TO, FrameBytes.copyOf(payload(i)));
      }
    };
    sender.loop().execute(handler.onResumed);

    RelayCounters counters = sender.counters();
    awaitTrue("sendPaused", Duration.ofSeconds(30), () -> handler.pauses.get() > 0);
    // Two read timeouts (keepalives 200 ms × 3) pass on the receiver's paused link: the gate
    // stays shut meanwhile, nothing is dropped, the link stays up.
    awaitTrue("read timeouts passed on the paused link", Duration.ofSeconds(30),
        () -> receiver.counters().pausedReadIdles() >= 2);
    assertThat(sender.isSendPaused()).isTrue();
    assertThat(sender.loop().submit(() -> offered[0]).get(10, TimeUnit.SECONDS))
        .as("the sender is held back: %s, received %d", counters, receiverSide.packets.size())
        .isLessThan(COUNT);
    assertThat(receiverSide.packets.size()).isLessThan(COUNT);
    assertThat(counters.dropped()).as(counters.toString()).isZero();
    assertThat(handler.unreachable).isEmpty();
    assertThat(receiverSide.downs).isEmpty();

    in.setReading(true);
    awaitTrue("all packets arrived", Duration.ofSeconds(60),
        () -> receiverSide.packets.size() == COUNT);
    assertThat(sender.loop().submit(() -> offered[0]).get(10, TimeUnit.SECONDS)).isEqualTo(COUNT);
    int i = 0;
    for (LinkFrame.Packet p : receiverSide.packets) {
      assertThat(p.source()).isEqualTo(FROM);
      assertThat(p.payload().toByteArray()).as("packet %d", i).isEqualTo(payload(i));
      i++;
    }
    awaitTrue("sendResumed", Duration.ofSeconds(5),
        () -> handler.resumes.get() == handler.pauses.get());
    assertThat(sender.isSendPaused()).isFalse();
    assertThat(counters.sendPauses()).isEqualTo(handler.pauses.get());
    assertThat(counters.sendResumes()).isEqualTo(handler.resumes.get());
    assertThat(counters.dropped()).as(counters.toString()).isZero();
    assertThat(counters.maxLinkQueuedBytes()).isLessThanOrEqualTo(4L * 1024 * 1024);
    assertThat(handler.unreachable).isEmpty();
    assertThat(receiverSide.downs).isEmpty();
  }

  @Test
  void senderIgnoresTheGate_linkQueueBytesReached_everyDropReportedCongested() throws Exception {
    LinkSettings small = LINKS.withWriteBufferWaterMarks(32 * 1024, 64 * 1024);
    long bound = 256 * 1024;
    Link in = startPaused(RelayTestSettings.relay().withLink(small).withBackoff(RelayTest.QUICK)
        .withLinkQueueBytes(bound));
    for (int i = 0; i < COUNT; i++) {
      sender.send(TO, FrameBytes.copyOf(payload(i)));
    }
    RelayCounters counters = sender.counters();
    awaitTrue("every packet handled by the sender's relay", Duration.ofSeconds(30),
        () -> counters.originated() == COUNT);
    assertThat(handler.pauses.get()).as("the gate closed").isPositive();
    assertThat(counters.dropped(RelayCounters.Drop.QUEUE_FULL)).as(counters.toString())
        .isPositive();
    assertThat(counters.maxLinkQueuedBytes()).isLessThanOrEqualTo(bound);

    in.setReading(true);
    awaitTrue("every packet arrived or was reported", Duration.ofSeconds(30),
        () -> receiverSide.packets.size() + handler.unreachable.size() == COUNT);
    assertThat(handler.unreachable).containsOnly(UnreachableReason.CONGESTED)
        .hasSize((int) counters.dropped(RelayCounters.Drop.QUEUE_FULL));
    assertThat(counters.dropped()).isEqualTo(counters.dropped(RelayCounters.Drop.QUEUE_FULL));
  }
}
