package io.staex.proxy;

import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.RedialBackoff;
import io.staex.proxy.link.StartupLimits;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.stream.StreamSettings;
import io.staex.routing.RoutingSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings for tests, each value chosen here. The settings records have no defaults: a node's
 * come from conf's {@code reference.conf}. These are the same numbers, so that a test that does
 * not care runs with what a node would, but nothing checks that they stay the same
 * ({@code NodeConfigTest} pins reference.conf's).
 */
public final class TestSettings {
  /** A link's write buffer low water mark: 256 KiB. */
  public static final int WRITE_BUFFER_LOW = 256 * 1024;
  /** A link's write buffer high water mark: 1 MiB. */
  public static final int WRITE_BUFFER_HIGH = 1024 * 1024;
  /** Bytes queued for one link before frames for it are dropped: 4 MiB. */
  public static final long LINK_QUEUE_BYTES = 4L * WRITE_BUFFER_HIGH;

  private TestSettings() {}

  /** 5 s keepalives, 3 missed, 10 s handshake timeout. */
  public static LinkSettings link() {
    return link(Duration.ofSeconds(5), 3, Duration.ofSeconds(10));
  }

  /** The largest records and the water marks above. */
  public static LinkSettings link(Duration keepalive, int missed, Duration handshakeTimeout) {
    return new LinkSettings(keepalive, missed, handshakeTimeout, LinkSettings.MAX_RECORD_SIZE,
        WRITE_BUFFER_LOW, WRITE_BUFFER_HIGH);
  }

  /** 100 ms doubling to 30 s. */
  public static RedialBackoff backoff() {
    return new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(30));
  }

  /**
   * No server, no parents; {@link #link()}, routing's defaults, {@link #backoff()}, 1024 links,
   * {@link #LINK_QUEUE_BYTES} per link, 20 handshakes per second per source prefix, {@link
   * #startups()}.
   */
  public static RelaySettings relay() {
    return new RelaySettings(Optional.empty(), 1024, List.of(), link(),
        RoutingSettings.defaults(), backoff(), LINK_QUEUE_BYTES, 20, startups(), 200);
  }

  /** Startups 10:30:64, 8 per source prefix, 2 s for the first handshake message. */
  public static StartupLimits startups() {
    return new StartupLimits(10, 30, 64, 8, Duration.ofSeconds(2));
  }

  /**
   * 4096 sessions, 20 handshakes per second per peer, 10 s handshake timeout, first HELLO retry
   * after 1 s, 5 min idle timeout, rekey after 30 min, 256 KiB queued while handshaking,
   * keepalives every 5 s while streams are open, 16 sessions per peer, 1 s probe timeout, 10
   * probes answered per second per peer, 30 s path grace, 4 MiB of sent records kept.
   */
  public static SessionSettings sessions() {
    return new SessionSettings(4096, 20, Duration.ofSeconds(10), Duration.ofSeconds(1),
        Duration.ofMinutes(5), Duration.ofMinutes(30), 256 * 1024, Duration.ofSeconds(5),
        100, 16, Duration.ofSeconds(1), 10, Duration.ofSeconds(30), 4 * 1024 * 1024);
  }

  /**
   * 256 streams per session, 4096 per node, 256 KiB window, 20 s to open, 10 s to connect, 256
   * datagrams queued.
   */
  public static StreamSettings streams() {
    return new StreamSettings(256, 4096, 256 * 1024, Duration.ofSeconds(20),
        Duration.ofSeconds(10), 256);
  }

  /** Loopback 127.0.0.1:1080, no credentials, 10 s handshake timeout, 256 pending. */
  public static SocksSettings socks() {
    return new SocksSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1080),
        Optional.empty(), Duration.ofSeconds(10), 256);
  }
}
