package io.staex.proxy.stream;

import io.staex.proxy.link.LinkTestSettings;
import io.staex.proxy.session.SessionTestSettings;
import java.time.Duration;

/** The stream layer's settings for tests, and those below it ({@link LinkTestSettings}). */
public class StreamTestSettings extends SessionTestSettings {
  /** For the layers above only: these are static helpers. */
  protected StreamTestSettings() {}

  /**
   * 256 streams per session, 4096 per node, 256 KiB window, 20 s to open, 10 s to connect, 256
   * datagrams queued.
   */
  public static StreamSettings streams() {
    return new StreamSettings(256, 4096, 256 * 1024, Duration.ofSeconds(20),
        Duration.ofSeconds(10), 256);
  }
}
