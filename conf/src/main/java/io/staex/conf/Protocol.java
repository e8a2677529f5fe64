package io.staex.conf;

import java.util.Locale;
import java.util.Optional;

/**
 * What a forward or a service carries, as the config names it ({@code protocol = rtsp}).
 * {@link #TCP} is the default: bytes pass untouched. {@link #RTSP}: the node understands RTSP
 * 1.0 on the stream and makes RTP over UDP work across the overlay ({@code docs/rtsp.md}).
 * {@link #UDP}: the forward listens on a UDP port and the service sends to a UDP target, each
 * client flow carried as datagrams of one stream ({@code docs/udp.md}).
 */
public enum Protocol {
  TCP,
  RTSP,
  UDP;

  /** The values as written in a config file. */
  public static final String EXPECTED = "tcp, rtsp or udp";

  /** {@code tcp}, {@code rtsp} or {@code udp} (any case); empty for anything else. */
  public static Optional<Protocol> parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "tcp" -> Optional.of(TCP);
      case "rtsp" -> Optional.of(RTSP);
      case "udp" -> Optional.of(UDP);
      default -> Optional.empty();
    };
  }

  /** As written in a config file. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
