package io.staex.proxy.link;

import io.staex.proxy.loop.Transports;
import static io.staex.proxy.link.LinkFixtures.CALM;
import static io.staex.proxy.link.LinkFixtures.FAST;
import static io.staex.proxy.link.LinkFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.link.LinkFixtures.Recorder;
import io.staex.testing.fixtures.TestNetwork;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server against a hand-driven peer that misbehaves in one way per test. */
class LinkBadInputTest {
  static EventLoopGroup group;
  static final TestNetwork NETWORK = TestNetwork.seeded(1);
  static final LinkCredentials SERVER = LinkFixtures.credentials(NETWORK.member(20));
  static final LinkCredentials PEER = LinkFixtures.credentials(NETWORK.member(21));
  static final LinkFrame HELLO = new LinkFrame.Routing(false, FrameBytes.copyOf(new byte[] {1, 2}));

  Recorder serverSide;
  LinkServer server;
  RawPeer peer;

  @BeforeAll
  static void startGroup() {
    io.staex.testing.LeakWatch.install();
    group = Transports.newEventLoopGroup(1);
  }

  @AfterAll
  static void stopGroup() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    io.staex.testing.LeakWatch.assertNoLeaks();
  }

  /** A server with keepalives of {@code settings} and a 300 ms handshake timeout. */
  void start(LinkSettings settings) throws Exception {
    serverSide = new Recorder();
    server = LinkServer.start(group, new InetSocketAddress("127.0.0.1", 0), SERVER,
        settings.withHandshakeTimeout(Duration.ofMillis(300)), 8, LinkFixtures.HANDSHAKES,
        LinkTestSettings.startups(), serverSide);
    peer = new RawPeer(server.localAddress());
  }

  @AfterEach
  void stop() throws Exception {
    if (peer != null) {
      peer.close();
    }
    if (server != null) {
      server.close();
    }
  }

  void linkUp() throws Exception {
    peer.handshake(PEER, address(SERVER));
    peer.send(peer.record(List.of(new LinkFrame.Keepalive())));
    assertThat(serverSide.up().peer()).isEqualTo(address(PEER));
  }

  @Test
  void silentPeer_closedForKeepaliveTimeoutWithinIntervalTimesMissed() throws Exception {
    start(FAST);
    linkUp();
    long start = System.nanoTime();
    assertThat(serverSide.down()).isEqualTo("keepalive timeout");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(millis).isBetween(250L, 2000L);
    assertThat(server.counters().keepaliveTimeouts()).isEqualTo(1);
  }

  @Test
  void pausedReading_silentPeerKeptUpWhilePaused_thenTimedOutAfterResume() throws Exception {
    start(FAST.withKeepalive(Duration.ofMillis(200), 3));
    peer.handshake(PEER, address(SERVER));
    peer.send(peer.record(List.of(new LinkFrame.Keepalive())));
    Link link = serverSide.up();
    link.setReading(false);
    assertThat(link.isReading()).isFalse();
    // Three read timeouts of silence while paused (ours, not the peer's): up all along.
    Awaitility.await("three read timeouts pass on the paused link").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> server.counters().pausedReadIdles() >= 3);
    assertThat(serverSide.downs).isEmpty();
    assertThat(link.isActive()).isTrue();
    assertThat(server.counters().keepaliveTimeouts()).isZero();
    long resumed = System.nanoTime();
    link.setReading(true);
    assertThat(link.isReading()).isTrue();
    // The peer is still silent: found one full read timeout (600 ms) after resuming, not at once.
    assertThat(serverSide.down()).isEqualTo("keepalive timeout");
    long millis = (System.nanoTime() - resumed) / 1_000_000;
    assertThat(millis).isBetween(450L, 3000L);
  }

  @Test
  void handshakeWithoutConfirmingRecord_linkNeverUpAndClosedBySilence() throws Exception {
    start(FAST);
    peer.handshake(PEER, address(SERVER));
    assertThat(peer.closedByServer()).isTrue();
    assertThat(serverSide.ups).isEmpty();
    assertThat(serverSide.downs).isEmpty();
    assertThat(server.counters().keepaliveTimeouts()).isEqualTo(1);
    assertThat(server.counters().linksUp()).isZero();
  }

  @Test
  void flippedBit_closesLinkWithoutDeliveringTheFrame() throws Exception {
    start(CALM);
    linkUp();
    peer.send(peer.record(List.of(HELLO)));
    assertThat(serverSide.frame()).isEqualTo(HELLO);
    byte[] bad = peer.record(List.of(HELLO));
    bad[bad.length - 20] ^= 0x08;
    peer.send(bad);
    assertThat(serverSide.down()).isEqualTo("bad record");
    assertThat(serverSide.frames).isEmpty();
    assertThat(server.counters().badRecords()).isEqualTo(1);
    assertThat(peer.closedByServer()).isTrue();
  }

  @Test
  void changedLengthField_closesLink() throws Exception {
    start(CALM);
    linkUp();
    byte[] record = peer.record(List.of(HELLO, HELLO));
    byte[] shorter = java.util.Arrays.copyOf(record, record.length - 1);
    ByteBuffer.wrap(shorter).putInt(0, record.length - 5);
    peer.send(shorter);
    assertThat(serverSide.down()).isEqualTo("bad record");
    assertThat(serverSide.frames).isEmpty();
  }

  @Test
  void replayedRecord_closesLink() throws Exception {
    start(CALM);
    linkUp();
    byte[] record = peer.record(List.of(HELLO));
    peer.send(record);
    assertThat(serverSide.frame()).isEqualTo(HELLO);
    peer.send(record);
    assertThat(serverSide.down()).isEqualTo("bad record");
    assertThat(serverSide.frames).isEmpty();
  }

  @Test
  void lengthOverTheLimit_closesLink() throws Exception {
    start(CALM);
    linkUp();
    peer.send(ByteBuffer.allocate(4).putInt(LinkSettings.MAX_RECORD_SIZE + 1).array());
    assertThat(serverSide.down()).isEqualTo("bad record");
    assertThat(server.counters().badRecords()).isEqualTo(1);
    assertThat(peer.closedByServer()).isTrue();
  }

  @Test
  void framedGarbageBeforeHandshake_refused() throws Exception {
    start(CALM);
    byte[] garbage = new byte[200];
    new Random(5).nextBytes(garbage);
    ByteBuffer framed = ByteBuffer.allocate(202).putShort((short) 200).put(garbage);
    peer.send(framed.array());
    assertThat(peer.closedByServer()).isTrue();
    assertThat(server.counters().handshakesRefused()).isEqualTo(1);
    assertThat(serverSide.ups).isEmpty();
  }

  @Test
  void unframedGarbageBeforeHandshake_closedByHandshakeTimeout() throws Exception {
    start(CALM);
    peer.send(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
    assertThat(peer.closedByServer()).isTrue();
    assertThat(server.counters().handshakeTimeouts()).isEqualTo(1);
    assertThat(serverSide.ups).isEmpty();
  }

  @Test
  void silentConnection_closedByHandshakeTimeout() throws Exception {
    start(CALM);
    assertThat(peer.closedByServer()).isTrue();
    assertThat(server.counters().handshakeTimeouts()).isEqualTo(1);
  }
}
