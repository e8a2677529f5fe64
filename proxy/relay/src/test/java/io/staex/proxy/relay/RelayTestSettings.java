package io.staex.proxy.relay;

import io.staex.proxy.link.LinkTestSettings;
import io.staex.routing.RoutingSettings;
import java.util.List;
import java.util.Optional;

/** The relay's settings for tests, and the link's below it ({@link LinkTestSettings}). */
public class RelayTestSettings extends LinkTestSettings {
  /** Bytes queued for one link before frames for it are dropped: 4 MiB. */
  public static final long LINK_QUEUE_BYTES = 4L * WRITE_BUFFER_HIGH;

  /** For the layers above only: these are static helpers. */
  protected RelayTestSettings() {}

  /**
   * No server, no parents; {@link LinkTestSettings#link()}, routing's defaults, {@link
   * LinkTestSettings#backoff()}, 1024 links, {@link #LINK_QUEUE_BYTES} per link, 20 handshakes
   * per second per source prefix, {@link LinkTestSettings#startups()}.
   */
  public static RelaySettings relay() {
    return new RelaySettings(Optional.empty(), 1024, List.of(), link(),
        RoutingSettings.defaults(), backoff(), LINK_QUEUE_BYTES, 20, startups(), 200);
  }
}
