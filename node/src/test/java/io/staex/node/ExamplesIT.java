package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import io.staex.testing.ExternalTool;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scenarios of {@code examples/mqtt-sensor}, {@code examples/coap-sensor} and {@code
 * examples/rtsp-camera} the way a user
 * runs them: real {@code staex run} processes (root, a gateway exposing the device, a user with
 * a port forward to it), the real device software (Mosquitto, GStreamer's RTSP server run by
 * the example's {@code camera.py}) and real clients (mosquitto_sub/pub, ffmpeg, gst-launch-1.0)
 * on the user's forwarded port. Ports are free ones, not the examples' defaults.
 */
class ExamplesIT extends ProcessTestBase {
  private static final Logger log = LoggerFactory.getLogger(ExamplesIT.class);
  private static final Duration CLIENT = Duration.ofSeconds(30);
  private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");

  private Path examples;
  /** The running nodes by name. */
  private final Map<String, Started> nodes = new HashMap<>();

  @BeforeEach
  void findExamples() {
    examples = Path.of(System.getProperty("staex.examples", "../examples")).toAbsolutePath()
        .normalize();
  }

  /**
   * mosquitto_sub (QoS 1) on the user's forward, subscribed before anything is published, gets
   * exactly the payload mosquitto_pub (QoS 1) publishes on the same forward: both reach the
   * broker only through user → root → gateway.
   */
  @Test
  void mqttSensor_subscriberGetsWhatIsPublished_throughTheForward() throws Exception {
    long t0 = System.nanoTime();
    String mosquitto = mosquitto();
    String sub = ExternalTool.require("mosquitto_sub", "mosquitto-clients").toString();
    String pub = ExternalTool.require("mosquitto_pub", "mosquitto-clients").toString();
    int brokerPort = freePort();
    // log_type all: the broker logs the SUBACK, so the test knows the subscription is in place
    Files.writeString(dir.resolve("mosquitto.conf"), "listener " + brokerPort
        + " 127.0.0.1\nallow_anonymous true\nlog_type all\n");
    Started broker = start(List.of(mosquitto, "-c", "mosquitto.conf"));
    awaitListening(brokerPort, broker);
    int forward = network(brokerPort, 1883);

    String id = UUID.randomUUID().toString();
    String topic = "sensors/temp/" + id;
    String payload = "21.5 " + id;
    String port = Integer.toString(forward);
    Started subscriber = start(List.of(sub, "-h", "127.0.0.1", "-p", port, "-t", topic,
        "-q", "1", "-C", "1", "-W", "20", "-i", "sub-" + id));
    await("the subscription", () -> broker.stderrText().contains("Sending SUBACK to sub-" + id),
        () -> subscriber.describe() + "\n" + broker.describe());
    Result published = ExternalTool.run(dir, CLIENT, null, List.of(pub, "-h", "127.0.0.1",
        "-p", port, "-t", topic, "-q", "1", "-m", payload, "-i", "pub-" + id));
    published.assertSuccess();

    assertThat(subscriber.process().waitFor(25, TimeUnit.SECONDS)).as(subscriber::describe)
        .isTrue();
    assertThat(subscriber.process().exitValue()).as(subscriber::describe).isZero();
    assertThat(subscriber.stdoutText()).isEqualTo(payload + "\n");
    assertThat(broker.stderrText()).contains("Received PUBLISH from pub-" + id);
    log.info("mqtt scenario {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * examples/coap-sensor: libcoap's coap-server behind the gateway as a {@code protocol = udp}
   * service; coap-client on the user's UDP forward reads the small banner at {@code /}, then
   * PUTs and GETs a 4 000-byte reading block-wise (512-byte blocks), byte-exact; the user's
   * status shows the flows and no drops.
   */
  @Test
  void coapSensor_coapClientGetsAndPutsBlockwise_throughTheUdpForward() throws Exception {
    String server = ExternalTool.require("coap-server-notls", "libcoap3-bin").toString();
    String client = ExternalTool.require("coap-client-notls", "libcoap3-bin").toString();
    int sensorPort = freePort();
    start(List.of(server, "-A", "127.0.0.1", "-p", Integer.toString(sensorPort), "-d", "10"));
    int forward = network(sensorPort, 5683, "udp");
    String base = "coap://127.0.0.1:" + forward;
    await("the banner through the forward", () -> ExternalTool.run(dir, CLIENT, null,
        List.of(client, "-m", "get", base + "/")).stdout()
        .contains("This is a test server made with libcoap"), this::nodeLogs);
    byte[] reading = new byte[4000];
    new java.util.Random(5683).nextBytes(reading);
    Files.write(dir.resolve("reading.bin"), reading);
    ExternalTool.run(dir, CLIENT, null, List.of(client, "-m", "put", "-b", "512", "-f",
        "reading.bin", base + "/reading")).assertSuccess();
    ExternalTool.run(dir, CLIENT, null, List.of(client, "-m", "get", "-b", "512", "-o",
        "back.bin", base + "/reading")).assertSuccess();
    assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(reading);
    awaitStatus("user", s -> s.contains("\"udp\":{\"flowsOpen\"")
        && !s.contains("\"flowsOpened\":0,")
        && s.contains("\"dropped\":{\"flow_limit\":0,\"too_big\":0,"));
  }

  /**
   * The example's camera.py (GStreamer's RTSP server, H.264) behind the gateway: ffmpeg with
   * RTP over the RTSP connection reads 50 frames through the user's forward, and gst-launch-1.0
   * decodes 50 frames the same way.
   */
  @Test
  void rtspCamera_ffmpegAndGstreamerRead50Frames_throughTheForward() throws Exception {
    long t0 = System.nanoTime();
    String ffmpeg = ExternalTool.require("ffmpeg").toString();
    String gst = ExternalTool.require("gst-launch-1.0", "gstreamer1.0-tools").toString();
    requireGstRtspServer();
    int cameraPort = freePort();
    Started camera = start(List.of(DEBIAN_PYTHON.toString(),
        examples.resolve("rtsp-camera/camera.py").toString(), Integer.toString(cameraPort)));
    await("the camera", () -> camera.stdoutText().contains("ready"), camera::describe);
    int forward = network(cameraPort, 8554);
    String url = "rtsp://127.0.0.1:" + forward + "/test";

    Result viaFfmpeg = ExternalTool.run(dir, CLIENT, null, List.of(ffmpeg, "-hide_banner",
        "-nostdin", "-rtsp_transport", "tcp", "-i", url, "-frames:v", "50", "-f", "null", "-"));
    viaFfmpeg.assertSuccess();
    assertThat(viaFfmpeg.stderr()).as(viaFfmpeg::describe).containsPattern("frame= *50 ")
        .contains("Video: h264");
    long t1 = System.nanoTime();

    List<String> gstCommand = List.of(gst, "rtspsrc", "location=" + url, "protocols=tcp", "!",
        "decodebin", "!", "fakesink", "num-buffers=50");
    Result viaGst = ExternalTool.run(dir, CLIENT, null, gstCommand);
    if (viaGst.exitCode() != 0 && viaGst.describe().contains("Could not send message.")) {
      // rtspsrc's teardown race (PAUSE after the sink's EOS meets the closing connection):
      // seen against the camera directly too (1 in 20 with rtph264depay), so once more
      log.warn("gst-launch-1.0 teardown race, once more:\n{}", viaGst.describe());
      viaGst = ExternalTool.run(dir, CLIENT, null, gstCommand);
    }
    viaGst.assertSuccess();
    assertThat(viaGst.stdout()).as(viaGst::describe).contains("Got EOS from element");
    assertThat(staex("status", "-c", "user.conf", "--json").assertSuccess().stdout())
        .contains("\"sessions\"");
    log.info("rtsp scenario {} ms (ffmpeg {} ms, gst-launch {} ms)",
        (System.nanoTime() - t0) / 1_000_000, (t1 - t0) / 1_000_000,
        (System.nanoTime() - t1) / 1_000_000);
  }

  /**
   * camera.py behind a gateway with a {@code protocol = rtsp} service, through a {@code protocol
   * = rtsp} forward: ffmpeg with its default transport (RTP over UDP) decodes 50 frames, and the
   * user node logs that it sent at least 50 packets by UDP to ffmpeg's ports from its own (the
   * camera only ever saw interleaved SETUPs, so it could not have sent the video to ffmpeg
   * directly); ffmpeg over TCP, gst-launch-1.0 by default (UDP) and over TCP too.
   */
  @Test
  void rtspForward_udpAndTcpPlayers_read50Frames_throughTheNodes() throws Exception {
    String ffmpeg = ExternalTool.require("ffmpeg").toString();
    String gst = ExternalTool.require("gst-launch-1.0", "gstreamer1.0-tools").toString();
    requireGstRtspServer();
    int cameraPort = freePort();
    Started camera = start(List.of(DEBIAN_PYTHON.toString(),
        examples.resolve("rtsp-camera/camera.py").toString(), Integer.toString(cameraPort)));
    await("the camera", () -> camera.stdoutText().contains("ready"), camera::describe);
    int forward = network(cameraPort, 8554, "rtsp");
    String url = "rtsp://127.0.0.1:" + forward + "/test";

    ffmpeg50(ffmpeg, url, List.of());
    awaitUdpTracks(1);
    Started user = nodes.get("user");
    assertThat(user.stderrText()).as(user::describe)
        .containsPattern("track by UDP to the player's ports \\d+-\\d+ from 127\\.0\\.0\\.1:");

    ffmpeg50(ffmpeg, url, List.of("-rtsp_transport", "tcp"));
    gst50(gst, url, "");
    // rtspsrc falls back to TCP when no UDP arrives for a while: make sure it did not need to
    awaitUdpTracks(2);
    gst50(gst, url, "protocols=tcp");
  }

  /**
   * Waits until the user node logged the end of {@code n} tracks that it sent by UDP to the
   * player, at least 50 packets each: the players' UDP came from the node's own ports.
   */
  private void awaitUdpTracks(int n) throws InterruptedException {
    Started user = nodes.get("user");
    Pattern ended = Pattern.compile("track 127\\.0\\.0\\.1:\\d+-\\d+ ended: (\\d+) packets by UDP"
        + " to the player");
    await(n + " UDP tracks of the user node", () -> ended.matcher(user.stderrText()).results()
        .filter(r -> Long.parseLong(r.group(1)) >= 50).count() >= n, user::describe);
  }

  /**
   * VLC as the camera (it sends RTP only by UDP and answers 461 to interleaved SETUPs) behind a
   * gateway with a {@code protocol = rtsp} service: the gateway asks again for UDP on ports of
   * its own and carries the packets as datagrams, so ffmpeg through the forward decodes 50
   * frames both by default (UDP again from the user node) and with {@code -rtsp_transport tcp}
   * (datagrams turned into {@code $} frames); so does gst-launch-1.0, both ways. VLC refuses
   * to run as root: it runs as {@code nobody} then ({@code setpriv}). VLC writes the address
   * it was reached on into its URLs (its LAN address, across machines): the player sees only
   * the forward's.
   */
  @Test
  void rtspForward_vlcCameraOnlyUdp_ffmpegReads50Frames() throws Exception {
    String ffmpeg = ExternalTool.require("ffmpeg").toString();
    String cvlc = ExternalTool.require("cvlc", "vlc").toString();
    String gst = ExternalTool.require("gst-launch-1.0", "gstreamer1.0-tools").toString();
    // Long enough for the whole test: VLC ends its clients' streams (RTCP BYE) where it loops
    Path video = dir.resolve("test.mp4");
    ExternalTool.run(dir, CLIENT, null, List.of(ffmpeg, "-hide_banner", "-nostdin", "-f",
        "lavfi", "-i", "testsrc=size=320x240:rate=15", "-t", "300", "-c:v", "libx264", "-preset",
        "ultrafast", "-g", "15", "-pix_fmt", "yuv420p", video.toString())).assertSuccess();
    int vlcPort = freePort();
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      // "VLC is not supposed to be run as root": as nobody, who must be able to read the video
      command.addAll(List.of(ExternalTool.require("setpriv", "util-linux").toString(),
          "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
      for (Path p = dir; p != null && !p.equals(p.getRoot()); p = p.getParent()) {
        p.toFile().setExecutable(true, false);
      }
      video.toFile().setReadable(true, false);
    }
    command.addAll(List.of(cvlc, "-I", "dummy", "--no-video-title-show", video.toString(),
        "--loop", "--sout", "#rtp{sdp=rtsp://:" + vlcPort + "/test}", "--sout-keep"));
    Started vlc = start(command);
    awaitListening(vlcPort, vlc);
    // The gateway names the camera "localhost"; VLC writes the address it was reached on
    // (127.0.0.1:vlcPort, as it writes its LAN address across machines) into Content-Base and
    // every a=control: the gateway must turn those into the player's address too.
    int forward = network("localhost", vlcPort, 8554, "rtsp");
    String url = "rtsp://127.0.0.1:" + forward + "/test";

    Result udp = ffmpeg50(ffmpeg, url, List.of("-loglevel", "debug"));
    assertThat(udp.stderr()).as(udp::describe)
        .contains("a=control:rtsp://127.0.0.1:" + forward + "/test/trackID=0")
        .doesNotContain(":" + vlcPort + "/");
    awaitUdpTracks(1);
    ffmpeg50(ffmpeg, url, List.of("-rtsp_transport", "tcp"));
    gst50(gst, url, "");
    awaitUdpTracks(2);
    gst50(gst, url, "protocols=tcp");
    Started gateway = nodes.get("gateway");
    assertThat(gateway.stderrText()).as(gateway::describe)
        .contains("461 Unsupported transport").contains("track by UDP from the camera's ports");
  }

  /**
   * VLC as the player: Debian's VLC is built without live555, so it has no RTSP client; this
   * says so instead of pretending (it would run where a VLC with live555 is installed).
   */
  @Test
  void vlcPlayer_hasNoRtspClientOnDebian() {
    ExternalTool.require("cvlc", "vlc");
    boolean live555 = false;
    for (String lib : List.of("/usr/lib/x86_64-linux-gnu/vlc/plugins/demux",
        "/usr/lib/aarch64-linux-gnu/vlc/plugins/demux", "/usr/lib/vlc/plugins/demux")) {
      live555 |= Files.exists(Path.of(lib, "liblive555_plugin.so"));
    }
    Assumptions.assumeTrue(live555, "the installed VLC has no RTSP client (no"
        + " liblive555_plugin.so: Debian builds VLC without live555), so VLC cannot be the"
        + " player here; ffmpeg and gst-launch-1.0 are");
    Assertions.fail("VLC has live555 here: write the VLC player test");
  }

  private Result ffmpeg50(String ffmpeg, String url, List<String> options) {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin"));
    cmd.addAll(options);
    cmd.addAll(List.of("-i", url, "-frames:v", "50", "-f", "null", "-"));
    Result r = ExternalTool.run(dir, CLIENT, null, cmd);
    r.assertSuccess();
    assertThat(r.stderr()).as(() -> r.describe() + nodeLogs()).containsPattern("frame= *50 ")
        .contains("Video: h264");
    return r;
  }

  /** The stderr of the gateway and the user node, for a failure's description. */
  private String nodeLogs() {
    StringBuilder b = new StringBuilder();
    for (String n : List.of("gateway", "user")) {
      Started s = nodes.get(n);
      if (s != null) {
        b.append("\n--- ").append(n).append(" node\n").append(s.stderrText());
      }
    }
    return b.toString();
  }

  /** gst-launch-1.0 decodes 50 frames; {@code protocols} empty: rtspsrc's default (UDP first). */
  private Result gst50(String gst, String url, String protocols) {
    List<String> cmd = new ArrayList<>(List.of(gst, "rtspsrc", "location=" + url));
    if (!protocols.isEmpty()) {
      cmd.add(protocols);
    }
    cmd.addAll(List.of("!", "decodebin", "!", "fakesink", "num-buffers=50"));
    Result r = ExternalTool.run(dir, CLIENT, null, cmd);
    if (r.exitCode() != 0 && r.describe().contains("Could not send message.")) {
      log.warn("gst-launch-1.0 teardown race, once more:\n{}", r.describe());
      r = ExternalTool.run(dir, CLIENT, null, cmd);
    }
    r.assertSuccess();
    assertThat(r.stdout()).as(r::describe).contains("Got EOS from element");
    return r;
  }

  private int network(int devicePort, int servicePort) throws Exception {
    return network(devicePort, servicePort, "tcp");
  }

  /**
   * A network key, root, gateway (service {@code servicePort} → 127.0.0.1:{@code devicePort})
   * and user (a forward on a free port → the gateway's service), both with {@code protocol}, all
   * running and connected; returns the forward's port.
   */
  private int network(int devicePort, int servicePort, String protocol) throws Exception {
    return network("127.0.0.1", devicePort, servicePort, protocol);
  }

  /** As {@link #network(int, int, String)}, with the service's target {@code deviceHost}. */
  private int network(String deviceHost, int devicePort, int servicePort, String protocol)
      throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String root = newNode("root");
    String gateway = newNode("gateway");
    newNode("user");
    int rootPort = freePort();
    int forward = freePort();
    String parent = "parents = [ { address = \"127.0.0.1:" + rootPort + "\", key = \"" + root
        + "\" } ]";
    config("root", "listen = \"127.0.0.1:" + rootPort + "\"");
    config("gateway", parent + "\n  services = [ { port = " + servicePort
        + ", target = \"" + deviceHost + ":" + devicePort + "\", protocol = " + protocol + " } ]");
    config("user", parent + "\n  forwards = [ { listen = \"127.0.0.1:" + forward + "\", to = \""
        + gateway + ".staex:" + servicePort + "\", protocol = " + protocol + " } ]");
    for (String node : List.of("root", "gateway", "user")) {
      nodes.put(node, run(node));
    }
    awaitStatus("root", s -> s.contains("\"viewSize\":3"));
    awaitStatus("gateway", s -> s.contains("\"activeParent\":\"" + root + "\""));
    awaitStatus("user", s -> s.contains("\"activeParent\":\"" + root + "\""));
    return forward;
  }

  /** Mosquitto is in /usr/sbin, which a non-root PATH may lack. */
  private static String mosquitto() {
    Path sbin = Path.of("/usr/sbin/mosquitto");
    return Files.isExecutable(sbin) ? sbin.toString()
        : ExternalTool.require("mosquitto").toString();
  }

  /** camera.py needs Debian's python3 with python3-gi and the RTSP server's introspection. */
  private void requireGstRtspServer() {
    Result r = Files.isExecutable(DEBIAN_PYTHON)
        ? ExternalTool.run(dir, CLIENT, null, List.of(DEBIAN_PYTHON.toString(), "-c",
            "import gi; gi.require_version('GstRtspServer', '1.0');"
                + " from gi.repository import GstRtspServer"))
        : null;
    if (r != null && r.exitCode() == 0) {
      return;
    }
    String message = "/usr/bin/python3 cannot load GstRtspServer; install it (apt-get install"
        + " python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-ugly) to run this test;"
        + " .ci/run does" + (r == null ? "" : "\n" + r.describe());
    if (ExternalTool.inCi()) {
      Assertions.fail(message + " (required because CI=true)");
    }
    Assumptions.abort(message);
  }

  /** Polls {@code done} for {@link #CONVERGE}; fails with {@code describe} if it never holds. */
  private static void await(String what, java.util.function.BooleanSupplier done,
      java.util.function.Supplier<String> describe) {
    Awaitility.await(what).atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(done.getAsBoolean()).as(describe).isTrue());
  }

  /** Waits until something accepts connections on 127.0.0.1:{@code port}. */
  private static void awaitListening(int port, Started server) {
    await("127.0.0.1:" + port, () -> {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    }, server::describe);
  }
}
