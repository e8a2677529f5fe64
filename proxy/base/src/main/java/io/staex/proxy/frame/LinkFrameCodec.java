package io.staex.proxy.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.staex.proxy.frame.FrameDecodeException.Reason;
import io.staex.proxy.frame.internal.FrameBatch;
import io.staex.proxy.frame.internal.FrameReader;
import java.util.List;

/**
 * The wire form of {@link LinkFrame}s: the plaintext of one link record.
 *
 * <pre>
 *   link record plaintext  | frame | frame | ... |     1 ~ MAX_LINK_RECORD_PLAINTEXT bytes,
 *                                                      at least one frame, no padding
 *   KEEPALIVE (1)    +------+
 *                    | 0x01 |
 *                    +------+
 *   ROUTING (2)      +------+----------+------------+----------------------+
 *                    | 0x02 | flags u8 | length u16 | chunk (length bytes) |
 *                    +------+----------+------------+----------------------+
 *                    flags: bit 0 = MORE (another chunk of this message follows), others 0
 *
 *   PACKET (3) and UNREACHABLE (4) share their first 69 + 32n bytes, the routed prefix:
 *   0      1         2       3        4              36             68       69
 *   +------+---------+-------+--------+--------------+--------------+--------+---------------+
 *   | type | version | ttl   | byte3  | target key   | other key    | hops n | route         |
 *   | u8   | u8 = 1  | u8    | u8     | 32           | 32           | u8     | n × key (32)  |
 *   +------+---------+-------+--------+--------------+--------------+--------+---------------+
 *   PACKET:       byte3 = flags, target = destination, other = source, then
 *                 69 + 32n            71 + 32n
 *                 +-------------------+-------------------------+
 *                 | length u16        | payload (length bytes)  |
 *                 +-------------------+-------------------------+
 *   UNREACHABLE:  byte3 = reason, target = the failed packet's source (where this goes),
 *                 other = its destination, then
 *                 69 + 32n            70 + 32n
 *                 +-------------------+----------------------------------------+
 *                 | quote length u8   | quote: the failed payload's first bytes |
 *                 +-------------------+----------------------------------------+
 *                 quote length 0~MAX_UNREACHABLE_QUOTE (48)
 * </pre>
 *
 * All integers big-endian; keys are raw 32-byte public keys ({@link NodeKey}); n ≤ {@link
 * FrameLimits#MAX_ROUTE_HOPS} and, if n &gt; 0, the route's last key is the target. Relays route
 * both routed types alike by the target key at offset 4, and edit only the TTL (offset 2), the
 * hop count (offset 68) and the route ({@link #forwardInPlace}, {@link #reroute}).
 *
 * <p>Decoding is strict and canonical: known type and version, counts within limits, exact
 * lengths. Every length is checked against the bytes present before anything is allocated.
 *
 * <p>Error contract: decoders throw only {@link FrameDecodeException}, whatever the bytes, and
 * leave the input's reader index where it was; encoders throw {@link IllegalArgumentException}
 * for frames that have no encoding (the records' constructors already refuse most). Buffer
 * ownership is stated on each method; no method here releases a buffer it was given. Stateless
 * and thread-safe.
 */
public final class LinkFrameCodec {
  /** The version byte of the routed prefix. */
  public static final int VERSION = 1;

  static final int TYPE_SIZE = 1;
  static final int VERSION_SIZE = 1;
  static final int TTL_SIZE = 1;
  static final int FLAGS_SIZE = 1;
  static final int HOPS_SIZE = 1;
  static final int LENGTH_SIZE = 2;

  static final int TTL_OFFSET = TYPE_SIZE + VERSION_SIZE;
  static final int HOPS_OFFSET = TTL_OFFSET + TTL_SIZE + FLAGS_SIZE + 2 * NodeKey.SIZE;
  /** Bytes before the route of a PACKET or UNREACHABLE frame: 69. */
  public static final int ROUTED_PREFIX_SIZE = HOPS_OFFSET + HOPS_SIZE;
  /** Bytes of a PACKET frame besides its route and payload: 71. */
  public static final int PACKET_FIXED_SIZE = ROUTED_PREFIX_SIZE + LENGTH_SIZE;
  /** Bytes of an UNREACHABLE frame besides its route and quote: 70. */
  public static final int UNREACHABLE_FIXED_SIZE = ROUTED_PREFIX_SIZE + 1;
  /** Bytes of a ROUTING frame besides its chunk: 4. */
  public static final int ROUTING_HEADER_SIZE = TYPE_SIZE + FLAGS_SIZE + LENGTH_SIZE;
  /** Bytes of a KEEPALIVE frame. */
  public static final int KEEPALIVE_SIZE = TYPE_SIZE;

