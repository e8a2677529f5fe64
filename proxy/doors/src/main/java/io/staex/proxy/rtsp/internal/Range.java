package io.staex.proxy.rtsp.internal;

import java.util.Optional;

/**
 * A pair (or run) of numbers in a Transport parameter: RTP and RTCP ports such as {@code
 * client_port=5000-5001}, or interleaved channels such as {@code interleaved=0-1}.
 *
 * @param first the first number (RTP)
 * @param last the last number (RTCP); equal to {@code first} when only one was written
 */
public record Range(int first, int last) {

  public Range {
    if (first < 0 || last < first || last > 65535) {
      throw new IllegalArgumentException(
          "range: " + first + "-" + last + " (expected: 0 <= first <= last <= 65535)");
    }
  }

  /** The usual RTP/RTCP pair {@code first}, {@code first + 1}. */
  public static Range pair(int first) {
    return new Range(first, first + 1);
  }

  /** {@code 5000-5001} or {@code 5000}; empty when it is neither. */
  public static Optional<Range> parse(String text) {
    int dash = text.indexOf('-');
    long first = RtspText.digits(dash < 0 ? text : text.substring(0, dash), 5);
    long last = dash < 0 ? first : RtspText.digits(text.substring(dash + 1), 5);
    if (first < 0 || last < first || last > 65535) {
      return Optional.empty();
    }
    return Optional.of(new Range((int) first, (int) last));
  }

  @Override
  public String toString() {
    return first == last ? Integer.toString(first) : first + "-" + last;
  }
}
