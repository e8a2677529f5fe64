package io.staex.proxy.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * The stream layer's limits and timers. No defaults here: a node's come from its config
 * ({@code limits} in {@code reference.conf}).
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
 * @param datagramQueue datagrams held node-wide while the relay is congested; when full, the
 *     oldest is dropped: at most {@code datagramQueue × FrameLimits.MAX_DATAGRAM} bytes
 */
public record StreamSettings(
    int maxStreamsPerSession, int maxStreams, int window, Duration openTimeout,
    Duration connectTimeout, int datagramQueue) {

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
    if (datagramQueue < 1) {
      throw new IllegalArgumentException(
          "datagramQueue: " + datagramQueue + " (expected: >= 1)");
    }
  }

  /** These settings with {@code datagramQueue} instead. */
  public StreamSettings withDatagramQueue(int datagramQueue) {
    return new StreamSettings(maxStreamsPerSession, maxStreams, window, openTimeout,
        connectTimeout, datagramQueue);
  }
}
