package io.staex.proxy.rtsp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.Example;

class RtspAuthorityTest {

  static Optional<RtspAuthority> of(String url) {
    return RtspAuthority.ofUrl(url);
  }

  @Example
  void forms_normaliseToHostAndPort() {
    RtspAuthority lan = new RtspAuthority("10.77.1.2", 8555);
    assertThat(of("rtsp://10.77.1.2:8555/test/trackID=0")).contains(lan);
    assertThat(of("RTSP://10.77.1.2:8555")).contains(lan);
    assertThat(of("rtsp://u:p@10.77.1.2:8555/")).contains(lan);
    assertThat(of("rtsp://Cam.Example/x")).contains(new RtspAuthority("cam.example", 554));
    assertThat(of("rtsp://cam.example:554")).isEqualTo(of("rtsp://CAM.example/"));
    assertThat(of("rtsp://[::1]:8554/x")).contains(new RtspAuthority("[::1]", 8554));
    assertThat(of("rtsp://[0:0:0:0:0:0:0:1]:8554")).contains(new RtspAuthority("[::1]", 8554));
    assertThat(of("rtsp://[FE80::1]")).contains(new RtspAuthority("[fe80::1]", 554));
    assertThat(lan.format()).isEqualTo("10.77.1.2:8555");
  }

  @Example
  void notRtspOrMalformed_isEmpty() {
    for (String bad : new String[] {"http://h/", "rtsp://", "rtsp://h:0", "rtsp://h:65536",
        "rtsp://h:x", "rtsp://[::1", "rtsp://[::1]x:5", "*", "trackID=0", "rtsp://:554/"}) {
      assertThat(of(bad)).as(bad).isEmpty();
    }
  }
}