  static final int ROUTING_MORE = 0x01;

  private static final LinkFrame.Keepalive KEEPALIVE = new LinkFrame.Keepalive();

  private LinkFrameCodec() {}

  // ---- encoding ----

  /** Bytes of {@code frame}'s encoding. */
  public static int encodedSize(LinkFrame frame) {
    return switch (frame.type()) {
      case KEEPALIVE -> KEEPALIVE_SIZE;
      case ROUTING -> ROUTING_HEADER_SIZE + ((LinkFrame.Routing) frame).chunk().size();
      case PACKET -> {
        LinkFrame.Packet p = (LinkFrame.Packet) frame;
        yield PACKET_FIXED_SIZE + p.route().size() * NodeKey.SIZE + p.payload().size();
      }
      case UNREACHABLE -> {
        LinkFrame.Unreachable u = (LinkFrame.Unreachable) frame;
        yield UNREACHABLE_FIXED_SIZE + u.route().size() * NodeKey.SIZE + u.quote().size();
      }
    };
  }

  /**
   * Writes {@code frame} to {@code out}. Ownership: the caller keeps {@code out}.
   *
   * @throws IndexOutOfBoundsException if {@code out} cannot grow by {@link #encodedSize}
   */
  public static void encode(LinkFrame frame, ByteBuf out) {
    out.ensureWritable(encodedSize(frame));
    switch (frame.type()) {
      case KEEPALIVE -> out.writeByte(LinkFrameType.KEEPALIVE.code());
      case ROUTING -> {
        LinkFrame.Routing r = (LinkFrame.Routing) frame;
        out.writeByte(LinkFrameType.ROUTING.code());
        out.writeByte(r.more() ? ROUTING_MORE : 0);
        out.writeShort(r.chunk().size());
        r.chunk().writeTo(out);
      }
      case PACKET -> {
        LinkFrame.Packet p = (LinkFrame.Packet) frame;
        writeHeader(p.header(), out);
        p.payload().writeTo(out);
      }
      case UNREACHABLE -> {
        LinkFrame.Unreachable u = (LinkFrame.Unreachable) frame;
        writePrefix(out, LinkFrameType.UNREACHABLE, u.ttl(), u.reason().code(), u.source(),
            u.destination(), u.route());
        out.writeByte(u.quote().size());
        u.quote().writeTo(out);
      }
    }
  }

  /**
   * Writes a PACKET frame's header, up to and including the payload length; the caller writes
   * the {@code header.payloadLength()} payload bytes next (a sender can seal a record straight
   * into {@code out}). Ownership: the caller keeps {@code out}.
   */
  public static void writeHeader(PacketHeader header, ByteBuf out) {
    out.ensureWritable(header.size());
    writePrefix(out, LinkFrameType.PACKET, header.ttl(), header.flags(), header.destination(),
        header.source(), header.route());
    out.writeShort(header.payloadLength());
  }

  /**
   * One link record's plaintext: {@code frames} back to back in a new buffer from {@code alloc}.
   * Ownership: the caller owns the returned buffer; if this throws, nothing was allocated.
   *
   * @throws IllegalArgumentException if {@code frames} is empty or their encodings exceed
   *     {@link FrameLimits#MAX_LINK_RECORD_PLAINTEXT}
   */
  public static ByteBuf encodeRecord(ByteBufAllocator alloc, List<? extends LinkFrame> frames) {
    int size = recordSize(frames);
    ByteBuf out = alloc.buffer(size, size);
    try {
      encodeFrames(frames, out);
      return out;
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    }
  }

