package io.staex.proxy.rtsp.internal;

import static io.staex.proxy.rtsp.internal.RtspParserTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Example;

class RtspExchangesTest {

  @Example
  void aReply_isPairedWithItsSetup_byCseq_andNamesTheSession() {
    RtspExchanges x = new RtspExchanges();
    x.sent(message(Captures.FFMPEG_DESCRIBE));
    x.sent(message(Captures.FFMPEG_SETUP_UDP));
    assertThat(x.pending()).isEqualTo(2);
    Optional<RtspExchanges.Request> setup = x.answered(message(Captures.VLC_SETUP_REPLY));
    assertThat(setup).contains(new RtspExchanges.Request("SETUP",
        "rtsp://127.0.0.1:8554/test/trackID=0",
        Optional.of("RTP/AVP/UDP;unicast;client_port=24510-24511")));
    assertThat(x.session()).isEqualTo("7a8f3b2c1d4e5f60");
    assertThat(x.answered(message(Captures.VLC_SETUP_REPLY))).isEmpty();
    assertThat(x.answered(message(Captures.VLC_DESCRIBE_REPLY)).orElseThrow().method())
        .isEqualTo("DESCRIBE");
    assertThat(x.pending()).isZero();
  }

  @Example
  void unansweredRequests_areBounded() {
    RtspExchanges x = new RtspExchanges();
    for (int i = 0; i < RtspExchanges.MAX_PENDING + 5; i++) {
      x.sent(RtspMessage.of("GET_PARAMETER rtsp://h/ RTSP/1.0",
          List.of(RtspHeader.of("CSeq", Integer.toString(i))), ""));
    }
    assertThat(x.pending()).isEqualTo(RtspExchanges.MAX_PENDING);
    assertThat(x.answered(RtspMessage.of("RTSP/1.0 200 OK",
        List.of(RtspHeader.of("CSeq", "0")), ""))).isEmpty();
    assertThat(x.answered(RtspMessage.of("RTSP/1.0 200 OK",
        List.of(RtspHeader.of("CSeq", "5")), ""))).isPresent();
  }
}
