package io.staex.proxy.rtsp.internal;

import static io.staex.proxy.rtsp.internal.RtspParserTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RtspUrlsTest {
  static final RtspUrls VLC = RtspUrls.between("rtsp://127.0.0.1:8554", "rtsp://10.77.1.2:8555");

  static String toPlayer(RtspUrls urls, String response) {
    return urls.toPlayer(message(response)).text();
  }

  @Example
  void vlcDescribeReply_pointsAtThePlayersAddress_withContentLengthFixed() {
    RtspMessage m = VLC.toPlayer(message(Captures.VLC_DESCRIBE_REPLY));
    assertThat(m.header("Content-Base")).contains("rtsp://127.0.0.1:8554/test");
    String sdp = Captures.VLC_SDP.replace("10.77.1.2:8555", "127.0.0.1:8554");
    assertThat(m.body()).isEqualTo(sdp);
    assertThat(m.header("Content-Length")).contains(Integer.toString(sdp.length()));
    String expected = Captures.VLC_DESCRIBE_REPLY.replace("10.77.1.2:8555", "127.0.0.1:8554")
        .replace("Content-Length: " + Captures.VLC_SDP.length(),
            "Content-Length: " + sdp.length());
    assertThat(m.text()).isEqualTo(expected);
  }

  @Example
  void vlcPlayReply_rtpInfoUrls_areRewritten() {
    String out = toPlayer(VLC, Captures.VLC_PLAY_REPLY);
    assertThat(out).isEqualTo(Captures.VLC_PLAY_REPLY.replace(
        "url=rtsp://10.77.1.2:8555/test/trackID=0;", "url=rtsp://127.0.0.1:8554/test/trackID=0;"));
    String two = "RTSP/1.0 200 OK\r\nCSeq: 5\r\nRTP-Info: url=rtsp://10.77.1.2:8555/t/1;seq=1,"
        + "url=rtsp://10.77.1.2:8555/t/2;seq=2\r\n\r\n";
    assertThat(toPlayer(VLC, two)).isEqualTo(two.replace("10.77.1.2:8555", "127.0.0.1:8554"));
  }

  @Example
  void locationAndContentLocation_areRewritten() {
    String m = "RTSP/1.0 302 Moved\r\nCSeq: 1\r\nLocation: rtsp://10.77.1.2:8555/other\r\n"
        + "Content-Location: RTSP://10.77.1.2:8555/x\r\n\r\n";
    assertThat(toPlayer(VLC, m)).isEqualTo("RTSP/1.0 302 Moved\r\nCSeq: 1\r\n"
        + "Location: rtsp://127.0.0.1:8554/other\r\nContent-Location: RTSP://127.0.0.1:8554/x\r\n"
        + "\r\n");
  }

  @Example
  void gstreamerReplies_echoThePlayersUrl_andStayByteIdentical() {
    RtspUrls gst = RtspUrls.between("rtsp://127.0.0.1:8554", "rtsp://127.0.0.1:9554");
    for (String reply : new String[] {Captures.GST_DESCRIBE_REPLY, Captures.GST_SETUP_REPLY}) {
      assertThat(toPlayer(gst, reply)).isEqualTo(reply);
    }
  }

  @Example
  void requests_goToTheCamerasAddress_everythingElseKept() {
    RtspMessage m = VLC.toCamera(message(Captures.FFMPEG_SETUP_UDP));
    assertThat(m.text()).isEqualTo(Captures.FFMPEG_SETUP_UDP.replace(
        "rtsp://127.0.0.1:8554/", "rtsp://10.77.1.2:8555/"));
    RtspMessage options = message("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n");
    assertThat(VLC.toCamera(options)).isSameAs(options);
    RtspMessage other = message("OPTIONS rtsp://127.0.0.2:8554/x RTSP/1.0\r\nCSeq: 1\r\n\r\n");
    assertThat(VLC.toCamera(other)).isSameAs(other);
  }

  @Example
  void defaultPort_ipv6_case_userInfo() {
    RtspUrls urls = RtspUrls.between("rtsp://[::1]:8554", "rtsp://Camera.LAN");
    String req = "DESCRIBE rtsp://user:pw@[0:0::1]:8554/a RTSP/1.0\r\nCSeq: 2\r\n\r\n";
    assertThat(urls.toCamera(message(req)).uri()).isEqualTo("rtsp://user:pw@Camera.LAN/a");
    String reply = "RTSP/1.0 200 OK\r\nContent-Base: Rtsp://camera.lan:554/a/\r\n"
        + "Location: rtsp://CAMERA.lan/b\r\nRTP-Info: url=rtsp://camera.lan:555/c\r\n\r\n";
    assertThat(toPlayer(urls, reply)).isEqualTo("RTSP/1.0 200 OK\r\n"
        + "Content-Base: Rtsp://[::1]:8554/a/\r\nLocation: rtsp://[::1]:8554/b\r\n"
        + "RTP-Info: url=rtsp://camera.lan:555/c\r\n\r\n");
  }

  @Example
  void otherHosts_relativeControls_andOtherSdpLines_areUntouched() {
    String sdp = "v=0\r\nu=rtsp://10.77.1.2:8555/about\r\na=control:*\r\n"
        + "a=control:trackID=1\r\na=control:rtsp://10.77.1.3:8555/x\r\n"
        + "a=control:rtsp://10.77.1.2:8555\r\n";
    String reply = "RTSP/1.0 200 OK\r\nContent-Length: " + sdp.length() + "\r\n"
        + "X-Url: rtsp://10.77.1.2:8555/kept\r\n\r\n" + sdp;
    assertThat(toPlayer(VLC, reply)).isEqualTo(reply.replace(
        "a=control:rtsp://10.77.1.2:8555\r\n", "a=control:rtsp://127.0.0.1:8554\r\n"));
  }

  @Example
  void aLearnedAlias_isRewrittenToo() {
    RtspUrls target = RtspUrls.between("rtsp://localhost:8554", "rtsp://127.0.0.1:8555");
    String reply = Captures.VLC_PLAY_REPLY;
    assertThat(toPlayer(target, reply)).isEqualTo(reply);
    RtspUrls learned = target.withCameraAlias("rtsp://10.77.1.2:8555/test");
    assertThat(toPlayer(learned, reply)).contains("url=rtsp://localhost:8554/test/trackID=0;");
    assertThat(target.withCameraAlias("http://x/")).isNotNull();
  }

  @Example
  void replace_onlyWholeAuthorities() {
    Set<RtspAuthority> from = Set.of(new RtspAuthority("h", 554));
    assertThat(RtspUrls.replace("rtsp://h rtsp://hh/ rtsp://h:5540/ rtsp://h:554", from, "n:1"))
        .isEqualTo("rtsp://n:1 rtsp://hh/ rtsp://h:5540/ rtsp://n:1");
    assertThat(RtspUrls.replace("rtsp://", from, "n:1")).isEqualTo("rtsp://");
  }

  @Example
  void aRequestFromTheCamera_namesThePlayersAddress() {
    String m = "GET_PARAMETER rtsp://10.77.1.2:8555/test RTSP/1.0\r\nCSeq: 9\r\n\r\n";
    assertThat(toPlayer(VLC, m)).isEqualTo(m.replace("10.77.1.2:8555", "127.0.0.1:8554"));
  }

  @Provide
  Arbitrary<String> messages() {
    return RtspArbitraries.messages();
  }

  @Property(tries = 300)
  void messagesWithoutTheirUrls_passByteIdentical(@ForAll("messages") String text) {
    RtspMessage m = RtspParserTest.message(text);
    assertThat(VLC.toPlayer(m).text()).isEqualTo(text);
    assertThat(VLC.toCamera(m).text()).isEqualTo(text);
  }

  @Property(tries = 300)
  void aPathThereAndBack_isTheSame(@ForAll("messages") String text) {
    RtspMessage m = RtspParserTest.message(text);
    Assume.that(m.isRequest());
    String uri = "rtsp://127.0.0.1:8554/" + m.uri().replace("rtsp://", "");
    RtspMessage there = VLC.toCamera(m.withUri(uri));
    assertThat(there.uri()).startsWith("rtsp://10.77.1.2:8555/");
    assertThat(VLC.toPlayer(there).uri()).isEqualTo(uri);
  }

  @Example
  void prefixesWithAPath_useOnlyTheirAuthority() {
    RtspUrls urls = RtspUrls.between("rtsp://127.0.0.1:8554/test", "rtsp://10.77.1.2:8555/");
    assertThat(toPlayer(urls, Captures.VLC_PLAY_REPLY))
        .contains("url=rtsp://127.0.0.1:8554/test/trackID=0;");
    assertThat(urls.toCamera(RtspParserTest.message(Captures.FFMPEG_PLAY)).uri())
        .isEqualTo("rtsp://10.77.1.2:8555/test/");
  }

  @Example
  void badPrefixes_areRefused() {
    assertThatThrownBy(() -> RtspUrls.between("http://127.0.0.1:8554", "rtsp://x"))
        .hasMessageContaining("expected: rtsp://host[:port]");
  }
}
