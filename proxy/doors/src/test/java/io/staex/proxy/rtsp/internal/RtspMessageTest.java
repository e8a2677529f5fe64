package io.staex.proxy.rtsp.internal;

import static io.staex.proxy.rtsp.internal.RtspParserTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Example;

class RtspMessageTest {

  @Example
  void withHeader_replacesTheFirstInPlace_keepingNameAndLineEnd() {
    RtspMessage m = message("RTSP/1.0 200 OK\nCseq: 3\ntransport: RTP/AVP/TCP;interleaved=0-1\n"
        + "X: 1\n\n");
    RtspMessage t = m.withHeader("Transport", "RTP/AVP;unicast;client_port=5000-5001");
    assertThat(t.text()).isEqualTo("RTSP/1.0 200 OK\nCseq: 3\n"
        + "transport: RTP/AVP;unicast;client_port=5000-5001\nX: 1\n\n");
    assertThat(m.withHeader("Session", "1").text()).endsWith("X: 1\nSession: 1\n\n");
  }

  @Example
  void withBody_fixesContentLength_orAddsOne() {
    RtspMessage m = message(Captures.GST_DESCRIBE_REPLY);
    RtspMessage shorter = m.withBody("v=0\r\n");
    assertThat(shorter.header("Content-Length")).contains("5");
    assertThat(shorter.text()).endsWith("Content-Length: 5\r\n\r\nv=0\r\n");
    RtspMessage none = message(Captures.VLC_461.replace("Content-Length: 0\r\n", ""));
    assertThat(none.withBody("").text()).isEqualTo(none.text());
    assertThat(none.withBody("ab").header("Content-Length")).contains("2");
    assertThat(m.withBody(m.body())).isSameAs(m);
  }

  @Example
  void withUri_keepsMethodVersionAndSpacing() {
    RtspMessage m = message("PLAY  rtsp://a/b  RTSP/1.0\r\nCSeq: 1\r\n\r\n");
    assertThat(m.withUri("rtsp://c/d").startLine()).isEqualTo("PLAY  rtsp://c/d  RTSP/1.0");
    assertThatThrownBy(() -> message(Captures.VLC_461).withUri("x"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Example
  void startLines_requestsAndResponses() {
    RtspMessage r = RtspMessage.of("RTSP/1.0 461 Unsupported transport", List.of(), "");
    assertThat(r.status()).isEqualTo(461);
    assertThat(r.isRequest()).isFalse();
    assertThat(r.method()).isEmpty();
    assertThat(r.text()).isEqualTo("RTSP/1.0 461 Unsupported transport\r\n\r\n");
    RtspMessage q = RtspMessage.of("TEARDOWN rtsp://h/s RTSP/1.0", List.of(), "");
    assertThat(q.status()).isZero();
    assertThatThrownBy(() -> RtspMessage.of("HELLO", List.of(), ""))
        .hasMessageContaining("expected: METHOD URI RTSP/1.0 or RTSP/1.0 CODE REASON");
  }
}