  /**
   * Writes a link record's plaintext (the frames back to back) into {@code out}, which must have
   * room for it; the data path seals from a reused array this way, without a buffer per record.
   * Ownership: the caller keeps {@code out}.
   *
   * @return the bytes written
   * @throws IllegalArgumentException for no frames, or more than {@link
   *     FrameLimits#MAX_LINK_RECORD_PLAINTEXT} bytes
   */
  public static int encodeRecord(List<? extends LinkFrame> frames, ByteBuf out) {
    int size = recordSize(frames);
    encodeFrames(frames, out);
    return size;
  }

  private static int recordSize(List<? extends LinkFrame> frames) {
    long size = 0;
    for (LinkFrame frame : frames) {
      size += encodedSize(frame);
    }
    if (frames.isEmpty() || size > FrameLimits.MAX_LINK_RECORD_PLAINTEXT) {
      throw new IllegalArgumentException("link record of " + frames.size() + " frames, " + size
          + " bytes (expected: 1 frame or more, at most " + FrameLimits.MAX_LINK_RECORD_PLAINTEXT
          + " bytes)");
    }
    return (int) size;
  }

  private static void encodeFrames(List<? extends LinkFrame> frames, ByteBuf out) {
    for (LinkFrame frame : frames) {
      encode(frame, out);
    }
  }

  private static void writePrefix(ByteBuf out, LinkFrameType type, int ttl, int byte3,
      NodeKey target, NodeKey other, List<NodeKey> route) {
    out.writeByte(type.code());
    out.writeByte(VERSION);
    out.writeByte(ttl);
    out.writeByte(byte3);
    target.writeTo(out);
    other.writeTo(out);
    out.writeByte(route.size());
    for (NodeKey hop : route) {
      hop.writeTo(out);
    }
  }

  // ---- decoding into values ----

  /**
   * Decodes a whole link record's plaintext: the readable bytes of {@code plaintext}, copied
   * into values. Ownership: the caller keeps {@code plaintext} (and releases it); on success its
   * reader index is at its writer index, on failure where it was.
   *
   * @throws FrameDecodeException if the bytes are not 1 or more link frames within {@link
   *     FrameLimits#MAX_LINK_RECORD_PLAINTEXT} bytes; the message names the frame and offset
   */
  public static List<LinkFrame> decodeRecord(ByteBuf plaintext) throws FrameDecodeException {
    return FrameBatch.decode(plaintext, FrameLimits.MAX_LINK_RECORD_PLAINTEXT,
        "link record plaintext", LinkFrameCodec::readFrame);
  }

  /**
   * {@link #decodeRecord(ByteBuf)} without copies: payloads and chunks are views of {@code
   * plaintext}.
   */
  public static List<LinkFrame> decodeRecord(FrameBytes plaintext) throws FrameDecodeException {
    return FrameBatch.decode(plaintext.asReadOnlyBuffer(), FrameLimits.MAX_LINK_RECORD_PLAINTEXT,
        "link record plaintext", in -> readFrame(in, plaintext));
  }

  /**
   * The type of the frame at {@code in}'s reader index, without reading it. Ownership and
   * indices unchanged.
   *
   * @throws FrameDecodeException if {@code in} is empty or the type byte is unknown
   */
  public static LinkFrameType peekType(ByteBuf in) throws FrameDecodeException {
    FrameReader r = new FrameReader(in, "link frame");
    return LinkFrameType.fromCode(r.u8("type"));
  }

  /**
   * Decodes the one frame at {@code in}'s reader index, copying its bytes into a value, and
   * moves the reader index past it (on failure it stays). Ownership: the caller keeps {@code
   * in}. For packets a relay forwards, {@link #readPacket} avoids the payload copy.
   *
   * @throws FrameDecodeException if the bytes there are not a whole link frame
   */
  public static LinkFrame readFrame(ByteBuf in) throws FrameDecodeException {
    return readFrame(in, null);
  }

