package io.staex.routing.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routing messages sent so far, in total and by message type, with their estimated bytes on
 * the wire ({@code RoutingCodec} encoding, see {@link MessageSizes}), and how many were lost (sent on a failed link, or in
 * flight when it failed).
 */
public record Traffic(
    long messages, long bytes, long lost, Map<String, Long> messagesByType,
    Map<String, Long> bytesByType) {

  public Traffic {
    messagesByType = Map.copyOf(messagesByType);
    bytesByType = Map.copyOf(bytesByType);
  }

  /** What was sent between {@code earlier} and this snapshot. */
  public Traffic minus(Traffic earlier) {
    Map<String, Long> m = new LinkedHashMap<>();
    Map<String, Long> b = new LinkedHashMap<>();
    messagesByType.forEach((k, v) -> m.put(k, v - earlier.messagesByType.getOrDefault(k, 0L)));
    bytesByType.forEach((k, v) -> b.put(k, v - earlier.bytesByType.getOrDefault(k, 0L)));
    return new Traffic(messages - earlier.messages, bytes - earlier.bytes, lost - earlier.lost, m, b);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(messages).append(" messages, ").append(bytes).append(" bytes, ").append(lost)
        .append(" lost");
    messagesByType.keySet().stream().sorted().forEach(k -> sb.append("; ").append(k).append(' ')
        .append(messagesByType.get(k)).append(" (").append(bytesByType.get(k)).append(" B)"));
    return sb.toString();
  }
}
