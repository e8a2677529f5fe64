package io.staex.conf;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code staex.limits}: the bounds that keep a node's memory and CPU finite under load or
 * abuse. Defaults in {@link #defaults()} and {@code reference.conf}; every value is positive.
 *
 * @param maxLinks most links (children and parents) at once; more handshakes are refused
 * @param maxSessions most end-to-end sessions at once
 * @param maxStreamsPerSession most open streams in one session; more OPENs are refused
 * @param maxStreams most open streams in the whole node, either way
 * @param streamBufferBytes bytes one stream may have in flight (its flow-control window)
 * @param linkBufferBytes bytes queued for one link before reading from its sources pauses
 * @param handshakesPerSecondPerSource handshakes accepted per second from one IP address
 * @param idleTimeout a session with no open streams and no traffic for this long is closed
 * @param handshakeTimeout a link or session handshake not finished in this time is abandoned
 * @param datagramQueue datagrams held node-wide while the relay is congested; when full, the
 *     oldest is dropped
 */
public record Limits(
    int maxLinks,
    int maxSessions,
    int maxStreamsPerSession,
    int maxStreams,
    int streamBufferBytes,
    int linkBufferBytes,
    int handshakesPerSecondPerSource,
    Duration idleTimeout,
    Duration handshakeTimeout,
    int datagramQueue) {

  public Limits {
    positive("maxLinks", maxLinks);
    positive("maxSessions", maxSessions);
    positive("maxStreamsPerSession", maxStreamsPerSession);
    positive("maxStreams", maxStreams);
    positive("streamBufferBytes", streamBufferBytes);
    positive("linkBufferBytes", linkBufferBytes);
    positive("handshakesPerSecondPerSource", handshakesPerSecondPerSource);
    positive("idleTimeout", idleTimeout);
    positive("handshakeTimeout", handshakeTimeout);
    positive("datagramQueue", datagramQueue);
  }

  /**
   * 1024 links, 4096 sessions, 256 streams per session, 4096 streams, 256 KiB per stream,
   * 4 MiB per link, 20 handshakes per second per source, 5 min idle timeout, 10 s handshake
   * timeout, 256 datagrams queued. See {@code reference.conf} for the reasons.
   */
  public static Limits defaults() {
    return new Limits(
        1024, 4096, 256, 4096, 256 * 1024, 4 * 1024 * 1024, 20, Duration.ofMinutes(5),
        Duration.ofSeconds(10), 256);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
