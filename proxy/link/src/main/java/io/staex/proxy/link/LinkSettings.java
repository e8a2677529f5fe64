package io.staex.proxy.link;

import io.staex.crypto.RecordLayer;
import io.staex.proxy.frame.FrameLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Timers and limits of a link. No defaults here: a node's come from its config ({@code
 * routing} and {@code limits} in {@code reference.conf}).
 *
 * @param keepaliveInterval a KEEPALIVE is sent after this long without writing
 * @param missedKeepalives the link is closed ("keepalive timeout") after {@code
 *     keepaliveInterval × missedKeepalives} without reading anything
 * @param handshakeTimeout a connection whose handshake has not finished by then is closed
 * @param maxRecordSize the largest sealed record accepted (counter, ciphertext and tag, without
 *     the 4-byte length); a longer length closes the link. {@value #MIN_RECORD_SIZE}~{@value
 *     #MAX_RECORD_SIZE}
 * @param writeBufferLowWaterMark a link becomes writable again when its outbound buffer falls
 *     below this many bytes
 * @param writeBufferHighWaterMark a link stops being writable ({@link Link#isWritable()}) when
 *     its outbound buffer grows above this many bytes; at least the low mark
 */
public record LinkSettings(
    Duration keepaliveInterval, int missedKeepalives, Duration handshakeTimeout,
    int maxRecordSize, int writeBufferLowWaterMark, int writeBufferHighWaterMark) {
  /** The largest record: a full link record plaintext sealed. */
  public static final int MAX_RECORD_SIZE =
      FrameLimits.MAX_LINK_RECORD_PLAINTEXT + RecordLayer.OVERHEAD;
  /** The smallest limit that still lets every frame through in some record. */
  public static final int MIN_RECORD_SIZE = MAX_RECORD_SIZE;

  public LinkSettings {
    Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (keepaliveInterval.isNegative() || keepaliveInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "keepaliveInterval: " + keepaliveInterval + " (expected: 1 ms or more)");
    }
    if (missedKeepalives < 1) {
      throw new IllegalArgumentException(
          "missedKeepalives: " + missedKeepalives + " (expected: 1 or more)");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "handshakeTimeout: " + handshakeTimeout + " (expected: 1 ms or more)");
    }
    if (maxRecordSize < MIN_RECORD_SIZE || maxRecordSize > MAX_RECORD_SIZE) {
      throw new IllegalArgumentException("maxRecordSize: " + maxRecordSize
          + " (expected: " + MIN_RECORD_SIZE + "~" + MAX_RECORD_SIZE + ")");
    }
    if (writeBufferLowWaterMark < 1 || writeBufferHighWaterMark < writeBufferLowWaterMark) {
      throw new IllegalArgumentException("write buffer water marks: " + writeBufferLowWaterMark
          + "/" + writeBufferHighWaterMark + " (expected: 1 <= low <= high)");
    }
  }

  /** How long the link may stay silent before it is closed. */
  public Duration readTimeout() {
    return keepaliveInterval.multipliedBy(missedKeepalives);
  }

  public LinkSettings withKeepalive(Duration interval, int missed) {
    return new LinkSettings(interval, missed, handshakeTimeout, maxRecordSize,
        writeBufferLowWaterMark, writeBufferHighWaterMark);
  }

  public LinkSettings withHandshakeTimeout(Duration timeout) {
    return new LinkSettings(keepaliveInterval, missedKeepalives, timeout, maxRecordSize,
        writeBufferLowWaterMark, writeBufferHighWaterMark);
  }

  public LinkSettings withWriteBufferWaterMarks(int low, int high) {
    return new LinkSettings(
        keepaliveInterval, missedKeepalives, handshakeTimeout, maxRecordSize, low, high);
  }
}
