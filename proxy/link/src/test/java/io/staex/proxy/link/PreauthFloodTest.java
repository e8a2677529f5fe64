package io.staex.proxy.link;

import static io.staex.proxy.link.LinkFixtures.CALM;
import static io.staex.proxy.link.LinkFixtures.HANDSHAKES;
import static io.staex.proxy.link.LinkFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.staex.proxy.link.LinkFixtures.Recorder;
import io.staex.proxy.loop.Transports;
import io.staex.testing.fixtures.TestNetwork;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's pre-authentication attack carried out against a real {@link LinkServer}: silent
 * TCP connections, as many as the attacker can hold, from addresses in other /24s of loopback
 * (Linux routes all of 127.0.0.0/8 to lo), while a member dials from 127.0.0.1.
 */
class PreauthFloodTest {
  private static final Logger log = LoggerFactory.getLogger(PreauthFloodTest.class);
  static final TestNetwork NETWORK = TestNetwork.seeded(31);
  static final LinkCredentials ROOT = LinkFixtures.credentials(NETWORK.member(1));
  static final LinkCredentials CHILD = LinkFixtures.credentials(NETWORK.member(2));
  /** The root: max-links = 8. */
  static final int MAX_LINKS = 8;
  /** Flood prefixes (127.0.1.0/24 … 127.0.6.0/24): the "about six sources". */
  static final int FLOOD_PREFIXES = 6;
  /** Addresses used in each flood prefix. */
  static final int FLOOD_ADDRESSES = 4;
  /** Connections the flood keeps trying to hold from each address. */
  static final int SLOTS_PER_ADDRESS = 4;

  static EventLoopGroup group;
  static EventLoopGroup floodGroup;

  @BeforeAll
  static void startGroups() {
    group = Transports.newEventLoopGroup(2);
    floodGroup = Transports.newEventLoopGroup(1);
  }

