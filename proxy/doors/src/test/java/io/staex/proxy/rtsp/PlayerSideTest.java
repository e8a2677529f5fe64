package io.staex.proxy.rtsp;

import static io.staex.proxy.rtsp.Loopback.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.staex.proxy.loop.Transports;
import io.staex.testing.LeakWatch;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PlayerSide} in a real accepted socket's pipeline on loopback: the test is the player
 * (a TCP socket and UDP ports) and, through {@link RtspPipe}, the stream to the gateway.
 */
class PlayerSideTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static EventLoopGroup group;
  private Channel server;
  private RtspPipe pipe;
  private Socket player;
  private InputStream in;
  private OutputStream out;

  @BeforeAll
  static void loop() {
    LeakWatch.install();
    group = Transports.newEventLoopGroup(1);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    LeakWatch.assertNoLeaks();
  }

  @BeforeEach
  void accept() throws Exception {
    pipe = new RtspPipe();
    server = new ServerBootstrap().group(group).channel(Transports.serverChannelType(group))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            PlayerSide h = new PlayerSide(pipe, "test forward");
            pipe.handler = h;
            ch.pipeline().addLast(h, pipe);
          }
        }).bind(new InetSocketAddress(Loopback.IP, 0)).sync().channel();
    player = new Socket(Loopback.IP, ((InetSocketAddress) server.localAddress()).getPort());
    player.setSoTimeout(5000);
    in = player.getInputStream();
    out = player.getOutputStream();
  }

  @AfterEach
  void close() throws Exception {
    player.close();
    server.close().sync();
  }

  private void send(String text) throws Exception {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Test
  void udpSetup_asksInterleaved_replyNamesNodePorts_rtpAndRtcpByUdp() throws Exception {
    DatagramSocket[] udp = Loopback.udpPair();
    int a = udp[0].getLocalPort();
    send("SETUP rtsp://127.0.0.1:8554/test/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n"
        + "Transport: RTP/AVP/UDP;unicast;client_port=" + a + "-" + (a + 1) + "\r\n\r\n");

    assertThat(pipe.awaitToPeer("\r\n\r\n", WAIT)).isEqualTo(
        "SETUP rtsp://127.0.0.1:8554/test/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n"
            + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
    pipe.fromPeer("RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: 1234;timeout=60\r\n"
        + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=DEADBEEF;mode=\"PLAY\"\r\n\r\n");
    String reply = readUntil(in, "\r\n\r\n");
    Matcher m = Pattern.compile("Transport: RTP/AVP;unicast;ssrc=DEADBEEF;mode=\"PLAY\";"
        + "client_port=" + a + "-" + (a + 1) + ";server_port=(\\d+)-(\\d+)\r\n").matcher(reply);
    assertThat(m.find()).as(reply).isTrue();
    int x = Integer.parseInt(m.group(1));
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(x + 1);
    assertThat(reply).startsWith("RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: 1234;timeout=60\r\n");

    pipe.fromPeer("$\0\0\4rtp1");
    assertThat(Loopback.receive(udp[0])).isEqualTo("rtp1@" + x);
    pipe.datagramFromPeer(0, "rtp2");
    assertThat(Loopback.receive(udp[0])).isEqualTo("rtp2@" + x);
    pipe.datagramFromPeer(1, "sr");
    assertThat(Loopback.receive(udp[1])).isEqualTo("sr@" + (x + 1));
    Loopback.send(udp[0], "punch", x); // into the RTP port: not for the camera
    Loopback.send(udp[1], "rr", x + 1);
    assertThat(pipe.datagrams.poll(5, TimeUnit.SECONDS)).isEqualTo(new RtspPipe.Datagram(1, "rr"));
    assertThat(pipe.datagrams.poll(200, TimeUnit.MILLISECONDS)).isNull();

    // the $ frame went by UDP, not to the player's TCP connection
    pipe.fromPeer("RTSP/1.0 200 OK\r\nCSeq: 4\r\n\r\n");
    assertThat(readUntil(in, "\r\n\r\n")).isEqualTo("RTSP/1.0 200 OK\r\nCSeq: 4\r\n\r\n");
    udp[0].close();
    udp[1].close();
  }

  @Test
  void interleavedPlayer_passesUnchanged_datagramsBecomeFramesBetweenMessages() throws Exception {
    String setup = "SETUP rtsp://127.0.0.1:8554/test/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n"
        + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nUser-Agent: x\r\n\r\n";
    send(setup);
    assertThat(pipe.awaitToPeer("x\r\n\r\n", WAIT)).isEqualTo(setup);

    pipe.fromPeer("RTSP/1.0 200 OK\r\nCSe");
    pipe.datagramFromPeer(0, "rtp");
    pipe.fromPeer("q: 3\r\n\r\n");

    assertThat(Loopback.read(in, 7)).isEqualTo("$\0\0\3rtp");
    assertThat(readUntil(in, "\r\n\r\n")).isEqualTo("RTSP/1.0 200 OK\r\nCSeq: 3\r\n\r\n");
    send("$\1\0\2rr");
    assertThat(pipe.awaitToPeer("rr", WAIT)).endsWith(setup + "$\1\0\2rr");
  }

  @Test
  void malformedRequest_endsOnlyThisStream() throws Exception {
    send("OPTIONS rtsp://127.0.0.1:8554/ RTSP/1.0\r\nCSeq: 1\r\n\r\n\u0001garbage\r\n\r\n");

    Awaitility.await("the stream aborted").atMost(WAIT).pollInterval(Duration.ofMillis(10))
        .until(() -> pipe.aborts.get() > 0);
    assertThat(pipe.aborts.get()).isEqualTo(1);
    assertThat(pipe.toPeer())
        .isEqualTo("OPTIONS rtsp://127.0.0.1:8554/ RTSP/1.0\r\nCSeq: 1\r\n\r\n");
    assertThat(in.read()).isEqualTo(-1);
    assertThat(server.isActive()).isTrue(); // the listener (the node) goes on
  }

  @Test
  void moreThanMaxHeldItemsWhileBinding_endsTheStream() throws Exception {
    // One write: the SETUP starts a bind, the frames after it queue until it is done
    StringBuilder b = new StringBuilder("SETUP rtsp://127.0.0.1:8554/test RTSP/1.0\r\nCSeq: 1"
        + "\r\nTransport: RTP/AVP;unicast;client_port=5000-5001\r\n\r\n");
    b.append("$\1\0\1r".repeat(RtspRelay.MAX_HELD + 1));
    send(b.toString());

    assertThat(in.read()).isEqualTo(-1);
    assertThat(pipe.aborts.get()).isEqualTo(1);
    assertThat(pipe.toPeer()).isEmpty();
  }

  @Test
  void ninthUdpTrack_endsTheStream() throws Exception {
    for (int k = 0; k < RtspRelay.MAX_TRACKS; k++) {
      send("SETUP rtsp://127.0.0.1:8554/test/trackID=" + k + " RTSP/1.0\r\nCSeq: " + (k + 1)
          + "\r\nTransport: RTP/AVP;unicast;client_port=" + (5000 + 2 * k) + "-"
          + (5001 + 2 * k) + "\r\n\r\n");
      pipe.awaitToPeer("interleaved=" + 2 * k + "-" + (2 * k + 1), WAIT);
    }
    assertThat(pipe.aborts.get()).isZero();
    send("SETUP rtsp://127.0.0.1:8554/test/trackID=8 RTSP/1.0\r\nCSeq: 9\r\n"
        + "Transport: RTP/AVP;unicast;client_port=6000-6001\r\n\r\n");
    assertThat(in.read()).isEqualTo(-1);
    assertThat(pipe.aborts.get()).isEqualTo(1);
    assertThat(pipe.toPeer()).doesNotContain("CSeq: 9");
  }
}
