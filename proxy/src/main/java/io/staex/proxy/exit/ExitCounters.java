package io.staex.proxy.exit;

import java.util.Map;

/**
 * An exit node's traffic since start.
 *
 * @param streams exit streams connected to their destination
 * @param open of them, still open
 * @param failed exit streams allowed whose connect failed (refused, timed out, unreachable)
 * @param bytesIn bytes from the openers to destinations, of streams that ended
 * @param bytesOut bytes from destinations to the openers, of streams that ended
 * @param refused refusals by reason, every reason present
 */
public record ExitCounters(long streams, long open, long failed, long bytesIn, long bytesOut,
    Map<ExitRefusal, Long> refused) {
  public ExitCounters {
    refused = Map.copyOf(refused);
  }

  /** All refusals together. */
  public long refusedTotal() {
    return refused.values().stream().mapToLong(Long::longValue).sum();
  }
}