  /** {@link #readFrame(ByteBuf)}, with views of {@code source} (null: copies) for bytes. */
  private static LinkFrame readFrame(ByteBuf in, FrameBytes source) throws FrameDecodeException {
    FrameReader r = new FrameReader(in, "link frame", source);
    LinkFrameType type = LinkFrameType.fromCode(r.u8("type"));
    r = r.named("link " + type + " frame");
    LinkFrame frame = switch (type) {
      case KEEPALIVE -> KEEPALIVE;
      case ROUTING -> readRouting(r);
      case PACKET -> {
        PacketHeader h = readPacketHeader(r);
        yield new LinkFrame.Packet(h.ttl(), h.flags(), h.destination(), h.source(), h.route(),
            r.bytes("payload", h.payloadLength()));
      }
      case UNREACHABLE -> readUnreachable(r);
    };
    r.commit();
    return frame;
  }

  private static LinkFrame.Routing readRouting(FrameReader r) throws FrameDecodeException {
    int flags = r.u8("flags");
    if ((flags & ~ROUTING_MORE) != 0) {
      throw r.error(Reason.INVALID, "flags: 0x" + Integer.toHexString(flags)
          + " (expected: 0x00 or 0x01, bit 0 = MORE)");
    }
    int length = r.u16("chunk length");
    if (length == 0) {
      throw r.error(Reason.INVALID, "chunk length: 0 (expected: 1~"
          + FrameLimits.MAX_ROUTING_CHUNK + ")");
    }
    r.checkAtMost("chunk length", length, FrameLimits.MAX_ROUTING_CHUNK);
    FrameBytes chunk = r.bytes("chunk", length);
    return new LinkFrame.Routing((flags & ROUTING_MORE) != 0, chunk);
  }

  private static LinkFrame.Unreachable readUnreachable(FrameReader r)
      throws FrameDecodeException {
    checkVersion(r);
    int ttl = r.u8("ttl");
    UnreachableReason reason = UnreachableReason.fromCode(r.u8("reason"));
    NodeKey source = readKey(r, "source");
    NodeKey destination = readKey(r, "destination");
    List<NodeKey> route = readRoute(r, source, "source");
    int quoteLength = r.u8("quote length");
    r.checkAtMost("quote length", quoteLength, FrameLimits.MAX_UNREACHABLE_QUOTE);
    FrameBytes quote = r.bytes("quote", quoteLength);
    return new LinkFrame.Unreachable(ttl, reason, source, destination, route, quote);
  }

  /** Reads a PACKET header after its type byte; checks that the whole payload is present. */
  private static PacketHeader readPacketHeader(FrameReader r) throws FrameDecodeException {
    checkVersion(r);
    int ttl = r.u8("ttl");
    int flags = r.u8("flags");
    NodeKey destination = readKey(r, "destination");
    NodeKey source = readKey(r, "source");
    List<NodeKey> route = readRoute(r, destination, "destination");
    int length = r.u16("payload length");
    r.checkAtMost("payload length", length, FrameLimits.MAX_PACKET_PAYLOAD);
    if (r.remaining() < length) {
      throw r.error(Reason.TRUNCATED, "payload at offset " + r.offset() + " needs " + length
          + " bytes, " + r.remaining() + " left");
    }
    return new PacketHeader(ttl, flags, destination, source, route, length);
  }

  private static void checkVersion(FrameReader r) throws FrameDecodeException {
    int version = r.u8("version");
    if (version != VERSION) {
      throw r.error(Reason.VERSION, "version " + version + " (expected: " + VERSION + ")");
    }
  }

  private static NodeKey readKey(FrameReader r, String field) throws FrameDecodeException {
    return NodeKey.readFrom(r.buffer(), r.take(field, NodeKey.SIZE));
  }

  private static List<NodeKey> readRoute(FrameReader r, NodeKey target, String targetName)
      throws FrameDecodeException {
    int hops = r.u8("route hops");
    r.checkAtMost("route hops", hops, FrameLimits.MAX_ROUTE_HOPS);
    int at = r.take("route", hops * NodeKey.SIZE);
    NodeKey[] route = new NodeKey[hops];
    for (int i = 0; i < hops; i++) {
      route[i] = NodeKey.readFrom(r.buffer(), at + i * NodeKey.SIZE);
    }
    if (hops > 0 && !route[hops - 1].equals(target)) {
      throw r.error(Reason.INVALID, "route: last hop " + route[hops - 1] + " (expected: the "
          + targetName + " " + target + ")");
    }
    return List.of(route);
  }

