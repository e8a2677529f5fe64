package io.staex.proxy.session;

import io.staex.proxy.link.LinkTestSettings;
import io.staex.proxy.relay.RelayTestSettings;
import java.time.Duration;

/** The session layer's settings for tests, and those below it ({@link LinkTestSettings}). */
public class SessionTestSettings extends RelayTestSettings {
  /** For the layers above only: these are static helpers. */
  protected SessionTestSettings() {}

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
}
