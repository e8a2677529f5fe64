package io.staex.proxy.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * The stream layer's limits and timers. No defaults here: a node's come from its config
 * ({@code limits} in {@code reference.conf}).
 *
 * @param maxStreamsPerSession open streams in one session; an OPEN beyond it is reset {@code
 *     LIMIT}
 * @param maxStreams open streams in the whole node: with {@code window} and {@code
 *     windowGrowthTotal} this bounds the bytes buffered for streams (see below)
 * @param window bytes a stream's receiver first lets its sender have in flight (its credit
 *     window); it grows while the stream's reader keeps up with the path ({@code
 *     docs/sessions.md}, "Windows that grow")
 * @param openTimeout an opened stream the peer neither accepts nor refuses in this time is reset
 *     {@code TIMEOUT} (covers the session handshake and the service's connect)
 * @param connectTimeout connecting to a service's target
 * @param datagramQueue datagrams held node-wide while the relay is congested; when full, the
 *     oldest is dropped: at most {@code datagramQueue × FrameLimits.MAX_DATAGRAM} bytes
 * @param windowMax the most one stream's window grows to: the most this node buffers for one
 *     stream in each direction ({@code window} for windows that do not grow)
 * @param windowGrowthTotal the bytes all streams' windows together may have grown beyond {@code
 *     window}: with {@code maxStreams} it bounds what streams can buffer node-wide to {@code 2 ×
 *     (maxStreams × window + windowGrowthTotal)}
 */
public record StreamSettings(
    int maxStreamsPerSession, int maxStreams, int window, Duration openTimeout,
    Duration connectTimeout, int datagramQueue, int windowMax, long windowGrowthTotal) {

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
    if (windowMax < window || windowMax > MAX_WINDOW) {
      throw new IllegalArgumentException("windowMax: " + windowMax + " (expected: window "
          + window + " ~ " + MAX_WINDOW + ")");
    }
    if (windowGrowthTotal < 0) {
      throw new IllegalArgumentException(
          "windowGrowthTotal: " + windowGrowthTotal + " (expected: >= 0)");
    }
  }

  /** The largest window: a WINDOW frame's credit is a u32, and grants are a quarter of it. */
  public static final int MAX_WINDOW = 1 << 30;

  /** Settings whose windows stay at {@code window} (they never grow). */
  public StreamSettings(int maxStreamsPerSession, int maxStreams, int window,
      Duration openTimeout, Duration connectTimeout, int datagramQueue) {
    this(maxStreamsPerSession, maxStreams, window, openTimeout, connectTimeout, datagramQueue,
        window, 0);
  }

  /** These settings with windows that grow up to {@code windowMax}, all by {@code total}. */
  public StreamSettings withGrowingWindows(int windowMax, long total) {
    return new StreamSettings(maxStreamsPerSession, maxStreams, window, openTimeout,
        connectTimeout, datagramQueue, windowMax, total);
  }

  /** These settings with {@code datagramQueue} instead. */
  public StreamSettings withDatagramQueue(int datagramQueue) {
    return new StreamSettings(maxStreamsPerSession, maxStreams, window, openTimeout,
        connectTimeout, datagramQueue, windowMax, windowGrowthTotal);
  }
}