  // ---- relaying without copying the payload ----

  /**
   * Reads the PACKET frame at {@code in}'s reader index: its header decoded, its bytes as a
   * retained slice of {@code in}. Moves the reader index past the frame (on failure it stays).
   *
   * <p>Ownership: the caller keeps {@code in}; the returned packet holds its own reference to
   * {@code in}'s memory, which its holder releases (or passes on). If this throws, nothing was
   * retained.
   *
   * @throws FrameDecodeException if the bytes there are not a whole PACKET frame (any other type
   *     included: check {@link #peekType} first)
   */
  public static EncodedPacket readPacket(ByteBuf in) throws FrameDecodeException {
    FrameReader r = new FrameReader(in, "link frame");
    LinkFrameType type = LinkFrameType.fromCode(r.u8("type"));
    if (type != LinkFrameType.PACKET) {
      throw r.error(Reason.INVALID, "type " + type + " (expected: PACKET)");
    }
    PacketHeader header = readPacketHeader(r.named("link PACKET frame"));
    EncodedPacket packet =
        new EncodedPacket(header, in.retainedSlice(r.start(), header.frameSize()));
    in.readerIndex(r.start() + header.frameSize());
    return packet;
  }

  /**
   * Edits {@code packet} in place for the next hop, as {@link LinkFrame.Packet#forwarded()}:
   * TTL minus one and, if the route is not empty, its first hop removed (the 69-byte prefix
   * moves 32 bytes towards the payload and the content's reader index follows it). The payload
   * bytes are not touched.
   *
   * <p>Ownership: the returned packet holds {@code packet}'s reference to the same buffer;
   * {@code packet} must not be used (nor released) afterwards. The content must be writable and
   * not shared with another reader (it is a slice of a record only this link decrypted).
   *
   * @throws IllegalStateException if the TTL is 0 (answer {@link UnreachableReason#TTL_EXPIRED})
   *     or the content is read-only; {@code packet} is then unchanged and still the caller's
   */
  public static EncodedPacket forwardInPlace(EncodedPacket packet) {
    PacketHeader header = packet.header();
    PacketHeader.checkLive(header.ttl());
    ByteBuf frame = packet.content();
    if (frame.isReadOnly()) {
      throw new IllegalStateException("packet content is read-only (expected: a writable slice)");
    }
    PacketHeader next = header.forwarded();
    int start = frame.readerIndex();
    frame.setByte(start + TTL_OFFSET, next.ttl());
    if (!header.route().isEmpty()) {
      byte[] prefix = new byte[ROUTED_PREFIX_SIZE];
      frame.getBytes(start, prefix);
      prefix[HOPS_OFFSET] = (byte) next.route().size();
      frame.setBytes(start + NodeKey.SIZE, prefix);
      frame.readerIndex(start + NodeKey.SIZE);
    }
    return new EncodedPacket(next, frame);
  }

  /**
   * {@code packet} with TTL minus one and {@code route} in place of its route, as {@link
   * LinkFrame.Packet#rerouted}: a new header from {@code alloc} followed by the same payload
   * memory (a composite buffer), since the header grows.
   *
   * <p>Ownership: the caller keeps {@code packet} (and releases it when done); the returned
   * packet owns the new header and its own reference to the payload. If this throws, nothing was
   * allocated or retained.
   *
   * @throws IllegalStateException if the TTL is 0
   * @throws IllegalArgumentException if {@code route} is longer than {@link
   *     FrameLimits#MAX_ROUTE_HOPS} or does not end at the destination
   */
  public static EncodedPacket reroute(
      ByteBufAllocator alloc, EncodedPacket packet, List<NodeKey> route) {
    PacketHeader next = packet.header().rerouted(route);
    ByteBuf header = alloc.buffer(next.size(), next.size());
    writeHeader(next, header);
    ByteBuf content = packet.content();
    ByteBuf payload = content.retainedSlice(
        content.readerIndex() + packet.header().size(), packet.header().payloadLength());
    CompositeByteBuf frame = alloc.compositeBuffer(2);
    frame.addComponents(true, header, payload);
    return new EncodedPacket(next, frame);
  }
}
