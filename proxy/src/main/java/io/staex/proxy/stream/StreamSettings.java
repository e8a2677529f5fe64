package io.staex.proxy.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * The stream layer's limits and timers; defaults in {@link #defaults()}, mirrored by the node
 * config's {@code reference.conf}.
 *
 * @param maxStreamsPerSession open streams in one session; an OPEN beyond it is reset {@code
 *     LIMIT}
 * @param maxStreams open streams in the whole node: with {@code window} this bounds the bytes
 *     buffered for streams to {@code 2 × maxStreams × window} at worst
 * @param window bytes a stream's receiver lets its sender have in flight (its credit window): the
 *     most this node buffers for one stream in each direction
 * @param openTimeout an opened stream the peer neither accepts nor refuses in this time is reset
 *     {@code TIMEOUT} (covers the session handshake and the service's connect)
 * @param connectTimeout connecting to a service's target
 */
public record StreamSettings(
    int maxStreamsPerSession, int maxStreams, int window, Duration openTimeout,
    Duration connectTimeout) {

  public StreamSettings {
    if (maxStreamsPerSession < 1 || maxStreams < 1) {
      throw new IllegalArgumentException("maxStreamsPerSession: " + maxStreamsPerSession
          + ", maxStreams: " + maxStreams + " (expected: >= 1)");
    }
    if (window < 1024) {
      throw new IllegalArgumentException("window: " + window + " (expected: >= 1024)");
    }
    Objects.requireNonNull(openTimeout, "openTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (openTimeout.isNegative() || openTimeout.isZero()
        || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("openTimeout: " + openTimeout + ", connectTimeout: "
          + connectTimeout + " (expected: > 0)");
    }
  }

  /** 256 streams per session, 4096 per node, 256 KiB window, 20 s to open, 10 s to connect. */
  public static StreamSettings defaults() {
    return new StreamSettings(256, 4096, 256 * 1024, Duration.ofSeconds(20),
        Duration.ofSeconds(10));
  }
}
