package io.staex.proxy.frame;

import java.util.List;
import java.util.Objects;

/**
 * The header of a {@link LinkFrame.Packet} without its payload: what a relay reads to forward a
 * packet ({@link LinkFrameCodec#readPacket}). Components as in {@link LinkFrame.Packet}.
 *
 * @param payloadLength 0~{@link FrameLimits#MAX_PACKET_PAYLOAD}
 */
public record PacketHeader(
    int ttl, int flags, NodeKey destination, NodeKey source, List<NodeKey> route,
    int payloadLength) {

  public PacketHeader {
    checkRouted(ttl, "flags", flags);
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(source, "source");
    route = checkRoute(route, destination, "destination");
    checkPayloadLength(payloadLength);
  }

  /** Bytes of the encoded header, type byte included: {@code 71 + 32 × hops}. */
  public int size() {
    return LinkFrameCodec.PACKET_FIXED_SIZE + route.size() * NodeKey.SIZE;
  }

  /** Bytes of the whole encoded PACKET frame. */
  public int frameSize() {
    return size() + payloadLength;
  }

  /** As {@link LinkFrame.Packet#forwarded()}. */
  public PacketHeader forwarded() {
    checkLive(ttl);
    return new PacketHeader(ttl - 1, flags, destination, source, pop(route), payloadLength);
  }

  /** As {@link LinkFrame.Packet#rerouted}. */
  public PacketHeader rerouted(List<NodeKey> route) {
    checkLive(ttl);
    return new PacketHeader(ttl - 1, flags, destination, source, route, payloadLength);
  }

  // ---- checks shared by Packet, PacketHeader and Unreachable ----

  static void checkRouted(int ttl, String byteName, int byteValue) {
    if (ttl < 0 || ttl > 255) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: 0~255)");
    }
    if (byteValue < 0 || byteValue > 255) {
      throw new IllegalArgumentException(byteName + ": " + byteValue + " (expected: 0~255)");
    }
  }

  /** An immutable copy of {@code route}, checked: at most MAX_ROUTE_HOPS, ending at target. */
  static List<NodeKey> checkRoute(List<NodeKey> route, NodeKey target, String targetName) {
    List<NodeKey> copy = List.copyOf(route);
    if (copy.size() > FrameLimits.MAX_ROUTE_HOPS) {
      throw new IllegalArgumentException("route: " + copy.size() + " hops (expected: at most "
          + FrameLimits.MAX_ROUTE_HOPS + ")");
    }
    if (!copy.isEmpty() && !copy.get(copy.size() - 1).equals(target)) {
      throw new IllegalArgumentException("route: last hop " + copy.get(copy.size() - 1)
          + " (expected: the " + targetName + " " + target + ")");
    }
    return copy;
  }

  static void checkPayloadLength(int length) {
    if (length < 0 || length > FrameLimits.MAX_PACKET_PAYLOAD) {
      throw new IllegalArgumentException("payload: " + length + " bytes (expected: 0~"
          + FrameLimits.MAX_PACKET_PAYLOAD + ")");
    }
  }

  static void checkLive(int ttl) {
    if (ttl == 0) {
      throw new IllegalStateException(
          "ttl 0: the frame expired here (expected: a relay answers TTL_EXPIRED instead)");
    }
  }

  static List<NodeKey> pop(List<NodeKey> route) {
    return route.isEmpty() ? route : route.subList(1, route.size());
  }
}
