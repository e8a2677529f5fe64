package io.staex.proxy.rtsp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TransportTest {

  static Transport parsed(String value) {
    return Transport.parse(value).orElseThrow();
  }

  @Example
  void realValues_parseAndFormatBackTheSame() {
    String[] values = {
      "RTP/AVP;unicast;client_port=5000-5001",
      "RTP/AVP/UDP;unicast;client_port=24510-24511",
      "RTP/AVP/TCP;unicast;interleaved=0-1",
      "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=1D4C3A8B;mode=\"PLAY\"",
      "RTP/AVP/UDP;unicast;client_port=24510-24511;server_port=37164-37165;ssrc=5C8C4C2F;mode=play",
      "RTP/AVP;multicast;destination=224.2.0.1;port=3456-3457;ttl=16",
      "RTP/AVP;unicast;client_port=3456-3457;mode=\"PLAY\",RTP/AVP/TCP;unicast;interleaved=0-1",
      "RTP/AVP;unicast;source=10.77.1.2;client_port=5000-5001;x-vendor-thing;rtcp-mux",
      "RTP/SAVPF/UDP;unicast;client_port=5000",
    };
    for (String v : values) {
      assertThat(parsed(v).format()).as(v).isEqualTo(v);
    }
  }

  @Example
  void views_ofFfmpegAndVlcTransports() {
    TransportSpec udp = parsed("RTP/AVP/UDP;unicast;client_port=24510-24511").first();
    assertThat(udp.isInterleaved()).isFalse();
    assertThat(udp.clientPorts()).contains(new Range(24510, 24511));
    assertThat(udp.serverPorts()).isEmpty();
    assertThat(udp.param("unicast")).contains("");
    TransportSpec tcp = parsed("RTP/AVP/TCP;unicast;interleaved=0-1").first();
    assertThat(tcp.isInterleaved()).isTrue();
    assertThat(tcp.interleaved()).contains(new Range(0, 1));
    TransportSpec vlc = parsed("RTP/AVP/UDP;unicast;client_port=24510-24511;"
        + "server_port=37164-37165;ssrc=5C8C4C2F;mode=play").first();
    assertThat(vlc.serverPorts()).contains(Range.pair(37164));
    assertThat(vlc.param("SSRC")).contains("5C8C4C2F");
    assertThat(parsed("rtp/avp/tcp;interleaved=2").first().interleaved())
        .contains(new Range(2, 2));
    assertThat(parsed("RTP/AVP").first().isInterleaved()).isFalse();
  }

  @Example
  void offers_findTheFirstOfAKind() {
    Transport offer = parsed("RTP/AVP;unicast;client_port=3456-3457,RTP/AVP/TCP;interleaved=0-1");
    assertThat(offer.firstWhere(true).orElseThrow().interleaved()).contains(Range.pair(0));
    assertThat(offer.firstWhere(false)).contains(offer.first());
    assertThat(offer.specs()).hasSize(2);
  }

  @Example
  void udpRequest_becomesInterleaved_keepingWhatIsNotAboutUdp() {
    TransportSpec ffmpeg = parsed("RTP/AVP/UDP;unicast;client_port=24510-24511;mode=play").first();
    assertThat(ffmpeg.asInterleaved(Range.pair(4)).format())
        .isEqualTo("RTP/AVP/TCP;unicast;mode=play;interleaved=4-5");
    TransportSpec gst = parsed("RTP/AVP;unicast;client_port=5000-5001;x-foo=1").first();
    assertThat(gst.asInterleaved(Range.pair(0)).format())
        .isEqualTo("RTP/AVP/TCP;unicast;x-foo=1;interleaved=0-1");
  }

  @Example
  void interleavedReply_becomesUdp_withTheGivenPorts() {
    TransportSpec gst =
        parsed("RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=1D4C3A8B;mode=\"PLAY\"").first();
    assertThat(gst.asUdp(Range.pair(24510), Range.pair(40000)).format()).isEqualTo(
        "RTP/AVP;unicast;ssrc=1D4C3A8B;mode=\"PLAY\";client_port=24510-24511;"
            + "server_port=40000-40001");
    TransportSpec udp = parsed("RTP/AVP/UDP;unicast;client_port=1-2").first();
    assertThat(udp.asUdp(Range.pair(5000), Range.pair(6000)).format())
        .isEqualTo("RTP/AVP/UDP;unicast;client_port=5000-5001;server_port=6000-6001");
    assertThat(udp.withLowerTransport("UDP").with("Client_Port", "7-8").format())
        .isEqualTo("RTP/AVP/UDP;unicast;Client_Port=7-8");
  }

  @Example
  void malformedValues_areEmpty_soTheHeaderPassesUntouched() {
    for (String bad : new String[] {"", "RTP", "RTP/AVP;;unicast", "RTP/AVP,", "RTP/A VP",
        "RTP/AVP/TCP/X", "/AVP"}) {
      assertThat(Transport.parse(bad)).as(bad).isEmpty();
    }
    assertThat(Range.parse("5000-4999")).isEmpty();
    assertThat(Range.parse("65536")).isEmpty();
    assertThat(Range.parse("1-")).isEmpty();
    assertThat(parsed("RTP/AVP;client_port=x").first().clientPorts()).isEmpty();
  }

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> tokens = RtspArbitraries.tokens().filter(t -> !t.contains("$"));
    Arbitrary<String> params = Combinators.combine(tokens, Arbitraries.of("", "=5000-5001",
        "=0", "=\"PLAY\"", "=10.77.1.2")).as((n, v) -> ";" + n + v);
    Arbitrary<String> specs = Combinators.combine(tokens, tokens,
            Arbitraries.of("", "/TCP", "/UDP", "/tcp"), params.list().ofMaxSize(6))
        .as((p, prof, lower, ps) -> p + "/" + prof + lower + String.join("", ps));
    return specs.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(",", l));
  }

  @Property(tries = 300)
  void canonicalValues_formatBackTheSame(@ForAll("values") String value) {
    Optional<Transport> t = Transport.parse(value);
    assertThat(t).isPresent();
    assertThat(t.get().format()).isEqualTo(value);
    assertThat(t.get().map(s -> s).specs()).isEqualTo(t.get().specs());
    assertThat(List.of(t.get().first())).hasSize(1);
  }
}
