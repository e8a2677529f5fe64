package io.staex.proxy.frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Arbitrary frames of every layer, for the codec properties. */
final class FrameArbitraries {
  private FrameArbitraries() {}

  static Arbitrary<NodeKey> keys() {
    return Arbitraries.bytes().array(byte[].class).ofSize(NodeKey.SIZE).map(NodeKey::copyOf);
  }

  /** Bytes of 0~{@code max}: mostly short, sometimes any length, sometimes exactly 0 or max. */
  static Arbitrary<FrameBytes> bytes(int min, int max) {
    Arbitrary<Integer> lengths = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(min, Math.min(max, min + 100))),
        Tuple.of(2, Arbitraries.integers().between(min, max)),
        Tuple.of(1, Arbitraries.of(min, max)));
    return Combinators.combine(lengths, Arbitraries.longs())
        .as((n, seed) -> FrameBytes.copyOf(filled(n, seed)));
  }

  /** Bytes of at most 300, for properties that try every prefix. */
  static Arbitrary<FrameBytes> shortBytes(int min) {
    return bytes(min, min + 300);
  }

  static byte[] filled(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A route of 0~MAX_ROUTE_HOPS hops ending at {@code target} when not empty. */
  static List<NodeKey> route(List<NodeKey> hops, NodeKey target) {
    List<NodeKey> route = new ArrayList<>(hops);
    if (!route.isEmpty()) {
      route.set(route.size() - 1, target);
    }
    return route;
  }

  static Arbitrary<List<NodeKey>> hopLists() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, keys().list().ofMaxSize(FrameLimits.MAX_ROUTE_HOPS)),
        Tuple.of(1, keys().list().ofSize(0)),
        Tuple.of(1, keys().list().ofSize(FrameLimits.MAX_ROUTE_HOPS)));
  }

  static Arbitrary<Integer> u8() {
    return Arbitraries.integers().between(0, 255);
  }

  static Arbitrary<Long> u32(long min) {
    return Arbitraries.longs().between(min, StreamFrame.MAX_U32);
  }

  // ---- link ----

  static Arbitrary<LinkFrame.Keepalive> keepalives() {
    return Arbitraries.just(new LinkFrame.Keepalive());
  }

  static Arbitrary<LinkFrame.Routing> routings(boolean shortOnly) {
    return Combinators.combine(
            Arbitraries.of(true, false),
            shortOnly ? shortBytes(1) : bytes(1, FrameLimits.MAX_ROUTING_CHUNK))
        .as(LinkFrame.Routing::new);
  }

  static Arbitrary<LinkFrame.Packet> packets(boolean shortOnly) {
    return Combinators.combine(
            u8(), u8(), keys(), keys(), hopLists(),
            shortOnly ? shortBytes(0) : bytes(0, FrameLimits.MAX_PACKET_PAYLOAD))
        .as((ttl, flags, dst, src, hops, payload) ->
            new LinkFrame.Packet(ttl, flags, dst, src, route(hops, dst), payload));
  }

  static Arbitrary<LinkFrame.Unreachable> unreachables() {
    return Combinators.combine(
            u8(), Arbitraries.of(UnreachableReason.class), keys(), keys(), hopLists(),
            bytes(0, FrameLimits.MAX_UNREACHABLE_QUOTE))
        .as((ttl, reason, src, dst, hops, quote) ->
            new LinkFrame.Unreachable(ttl, reason, src, dst, route(hops, src), quote));
  }

  static Arbitrary<LinkFrame> linkFrames(boolean shortOnly) {
    return Arbitraries.oneOf(
        keepalives(), routings(shortOnly), packets(shortOnly), unreachables());
  }

  // ---- session ----

  static Arbitrary<SessionFrame> sessionFrames(boolean shortOnly) {
    Arbitrary<Long> ids = Arbitraries.longs();
    Arbitrary<FrameBytes> noise =
        shortOnly ? shortBytes(1) : bytes(1, FrameLimits.MAX_SESSION_BODY);
    Arbitrary<FrameBytes> records = shortOnly
        ? shortBytes(FrameLimits.MIN_SESSION_RECORD)
        : bytes(FrameLimits.MIN_SESSION_RECORD, FrameLimits.MAX_SESSION_BODY);
    return Arbitraries.oneOf(
        Combinators.combine(ids, noise).as(SessionFrame.SessionHello::new),
        Combinators.combine(ids, noise).as(SessionFrame.SessionWelcome::new),
        Combinators.combine(ids, records).as(SessionFrame.SessionRecord::new),
        Combinators.combine(ids, Arbitraries.of(CloseReason.class))
            .as(SessionFrame.SessionClose::new),
        Combinators.combine(ids, bytes(SessionFrame.COOKIE_SIZE, SessionFrame.COOKIE_SIZE))
            .as(SessionFrame.SessionCookie::new),
        Combinators.combine(ids, shortOnly ? shortBytes(1)
                : bytes(1, FrameLimits.MAX_SESSION_BODY - SessionFrame.COOKIE_SIZE),
                bytes(SessionFrame.COOKIE_SIZE, SessionFrame.COOKIE_SIZE))
            .as(SessionFrame.SessionHello::new));
  }

  // ---- stream ----

  static Arbitrary<StreamFrame> streamFrames(boolean shortOnly) {
    Arbitrary<Long> ids = u32(0);
    return Arbitraries.oneOf(
        Combinators.combine(ids, Arbitraries.integers().between(1, 0xFFFF), u32(0))
            .as(StreamFrame.Open::new),
        Combinators.combine(ids,
                shortOnly ? shortBytes(0) : bytes(0, FrameLimits.MAX_STREAM_DATA))
            .as(StreamFrame.Data::new),
        Combinators.combine(ids, u32(1)).as(StreamFrame.Window::new),
        ids.map(StreamFrame.Fin::new),
        Combinators.combine(ids, Arbitraries.of(ResetReason.class)).as(StreamFrame.Reset::new),
        Combinators.combine(ids, Arbitraries.integers().between(0, 0xFFFF),
                shortOnly ? shortBytes(0) : bytes(0, FrameLimits.MAX_DATAGRAM))
            .as(StreamFrame.Datagram::new));
  }
}
