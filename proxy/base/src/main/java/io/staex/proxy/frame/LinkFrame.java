package io.staex.proxy.frame;

import java.util.List;
import java.util.Objects;

/**
 * A frame between two neighbours, inside one link record's plaintext; a record carries one or
 * more back to back. The layout is drawn once, in {@link LinkFrameCodec}.
 *
 * <p>Who creates what: a node creates {@link Keepalive}s and {@link Routing} frames for its own
 * links, and {@link Packet}s only with itself as the source. A relay never creates a packet and
 * never reads a payload: it may only decrement the TTL and edit the source route ({@link
 * Packet#forwarded()}, {@link Packet#rerouted}, or in place with {@link
 * LinkFrameCodec#forwardInPlace}), and create an {@link Unreachable} for a packet it cannot
 * deliver — never for an {@code Unreachable}, so notices cannot loop.
 */
public sealed interface LinkFrame
    permits LinkFrame.Keepalive, LinkFrame.Routing, LinkFrame.Packet, LinkFrame.Unreachable {

  /** The type byte of this frame. */
  LinkFrameType type();

  /** Keeps an idle link alive; a link that misses them is down (routing's keepalive settings). */
  record Keepalive() implements LinkFrame {
    @Override
    public LinkFrameType type() {
      return LinkFrameType.KEEPALIVE;
    }
  }

  /**
   * A chunk of a routing message ({@link io.staex.routing.RoutingCodec} bytes). A routing
   * message may be up to 4 MiB and a link record 64 KiB, so a message travels as chunks in
   * order, each but the last with {@code more} set; {@link RoutingAssembler} joins them.
   *
   * @param more whether another chunk of the same message follows
   * @param chunk 1~{@link FrameLimits#MAX_ROUTING_CHUNK} bytes
   */
  record Routing(boolean more, FrameBytes chunk) implements LinkFrame {
    public Routing {
      Objects.requireNonNull(chunk, "chunk");
      if (chunk.isEmpty() || chunk.size() > FrameLimits.MAX_ROUTING_CHUNK) {
        throw new IllegalArgumentException("routing chunk: " + chunk.size()
            + " bytes (expected: 1~" + FrameLimits.MAX_ROUTING_CHUNK + ")");
      }
    }

    @Override
    public LinkFrameType type() {
      return LinkFrameType.ROUTING;
    }
  }

  /**
   * The routed unit: opaque end-to-end bytes from {@code source} to {@code destination}.
   *
   * @param ttl relays left, 0~255; a relay refuses to forward a packet with TTL 0
   * @param flags 0~255, no bit defined yet: sent as 0, carried unchanged by relays, ignored
   * @param route the hops still to go, each a neighbour of the one before, the first a
   *     neighbour of the receiver, the last the destination; empty: the receiver decides with
   *     its own routing (at most {@link FrameLimits#MAX_ROUTE_HOPS})
   * @param payload a session frame; a relay never interprets it (at most {@link
   *     FrameLimits#MAX_PACKET_PAYLOAD} bytes)
   */
  record Packet(
      int ttl, int flags, NodeKey destination, NodeKey source, List<NodeKey> route,
      FrameBytes payload) implements LinkFrame {
    public Packet {
      PacketHeader.checkRouted(ttl, "flags", flags);
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(source, "source");
      route = PacketHeader.checkRoute(route, destination, "destination");
      Objects.requireNonNull(payload, "payload");
      PacketHeader.checkPayloadLength(payload.size());
    }

    /** A new packet from its source: {@link FrameLimits#DEFAULT_TTL}, no flags. */
    public static Packet of(
        NodeKey destination, NodeKey source, List<NodeKey> route, FrameBytes payload) {
      return new Packet(FrameLimits.DEFAULT_TTL, 0, destination, source, route, payload);
    }

    /** The header alone, as {@link LinkFrameCodec#readPacket} gives it to relays. */
    public PacketHeader header() {
      return new PacketHeader(ttl, flags, destination, source, route, payload.size());
    }

    /**
     * This packet as the next hop gets it: TTL minus one, the first route hop (the neighbour it
     * is sent to) removed. The payload is the same object.
     *
     * @throws IllegalStateException if the TTL is 0: answer {@link UnreachableReason#TTL_EXPIRED}
     */
    public Packet forwarded() {
      PacketHeader.checkLive(ttl);
      return new Packet(ttl - 1, flags, destination, source, PacketHeader.pop(route), payload);
    }

    /**
     * This packet with TTL minus one and a new route, chosen by this node for a packet that
     * arrived without one (see {@code docs/routing.md}): send it to {@code next} where {@code
     * route} is the deciding node's path without its first element {@code next}.
     *
     * @throws IllegalStateException if the TTL is 0
     */
    public Packet rerouted(List<NodeKey> route) {
      PacketHeader.checkLive(ttl);
      return new Packet(ttl - 1, flags, destination, source, route, payload);
    }

    @Override
    public LinkFrameType type() {
      return LinkFrameType.PACKET;
    }
  }

  /**
   * A relay could not deliver a packet from {@code source} to {@code destination}; routed back
   * to {@code source} in clear. Relays route it like a packet whose destination is {@code
   * source}; it has no payload, but it <b>quotes</b> the failed packet: the first {@link
   * FrameLimits#MAX_UNREACHABLE_QUOTE} bytes of its payload (fewer if the payload is shorter),
   * as ICMP quotes the datagram that failed (RFC 5927). Only a node that saw the packet knows
   * them (a session frame's random id, record counter and ciphertext, or a HELLO's ephemeral
   * key), so the source can tell a real notice from one forged off the path.
   *
   * @param ttl relays left, 0~255
   * @param route hops still to go towards {@code source}, the last one {@code source}
   * @param quote 0~{@link FrameLimits#MAX_UNREACHABLE_QUOTE} bytes: the failed packet's payload
   *     prefix
   */
  record Unreachable(
      int ttl, UnreachableReason reason, NodeKey source, NodeKey destination,
      List<NodeKey> route, FrameBytes quote) implements LinkFrame {
    public Unreachable {
      Objects.requireNonNull(reason, "reason");
      PacketHeader.checkRouted(ttl, "reason", reason.code());
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(destination, "destination");
      route = PacketHeader.checkRoute(route, source, "source");
      Objects.requireNonNull(quote, "quote");
      if (quote.size() > FrameLimits.MAX_UNREACHABLE_QUOTE) {
        throw new IllegalArgumentException("quote: " + quote.size() + " bytes (expected: at most "
            + FrameLimits.MAX_UNREACHABLE_QUOTE + ")");
      }
    }

    /** A notice that quotes nothing (a source verifies nothing with it: it ends nothing). */
    public Unreachable(
        int ttl, UnreachableReason reason, NodeKey source, NodeKey destination,
        List<NodeKey> route) {
      this(ttl, reason, source, destination, route, FrameBytes.empty());
    }

    /**
     * The notice a relay sends about the packet {@code failed}: towards its source with {@link
     * FrameLimits#DEFAULT_TTL} and {@code route} (the relay's own routing decision for the
     * source; empty if it has none, e.g. to send it to its active parent). It quotes nothing yet:
     * the relay adds the quote with {@link #quoting} where it holds the payload.
     */
    public static Unreachable about(
        PacketHeader failed, UnreachableReason reason, List<NodeKey> route) {
      return new Unreachable(
          FrameLimits.DEFAULT_TTL, reason, failed.source(), failed.destination(), route);
    }

    /** The quote of {@code payload} (its first {@link FrameLimits#MAX_UNREACHABLE_QUOTE} bytes). */
    public static FrameBytes quoteOf(FrameBytes payload) {
      return payload.size() <= FrameLimits.MAX_UNREACHABLE_QUOTE ? payload
          : payload.slice(0, FrameLimits.MAX_UNREACHABLE_QUOTE);
    }

    /** This notice quoting {@code failedPayload}, the failed packet's payload (copied). */
    public Unreachable quoting(FrameBytes failedPayload) {
      return new Unreachable(ttl, reason, source, destination, route,
          FrameBytes.copyOf(quoteOf(failedPayload).toByteArray()));
    }

    /** As {@link Packet#forwarded()}. */
    public Unreachable forwarded() {
      PacketHeader.checkLive(ttl);
      return new Unreachable(
          ttl - 1, reason, source, destination, PacketHeader.pop(route), quote);
    }

    /** As {@link Packet#rerouted}. */
    public Unreachable rerouted(List<NodeKey> route) {
      PacketHeader.checkLive(ttl);
      return new Unreachable(ttl - 1, reason, source, destination, route, quote);
    }

    @Override
    public LinkFrameType type() {
      return LinkFrameType.UNREACHABLE;
    }
  }
}