  @AfterAll
  static void stopGroups() {
    floodGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  static LinkServer server(LinkCredentials creds, StartupLimits startups, Recorder listener) {
    // A node's link settings: the whole handshake may take 10 s, the first message 2 s.
    return LinkServer.start(group, new InetSocketAddress("127.0.0.1", 0), creds,
        LinkTestSettings.link(), MAX_LINKS, HANDSHAKES, startups, listener);
  }

  /**
   * Holds silent connections: each slot connects from its local address, says nothing, and when
   * the server closes it (or refuses it) connects again after {@code pause}, until closed.
   */
  static final class Flood implements AutoCloseable {
    final InetSocketAddress target;
    final Duration pause;
    final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final AtomicLong attempts = new AtomicLong();
    volatile boolean running = true;

    Flood(InetSocketAddress target, Duration pause) {
      this.target = target;
      this.pause = pause;
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the attacker does not check its connects
    void slot(InetAddress local) {
      if (!running) {
        return;
      }
      attempts.incrementAndGet();
      ChannelFuture f = new Bootstrap().group(floodGroup)
          .channel(Transports.socketChannelType(floodGroup))
          .option(ChannelOption.SO_LINGER, 0) // a reset, not TIME_WAIT: ports stay free
          .handler(new ChannelInboundHandlerAdapter())
          .connect(target, new InetSocketAddress(local, 0));
      f.addListener((ChannelFutureListener) done -> {
        Channel ch = done.channel();
        if (done.isSuccess()) {
          channels.add(ch);
        }
        ch.closeFuture().addListener(c -> floodGroup.schedule(
            () -> slot(local), pause.toMillis(), TimeUnit.MILLISECONDS));
      });
    }

    int open() {
      return channels.size();
    }

    @Override
    public void close() {
      running = false;
      channels.close().awaitUninterruptibly();
    }
  }

  @Test
  void silentFloodFromSixOtherSlash24s_childStillLinksWithinTwoSeconds() throws Exception {
    Recorder rootSide = new Recorder();
    try (LinkServer server = server(ROOT, LinkTestSettings.startups(), rootSide);
        Flood flood = new Flood(server.localAddress(), Duration.ofMillis(50))) {
      // One link before the flood, so that the 2 s measured below is not the JVM's first
      // handshake (class loading, cold crypto code) on a loaded machine.
      Recorder warmSide = new Recorder();
      try (ParentConnector warm = ParentConnector.start(group, server.localAddress(),
          address(ROOT), CHILD, CALM, LinkTestSettings.backoff(), warmSide)) {
        warmSide.up();
        rootSide.up();
      }
      rootSide.down();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.links() == 0);
      for (int p = 1; p <= FLOOD_PREFIXES; p++) {
        for (int a = 1; a <= FLOOD_ADDRESSES; a++) {
          InetAddress local = InetAddress.getByName("127.0." + p + "." + a);
          for (int s = 0; s < SLOTS_PER_ADDRESS; s++) {
            flood.slot(local);
          }
        }
      }
      // The flood holds what it can: 8 per /24 on the fixed code (48 startups), every link
      // slot on the old one (which counted handshakes against max-links, rate per address).
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> flood.attempts.get() >= FLOOD_PREFIXES * FLOOD_ADDRESSES
              * SLOTS_PER_ADDRESS && server.counters().acceptRefusals() > 0);
      log.info("flood holds {} connections after {} attempts; server: {}", flood.open(),
          flood.attempts.get(), server.counters());

      Recorder childSide = new Recorder();
      long dialled = System.nanoTime();
      try (ParentConnector child = ParentConnector.start(group, server.localAddress(),
          address(ROOT), CHILD, CALM, LinkTestSettings.backoff(), childSide)) {
        Link up = childSide.ups.poll(2, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - dialled) / 1_000_000;
        log.info("child linked after {} ms (flood open {}, attempts {}); server: {}", tookMs,
            flood.open(), flood.attempts.get(), server.counters());
        assertThat(up).as("child link within 2 s while the flood runs").isNotNull();
        assertThat(rootSide.up().peer()).isEqualTo(address(CHILD));
        assertThat(server.counters().linksUp()).isEqualTo(2);
        assertThat(server.links()).isEqualTo(1);
      }

      // The silent connections lose their slot at the first-message deadline (2 s), and the
      // refusals are counted by reason; the tables stay bounded.
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> server.counters().firstMessageTimeouts() > 0);
      LinkCounters c = server.counters();
      log.info("after the flood: {}", c);
      assertThat(c.startupsPrefixFull() + c.connectionsRateLimited()).isPositive();
      assertThat(c.connectionsRefused()).isZero();
      assertThat(c.handshakeTimeouts()).isZero();
      assertThat(server.startups()).isLessThanOrEqualTo(FLOOD_PREFIXES * 8 + 1);
      assertThat(server.startupPrefixes()).isLessThanOrEqualTo(FLOOD_PREFIXES + 1);
      assertThat(server.ratePrefixes()).isLessThanOrEqualTo(FLOOD_PREFIXES + 1);
    }
  }

  @Test
  void silentAndTricklingClients_closedAtTheFirstMessageDeadline() throws Exception {
    StartupLimits quick = new StartupLimits(10, 30, 64, 8, Duration.ofMillis(300));
    try (LinkServer server = server(ROOT, quick, new Recorder());
        Socket silent = new Socket();
        Socket trickle = new Socket()) {
      silent.connect(server.localAddress(), 2000);
      trickle.connect(server.localAddress(), 2000);
      trickle.getOutputStream().write(new byte[] {0, 60, 1, 2}); // 4 of a 62-byte message
      trickle.getOutputStream().flush();
      silent.setSoTimeout(5000);
      trickle.setSoTimeout(5000);
      long t0 = System.nanoTime();
      assertThat(readUntilClosed(silent.getInputStream())).isEqualTo(-1);
      assertThat(readUntilClosed(trickle.getInputStream())).isEqualTo(-1);
      log.info("silent and trickling clients closed after {} ms",
          (System.nanoTime() - t0) / 1_000_000);
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> server.counters().firstMessageTimeouts() == 2);
      // closed by the 300 ms deadline, not the 10 s handshake timeout
      assertThat(server.counters().handshakeTimeouts()).isZero();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.startups() == 0);
    }
  }

  /** -1 once the server closed the connection (or reset it). */
  static int readUntilClosed(InputStream in) {
    try {
      return in.read();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
