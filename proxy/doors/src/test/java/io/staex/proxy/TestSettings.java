package io.staex.proxy;

import io.staex.proxy.link.LinkTestSettings;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.stream.StreamTestSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * The doors' settings for tests, and every layer's below them: {@code TestSettings.link()},
 * {@code relay()}, {@code sessions()}, {@code streams()} (see {@link LinkTestSettings}).
 */
public final class TestSettings extends StreamTestSettings {
  private TestSettings() {}

  /** Loopback 127.0.0.1:1080, no credentials, 10 s handshake timeout, 256 pending. */
  public static SocksSettings socks() {
    return new SocksSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1080),
        Optional.empty(), Duration.ofSeconds(10), 256);
  }
}
