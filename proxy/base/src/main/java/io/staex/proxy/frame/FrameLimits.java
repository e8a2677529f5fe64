package io.staex.proxy.frame;

import io.staex.crypto.RecordLayer;
import io.staex.routing.RoutingCodec;

/**
 * The data plane's wire limits, in one place; every size but the first three is derived from
 * field sizes, so that the largest frame of each layer fits exactly in the layer below.
 *
 * <pre>
 *   link record plaintext    MAX_LINK_RECORD_PLAINTEXT = 65536
 *   └ PACKET frame           71 + 32 × MAX_ROUTE_HOPS header, then the payload:
 *     packet payload         MAX_PACKET_PAYLOAD    = 65536 − 71 − 32 × 32      = 64441
 *     └ session frame        9-byte header (type, session id), then the body:
 *       session body         MAX_SESSION_BODY      = 64441 − 9                 = 64432
 *       (a Noise message, or a record: counter 8 | ciphertext | tag 16)
 *       └ record plaintext   MAX_SESSION_PLAINTEXT = 64432 − 24                = 64408
 *         └ DATA frame       MAX_STREAM_DATA       = 64408 − 7                 = 64401
 *         └ DATAGRAM frame   MAX_DATAGRAM          = 64408 − 9                 = 64399
 *   └ ROUTING frame          MAX_ROUTING_CHUNK     = 65536 − 4                 = 65532
 * </pre>
 *
 * The payload limit leaves room for a full source route even when the sender attached none: a
 * node higher up may attach one ({@link LinkFrameCodec#reroute}) and the packet must still fit
 * in one link record. See {@code docs/frames.md} for why each value.
 */
public final class FrameLimits {
  /** Largest plaintext of one link record (64 KiB): the records the relay spike found fastest. */
  public static final int MAX_LINK_RECORD_PLAINTEXT = 64 * 1024;
  /** Most hops in a source route: routing's default {@code maxHops}. */
  public static final int MAX_ROUTE_HOPS = 32;
  /** The TTL a packet's source sets: as many relays as the longest route has hops. */
  public static final int DEFAULT_TTL = 32;

  /** Largest packet payload: what fits in a link record beside a header with a full route. */
  public static final int MAX_PACKET_PAYLOAD =
      MAX_LINK_RECORD_PLAINTEXT - LinkFrameCodec.PACKET_FIXED_SIZE - MAX_ROUTE_HOPS * NodeKey.SIZE;
  /**
   * Most bytes of a failed packet's payload an UNREACHABLE notice quotes: a session frame's
   * type, id and record counter (17 bytes) and 31 bytes of ciphertext, or a HELLO's type, id,
   * ephemeral key and 7 more bytes. Enough that a node off the path cannot guess them.
   */
  public static final int MAX_UNREACHABLE_QUOTE = 48;
  /** Largest chunk of a routing message in one ROUTING frame. */
  public static final int MAX_ROUTING_CHUNK =
      MAX_LINK_RECORD_PLAINTEXT - LinkFrameCodec.ROUTING_HEADER_SIZE;
  /** Largest routing message reassembled from chunks: {@link RoutingCodec#MAX_MESSAGE_SIZE}. */
  public static final int MAX_ROUTING_MESSAGE = RoutingCodec.MAX_MESSAGE_SIZE;

  /** Largest body of a session frame: a Noise handshake message or a sealed record. */
  public static final int MAX_SESSION_BODY = MAX_PACKET_PAYLOAD - SessionFrameCodec.HEADER_SIZE;
  /** Smallest record: {@link RecordLayer#OVERHEAD} (counter and tag, empty plaintext). */
  public static final int MIN_SESSION_RECORD = RecordLayer.OVERHEAD;
  /** Largest plaintext of a session record: a batch of stream frames. */
  public static final int MAX_SESSION_PLAINTEXT = MAX_SESSION_BODY - RecordLayer.OVERHEAD;
  /** Largest data of one DATA frame. */
  public static final int MAX_STREAM_DATA =
      MAX_SESSION_PLAINTEXT - StreamFrameCodec.DATA_HEADER_SIZE;
  /**
   * Bytes of DATA an opener may send right behind its OPEN, before the acceptor's first WINDOW
   * (0-RTT: a client's first request travels with the open). The acceptor keeps them until its
   * service is connected, then grants its whole window on top; so a stream holds at most its
   * window plus this. More before the first WINDOW is a protocol error.
   */
  public static final int EARLY_STREAM_CREDIT = 16 * 1024;
  /** Largest data of one DATAGRAM frame. */
  public static final int MAX_DATAGRAM =
      MAX_SESSION_PLAINTEXT - StreamFrameCodec.DATAGRAM_HEADER_SIZE;

  private FrameLimits() {}
}
