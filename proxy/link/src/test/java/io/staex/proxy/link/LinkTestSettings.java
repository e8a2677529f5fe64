package io.staex.proxy.link;

import java.time.Duration;

/**
 * Settings for tests, each value chosen here. The settings records have no defaults: a node's
 * come from conf's {@code reference.conf}. These are the same numbers, so that a test that does
 * not care runs with what a node would, but nothing checks that they stay the same
 * ({@code NodeConfigTest} pins reference.conf's).
 *
 * <p>One class per layer, each in its layer's test-jar and extending the one below, so that a
 * layer's tests name one class for their settings and those of the layers below (e.g. {@code
 * RelayTestSettings.link()}): this one, {@code RelayTestSettings}, {@code SessionTestSettings},
 * {@code StreamTestSettings} and the doors' {@code io.staex.proxy.TestSettings}. A layer's
 * settings cannot be made below the layer (its record is there), and a module's tests cannot see
 * the modules above it (Maven refuses the cycle).
 */
public class LinkTestSettings {
  /** A link's write buffer low water mark: 256 KiB. */
  public static final int WRITE_BUFFER_LOW = 256 * 1024;
  /** A link's write buffer high water mark: 1 MiB. */
  public static final int WRITE_BUFFER_HIGH = 1024 * 1024;

  /** For the layers above only: these are static helpers. */
  protected LinkTestSettings() {}

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

  /** Startups 10:30:64, 8 per source prefix, 2 s for the first handshake message. */
  public static StartupLimits startups() {
    return new StartupLimits(10, 30, 64, 8, Duration.ofSeconds(2));
  }
}
