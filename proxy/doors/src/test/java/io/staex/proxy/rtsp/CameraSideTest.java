package io.staex.proxy.rtsp;

import static io.staex.proxy.rtsp.Loopback.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.staex.proxy.loop.Transports;
import io.staex.testing.LeakWatch;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * {@link CameraSide} in a real socket's pipeline connected to a camera on loopback (the test,
 * a ServerSocket and UDP ports), with {@link RtspPipe} as the stream from the user node.
 */
class CameraSideTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static EventLoopGroup group;
  private ServerSocket listener;
  private Socket camera;
  private Channel channel;
  private RtspPipe pipe;
  private InputStream in;
  private OutputStream out;
  private int cameraPort;

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
  void connect() throws Exception {
    listener = new ServerSocket(0, 1, Loopback.IP);
    cameraPort = listener.getLocalPort();
    pipe = new RtspPipe();
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", cameraPort);
    channel = new Bootstrap().group(group).channel(Transports.socketChannelType(group))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            CameraSide h = new CameraSide(pipe, "test service", target);
            pipe.handler = h;
            ch.pipeline().addLast(h, pipe);
          }
        }).connect(target).sync().channel();
    camera = listener.accept();
    camera.setSoTimeout(5000);
    in = camera.getInputStream();
    out = camera.getOutputStream();
  }

  @AfterEach
  void close() throws Exception {
    camera.close();
    listener.close();
    channel.close().sync();
  }

  private void send(String text) throws Exception {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Test
  void urls_playersToCameras_andCamerasLanAddressBackToPlayers() throws Exception {
    pipe.fromPeer("DESCRIBE rtsp://127.0.0.1:28554/test RTSP/1.0\r\nCSeq: 2\r\n\r\n");
    assertThat(readUntil(in, "\r\n\r\n")).isEqualTo(
        "DESCRIBE rtsp://127.0.0.1:" + cameraPort + "/test RTSP/1.0\r\nCSeq: 2\r\n\r\n");
    String sdp = "v=0\r\na=control:rtsp://10.77.1.2:8555/test\r\nm=video 0 RTP/AVP 96\r\n"
        + "a=control:rtsp://10.77.1.2:8555/test/trackID=0\r\n";
    send("RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Base: rtsp://10.77.1.2:8555/test\r\n"
        + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp);

    String player = "v=0\r\na=control:rtsp://127.0.0.1:28554/test\r\nm=video 0 RTP/AVP 96\r\n"
        + "a=control:rtsp://127.0.0.1:28554/test/trackID=0\r\n";
    assertThat(pipe.awaitToPeer("trackID=0\r\n", WAIT)).isEqualTo("RTSP/1.0 200 OK\r\nCSeq: 2\r\n"
        + "Content-Base: rtsp://127.0.0.1:28554/test\r\nContent-Length: " + player.length()
        + "\r\n\r\n" + player);

    pipe.fromPeer("PLAY rtsp://127.0.0.1:28554/test RTSP/1.0\r\nCSeq: 3\r\n\r\n");
    assertThat(readUntil(in, "\r\n\r\n")).isEqualTo(
        "PLAY rtsp://127.0.0.1:" + cameraPort + "/test RTSP/1.0\r\nCSeq: 3\r\n\r\n");
  }

  @Test
  void interleavedRefused_askedAgainForUdp_replyInterleavedForThePlayer() throws Exception {
    pipe.fromPeer("SETUP rtsp://127.0.0.1:28554/test/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n"
        + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
    readUntil(in, "interleaved=0-1\r\n\r\n");
    send("RTSP/1.0 461 Unsupported transport\r\nCSeq: 3\r\n\r\n");

    String retry = readUntil(in, "\r\n\r\n");
    Matcher m = Pattern.compile("SETUP rtsp://127.0.0.1:" + cameraPort + "/test/trackID=0"
        + " RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=(\\d+)-(\\d+)\r\n\r\n")
        .matcher(retry);
    assertThat(m.matches()).as(retry).isTrue();
    int p = Integer.parseInt(m.group(1));
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(p + 1);
    DatagramSocket[] udp = Loopback.udpPair();
    int q = udp[0].getLocalPort();
    send("RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: 77\r\nTransport: RTP/AVP;unicast;client_port="
        + p + "-" + (p + 1) + ";server_port=" + q + "-" + (q + 1) + ";ssrc=01020304\r\n\r\n");

    assertThat(pipe.awaitToPeer("\r\n\r\n", WAIT)).isEqualTo("RTSP/1.0 200 OK\r\nCSeq: 3\r\n"
        + "Session: 77\r\nTransport: RTP/AVP/TCP;unicast;ssrc=01020304;interleaved=0-1\r\n\r\n");
    Loopback.send(udp[0], "rtp", p);
    assertThat(pipe.datagrams.poll(5, TimeUnit.SECONDS)).isEqualTo(new RtspPipe.Datagram(0, "rtp"));
    String large = "x".repeat(9000); // beyond Netty's default 2048-byte datagram buffer
    Loopback.send(udp[0], large, p);
    assertThat(pipe.datagrams.poll(5, TimeUnit.SECONDS)).isEqualTo(new RtspPipe.Datagram(0, large));
    Loopback.send(udp[1], "sr", p + 1);
    assertThat(pipe.datagrams.poll(5, TimeUnit.SECONDS)).isEqualTo(new RtspPipe.Datagram(1, "sr"));
    pipe.datagramFromPeer(1, "rr1");
    assertThat(Loopback.receive(udp[1])).isEqualTo("rr1@" + (p + 1));
    pipe.fromPeer("$\1\0\3rr2");
    assertThat(Loopback.receive(udp[1])).isEqualTo("rr2@" + (p + 1));

    // neither the refusal nor the RTCP went over TCP
    pipe.fromPeer("PLAY rtsp://127.0.0.1:28554/test RTSP/1.0\r\nCSeq: 4\r\n\r\n");
    assertThat(readUntil(in, "\r\n\r\n")).startsWith("PLAY ");
    assertThat(pipe.toPeer()).doesNotContain("461");
    udp[0].close();
    udp[1].close();
  }

  @Test
  void interleavedCamera_datagramsFromThePlayerBecomeFrames() throws Exception {
    pipe.fromPeer("SETUP rtsp://127.0.0.1:28554/test/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n"
        + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
    readUntil(in, "interleaved=0-1\r\n\r\n");
    String ok = "RTSP/1.0 200 OK\r\nCSeq: 3\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1"
        + "\r\n\r\n$\0\0\3rtp";
    send(ok);
    assertThat(pipe.awaitToPeer("rtp", WAIT)).isEqualTo(ok);

    pipe.datagramFromPeer(1, "rr");
    assertThat(Loopback.read(in, 6)).isEqualTo("$\1\0\2rr");
  }

  @Test
  void malformedReply_endsOnlyThisStream() throws Exception {
    send("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: x\r\n\r\n");

    Awaitility.await("the stream aborted").atMost(WAIT).pollInterval(Duration.ofMillis(10))
        .until(() -> pipe.aborts.get() > 0);
    assertThat(pipe.aborts.get()).isEqualTo(1);
    assertThat(pipe.toPeer()).isEmpty();
    assertThat(in.read()).isEqualTo(-1);
  }
}
