package io.staex.proxy.link;

import io.staex.proxy.loop.Transports;
import static io.staex.proxy.link.LinkFixtures.CALM;
import static io.staex.proxy.link.LinkFixtures.HANDSHAKES;
import static io.staex.proxy.link.LinkFixtures.QUICK;
import static io.staex.proxy.link.LinkFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.proxy.TestSettings;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.link.LinkFixtures.Recorder;
import io.staex.testing.ManualClock;
import io.staex.testing.fixtures.TestNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes over real sockets on 127.0.0.1. */
class LinkTest {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LinkTest.class);

  static EventLoopGroup group;
  static final TestNetwork NETWORK = TestNetwork.seeded(1);
  static final TestNetwork OTHER_NETWORK = TestNetwork.seeded(2);
  static final LinkCredentials PARENT = LinkFixtures.credentials(NETWORK.member(10));
  static final LinkCredentials CHILD = LinkFixtures.credentials(NETWORK.member(11));
  static final LinkCredentials STRANGER = LinkFixtures.credentials(OTHER_NETWORK.member(12));
  static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void startGroup() {
    io.staex.testing.LeakWatch.install();
    group = Transports.newEventLoopGroup(2);
  }

  @AfterAll
  static void stopGroup() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    io.staex.testing.LeakWatch.assertNoLeaks();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  LinkServer server(LinkCredentials creds, InetSocketAddress bind, int maxLinks, Recorder r) {
    return closeLater(LinkServer.start(group, bind, creds, CALM, maxLinks, HANDSHAKES,
        TestSettings.startups(), r));
  }

  ParentConnector dial(LinkCredentials creds, InetSocketAddress to, LinkCredentials parent,
      Recorder r) {
    return closeLater(
        ParentConnector.start(group, to, address(parent), creds, CALM, QUICK, r));
  }

  static LinkFrame.Packet packet(Random random, int size) {
    byte[] payload = new byte[size];
    random.nextBytes(payload);
    return LinkFrame.Packet.of(NodeKey.of(address(PARENT)), NodeKey.of(address(CHILD)),
        List.of(), FrameBytes.copyOf(payload));
  }

  static LinkFrame.Routing routing(Random random, int size, boolean more) {
    byte[] chunk = new byte[size];
    random.nextBytes(chunk);
    return new LinkFrame.Routing(more, FrameBytes.copyOf(chunk));
  }

  @Test
  void twoNodes_linkUpAndExchangeFramesBothWays() throws Exception {
    Recorder parentSide = new Recorder();
    Recorder childSide = new Recorder();
    LinkServer server = server(PARENT, ANY, 8, parentSide);
    dial(CHILD, server.localAddress(), PARENT, childSide);

    Link toParent = childSide.up();
    Link toChild = parentSide.up();
    assertThat(toParent.peer()).isEqualTo(address(PARENT));
    assertThat(toChild.peer()).isEqualTo(address(CHILD));
    assertThat(toChild.peerCertificate()).isEqualTo(CHILD.certificate());

    Random random = new Random(7);
    List<LinkFrame> up = List.of(routing(random, 1, true), routing(random, 1000, false),
        packet(random, 0), packet(random, FrameLimits.MAX_PACKET_PAYLOAD), packet(random, 33));
    List<LinkFrame> down =
        List.of(packet(random, 5000), routing(random, FrameLimits.MAX_ROUTING_CHUNK, false));
    toParent.send(up);
    toChild.send(down);
    toChild.send(down.get(0));
    for (LinkFrame f : up) {
      assertThat(parentSide.frame()).isEqualTo(f);
    }
    for (LinkFrame f : down) {
      assertThat(childSide.frame()).isEqualTo(f);
    }
    assertThat(childSide.frame()).isEqualTo(down.get(0));
    assertThat(server.counters().linksUp()).isEqualTo(1);

    toParent.close();
    assertThat(childSide.down()).isEqualTo("closed locally");
    assertThat(parentSide.down()).isEqualTo("closed by peer");
  }

  @Test
  void childOfAnotherNetwork_refusedByServer() throws Exception {
    Recorder parentSide = new Recorder();
    Recorder childSide = new Recorder();
    LinkServer server = server(PARENT, ANY, 8, parentSide);
    ParentConnector c = dial(STRANGER, server.localAddress(), PARENT, childSide);
    waitFor(() -> server.counters().handshakesRefused() >= 2);
    assertThat(parentSide.ups).isEmpty();
    assertThat(childSide.ups).isEmpty();
    assertThat(c.link()).isEmpty();
    assertThat(c.counters().dials()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void parentOfAnotherNetwork_refusedByChild() throws Exception {
    Recorder parentSide = new Recorder();
    Recorder childSide = new Recorder();
    // The stranger trusts our network, but we do not trust its: the child refuses message 2.
    LinkCredentials trusting = new LinkCredentials(STRANGER.identity(), STRANGER.certificate(),
        io.staex.crypto.TrustPolicy.builder(OTHER_NETWORK.address())
            .trustNetwork(NETWORK.address()).build(),
        STRANGER.clock(), STRANGER.random());
    LinkServer server = server(trusting, ANY, 8, parentSide);
    ParentConnector c = dial(CHILD, server.localAddress(), STRANGER, childSide);
    waitFor(() -> c.counters().handshakesRefused() >= 2);
    assertThat(server.counters().handshakesRefused()).isZero();
    assertThat(childSide.ups).isEmpty();
    // IK: the responder's handshake is done when it sends message 2, but its link waits for
    // the first record (key confirmation), which never comes.
    assertThat(parentSide.ups).isEmpty();
  }

  @Test
  void dialledBeforeServerStarts_retriesUntilItLinksUp() throws Exception {
    LinkServer probe = LinkServer.start(group, ANY, PARENT, CALM, 1, HANDSHAKES,
        TestSettings.startups(), new Recorder());
    InetSocketAddress port = probe.localAddress();
    probe.close();
    Recorder childSide = new Recorder();
    ParentConnector c = dial(CHILD, port, PARENT, childSide);
    waitFor(() -> c.counters().dials() >= 3);
    assertThat(childSide.ups).isEmpty();
    Recorder parentSide = new Recorder();
    server(PARENT, port, 8, parentSide);
    assertThat(childSide.up().peer()).isEqualTo(address(PARENT));
    parentSide.up();
  }

  @Test
  void serverKilled_childSeesLinkDownAndRelinksToNewServerOnSamePort() throws Exception {
    Recorder parentSide = new Recorder();
    Recorder childSide = new Recorder();
    LinkServer first = LinkServer.start(group, ANY, PARENT, CALM, 8, HANDSHAKES,
        TestSettings.startups(), parentSide);
    InetSocketAddress port = first.localAddress();
    ParentConnector c = dial(CHILD, port, PARENT, childSide);
    childSide.up();
    first.close();
    // A FIN, or a reset if the server closed with our confirming record unread.
    assertThat(childSide.down()).isIn("closed by peer", "connection lost");
    waitFor(() -> c.link().isEmpty());
    Recorder again = new Recorder();
    server(PARENT, port, 8, again);
    Link relinked = childSide.up();
    again.up();
    LinkFrame hello = new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[] {42}));
    relinked.send(hello);
    assertThat(again.frame()).isEqualTo(hello);
  }

  @Test
  void parentThatWasUp_redialledAtMostRecentMaxApart_afterManyFailures() throws Exception {
    // A relay restarting on a loaded machine is back after seconds: doubling from 20 ms would
    // have its children wait 20 ms × 2^11 = 41 s after twelve failures. Within the recent
    // window they stay at most recentMax (100 ms here) apart, so twelve dials take ~1 s, and the
    // child links again at most ~100 ms after the parent listens again.
    RedialBackoff backoff = new RedialBackoff(Duration.ofMillis(20), Duration.ofSeconds(30),
        Duration.ofMillis(100), Duration.ofMinutes(1));
    Recorder childSide = new Recorder();
    LinkServer first = LinkServer.start(group, ANY, PARENT, CALM, 8, HANDSHAKES,
        TestSettings.startups(), new Recorder());
    InetSocketAddress port = first.localAddress();
    ParentConnector c = closeLater(
        ParentConnector.start(group, port, address(PARENT), CHILD, CALM, backoff, childSide));
    childSide.up();
    first.close();
    childSide.down();
    long dials = c.counters().dials();
    waitFor(() -> c.counters().dials() >= dials + 12);

    server(PARENT, port, 8, new Recorder());
    long start = System.nanoTime();
    childSide.up();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void recordsInTheSameSegmentAsMessage2_reachTheRecordPhase() throws Exception {
    try (java.net.ServerSocket listener =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Recorder childSide = new Recorder();
      dial(CHILD, (InetSocketAddress) listener.getLocalSocketAddress(), PARENT, childSide);
      try (RawPeer parent = new RawPeer(listener.accept())) {
        byte[] second = parent.respond(PARENT);
        LinkFrame first = new LinkFrame.Routing(true, FrameBytes.copyOf(new byte[] {1}));
        LinkFrame next = new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[] {2}));
        byte[] r1 = parent.record(List.of(first));
        byte[] r2 = parent.record(List.of(next));
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        all.write(second);
        all.write(r1);
        all.write(r2);
        parent.send(all.toByteArray());
        assertThat(childSide.up().peer()).isEqualTo(address(PARENT));
        assertThat(childSide.frame()).isEqualTo(first);
        assertThat(childSide.frame()).isEqualTo(next);
      }
    }
  }

  @Test
  void silentParent_keepaliveTimeoutThenRedial() throws Exception {
    try (java.net.ServerSocket listener =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Recorder childSide = new Recorder();
      ParentConnector c = closeLater(ParentConnector.start(group,
          (InetSocketAddress) listener.getLocalSocketAddress(), address(PARENT), CHILD,
          LinkFixtures.FAST, QUICK, childSide));
      try (RawPeer parent = new RawPeer(listener.accept())) {
        parent.send(parent.respond(PARENT));
        childSide.up();
        long start = System.nanoTime();
        assertThat(childSide.down()).isEqualTo("keepalive timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3000L);
        assertThat(c.counters().keepaliveTimeouts()).isEqualTo(1);
        listener.setSoTimeout(5000);
        listener.accept().close(); // it dials again
      }
    }
  }

  @Test
  void listenerThrows_linkStaysUp() throws Exception {
    Recorder childSide = new Recorder();
    Recorder parentSide = new Recorder() {
      @Override
      public void frame(Link link, LinkFrame frame) {
        super.frame(link, frame);
        throw new IllegalStateException("listener bug");
      }
    };
    LinkServer server = server(PARENT, ANY, 8, parentSide);
    dial(CHILD, server.localAddress(), PARENT, childSide);
    Link link = childSide.up();
    LinkFrame one = new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[] {1}));
    link.send(one);
    link.send(one);
    assertThat(parentSide.frame()).isEqualTo(one);
    assertThat(parentSide.frame()).isEqualTo(one);
    assertThat(link.isActive()).isTrue();
    assertThat(parentSide.downs).isEmpty();
  }

  @Test
  void maxLinksReached_nextConnectionRefused() throws Exception {
    Recorder parentSide = new Recorder();
    LinkServer server = server(PARENT, ANY, 1, parentSide);
    dial(CHILD, server.localAddress(), PARENT, new Recorder());
    parentSide.up();
    LinkCredentials second = LinkFixtures.credentials(NETWORK.member(13));
    Recorder secondSide = new Recorder();
    dial(second, server.localAddress(), PARENT, secondSide);
    waitFor(() -> server.counters().connectionsRefused() >= 1);
    assertThat(secondSide.ups).isEmpty();
  }

  @Test
  void tenConnectionsAtOnceFromOneAddress_limitThree_sevenClosedAtOnce_laterOneLinksUp()
      throws Exception {
    ManualClock clock = new ManualClock(Instant.now());
    LinkCredentials parent = new LinkCredentials(PARENT.identity(), PARENT.certificate(),
        PARENT.policy(), clock, PARENT.random());
    Recorder parentSide = new Recorder();
    LinkServer server = closeLater(LinkServer.start(group, ANY, parent, CALM, 64, 3,
        TestSettings.startups(), parentSide));
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(server.localAddress(), 2000);
      }
      waitFor(() -> server.counters().connectionsRateLimited() >= 7);
      int closed = 0;
      for (Socket s : sockets) {
        s.setSoTimeout(300);
        try {
          if (s.getInputStream().read() < 0) {
            closed++;
          }
        } catch (SocketTimeoutException e) {
          // open: the server waits for handshake message 1
        } catch (IOException e) {
          closed++; // reset
        }
      }
      assertThat(closed).isEqualTo(7);
      assertThat(server.counters().connectionsRateLimited()).isEqualTo(7);
      assertThat(server.counters().connectionsRefused()).isZero();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }

    clock.advance(Duration.ofSeconds(1));
    Recorder childSide = new Recorder();
    dial(CHILD, server.localAddress(), PARENT, childSide);
    childSide.up();
    parentSide.up();
    assertThat(server.counters().connectionsRateLimited()).isEqualTo(7);
  }

  @Test
  void hundredMegabytesOfPackets_arriveComplete() throws Exception {
    long total = Long.getLong("staex.linkTest.bytes", 100L << 20);
    java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.Semaphore drained = new java.util.concurrent.Semaphore(0);
    Recorder childSide = new Recorder() {
      @Override
      public void writabilityChanged(Link link) {
        if (link.isWritable()) {
          drained.release();
        }
      }
    };
    LinkListener counting = new Recorder() {
      @Override
      public void frame(Link link, LinkFrame frame) {
        if (received.addAndGet(((LinkFrame.Packet) frame).payload().size()) >= total) {
          done.countDown();
        }
      }
    };
    // Default keepalives: on a shared 2-core machine a cold JIT can stall a loop for 300 ms.
    LinkServer server = closeLater(
        LinkServer.start(group, ANY, PARENT, TestSettings.link(), 8, HANDSHAKES,
            TestSettings.startups(), counting));
    closeLater(ParentConnector.start(group, server.localAddress(), address(PARENT), CHILD,
        TestSettings.link(), QUICK, childSide));
    Link link = childSide.up();
    LinkFrame.Packet p = packet(new Random(3), FrameLimits.MAX_PACKET_PAYLOAD);
    List<LinkFrame> batch = java.util.Collections.nCopies(16, p);
    long sent = 0;
    long start = System.nanoTime();
    while (sent < total) {
      while (!link.isWritable()) {
        drained.tryAcquire(1, TimeUnit.SECONDS); // woken by writabilityChanged
      }
      int n = (int) Math.min(16, (total - sent + p.payload().size() - 1) / p.payload().size());
      link.send(batch.subList(0, n));
      sent += (long) n * p.payload().size();
    }
    boolean complete = done.await(60, TimeUnit.SECONDS);
    log.info("throughput: sent " + sent + " received " + received.get() + " in "
        + (System.nanoTime() - start) / 1_000_000 + " ms on " + System.getProperty("java.version")
        + ", link active " + link.isActive());
    assertThat(complete).isTrue();
    assertThat(received.get()).isEqualTo(sent);
  }

  /**
   * Records handed to a link from another thread count at once (Netty's write task adds their
   * size at submit, {@code LinkMessageSizes}): the link is unwritable before its loop ran a single
   * write, and the one event that says it drained is {@code writabilityChanged}.
   */
  @Test
  void recordsSentFromAnotherThread_countAtOnce_untilWritabilityChanged() throws Exception {
    java.util.concurrent.CountDownLatch loopHeld = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    BlockingQueue<Boolean> writability = new java.util.concurrent.LinkedBlockingQueue<>();
    Recorder childSide = new Recorder() {
      @Override
      public void frame(Link link, LinkFrame frame) {
        loopHeld.countDown(); // hold the child link's loop: nothing it was handed is written
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void writabilityChanged(Link link) {
        writability.add(link.isWritable());
      }
    };
    Recorder parentSide = new Recorder();
    LinkServer server = closeLater(
        LinkServer.start(group, ANY, PARENT, TestSettings.link(), 8, HANDSHAKES,
            TestSettings.startups(), parentSide));
    closeLater(ParentConnector.start(group, server.localAddress(), address(PARENT), CHILD,
        TestSettings.link(), QUICK, childSide));
    Link toParent = childSide.up();
    parentSide.up().send(packet(new Random(5), 10));
    assertThat(loopHeld.await(5, TimeUnit.SECONDS)).isTrue();

    LinkFrame.Packet p = packet(new Random(6), FrameLimits.MAX_PACKET_PAYLOAD);
    int n = TestSettings.WRITE_BUFFER_HIGH / p.payload().size() + 2;
    toParent.send(java.util.Collections.nCopies(n, p));
    assertThat(toParent.queuedBytes()).isGreaterThan(TestSettings.WRITE_BUFFER_HIGH);
    assertThat(toParent.isWritable()).as("past the high mark at submit").isFalse();

    release.countDown();
    assertThat(writability.poll(5, TimeUnit.SECONDS)).as("the event of going past").isFalse();
    assertThat(writability.poll(5, TimeUnit.SECONDS)).as("the drain's event").isTrue();
    assertThat(toParent.isWritable()).isTrue();
  }

  static void waitFor(java.util.function.BooleanSupplier condition) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
        .until(condition::getAsBoolean);
  }
}
