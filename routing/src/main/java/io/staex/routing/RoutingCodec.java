package io.staex.routing;

import io.staex.crypto.Address;
import io.staex.crypto.BadRevocationException;
import io.staex.crypto.SignedRevocation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of {@link RoutingMessage}s between neighbours.
 *
 * <pre>
 *   every message      +------------+---------+------------------+
 *                      | version u8 | type u8 | body (by type)   |
 *                      +------------+---------+------------------+
 *
 *   STATE_UPDATE (1)   | count u16 | { length u32 | NodeState (length bytes) } * count |
 *   WITHDRAW (2)       | count u16 | { key (32) } * count |
 *   LOOKUP_REQUEST (3) | id u64 | asker (32) | network (32) | name | ttl u8 |
 *   LOOKUP_REPLY (4)   | id u64 | route | length u32 | NodeState (length bytes) |
 *   LOOKUP_MISS (5)    | id u64 | route | network (32) | name |
 *   REVOKE (6)         | count u16 | { length u8 | SignedRevocation (length bytes) } * count |
 *   RANK (7)           | rank u8 (0~254 hops from a root, 255 = detached) |
 *   EXPLAIN_REQUEST (8) | id u64 | asker (32) | target (32) | ttl u8 |
 *   EXPLAIN_ANSWER (9)  | id u64 | route | answerer (32) | decision u8 (1~4) | hops u8 (0~32) |
 *                       { key (32) | cost u16 (1~65535) | name length u8 (0~63) | name } * hops |
 *   PRESENT_CERTIFICATE (10) | length u16 (1~4096) | certificate DER (length bytes) |
 *
 *   route              | hops u8 | { key (32) } * hops |
 *   name               | length u8 (1~63) | lower-case DNS label, ASCII |
 * </pre>
 *
 * All integers big-endian; a key is a 32-byte Ed25519 public key ({@link Address}); a {@code
 * NodeState} is its own canonical encoding ({@link NodeState#encode()}), a {@code
 * SignedRevocation} too ({@link io.staex.crypto.SignedRevocation#encoded()}). Type codes are
 * {@link RoutingMessageType}'s.
 *
 * <p>Decoding is strict: exact lengths, nothing after the body, valid keys and names, counts
 * within the limits below. Together with the canonical {@code NodeState} encoding this gives
 * every message exactly one encoding. Declared counts and lengths are checked against the bytes
 * left before anything is allocated, so no input costs more memory than its own size.
 *
 * <p>Error contract: {@link #decode} throws only {@link RoutingDecodeException}, whatever the
 * bytes (they come from peers: drop and count, see {@code RoutingDecodeException}); {@link
 * #encode} throws {@link IllegalArgumentException} for a message that has no encoding (over a
 * limit, or a name that is not a DNS label): that is the caller's bug. Stateless and
 * thread-safe.
 */
public final class RoutingCodec {
  /** The version byte this codec writes and accepts. */
  public static final int VERSION = 1;

  static final int VERSION_SIZE = 1;
  static final int TYPE_SIZE = 1;
  static final int HEADER_SIZE = VERSION_SIZE + TYPE_SIZE;
  static final int COUNT_SIZE = 2;
  static final int LENGTH_SIZE = 4;
  static final int ID_SIZE = 8;
  static final int KEY_SIZE = Address.KEY_SIZE;
  static final int HOPS_SIZE = 1;
  static final int NAME_LENGTH_SIZE = 1;
  static final int TTL_SIZE = 1;
  static final int REVOCATION_LENGTH_SIZE = 1;

  /** Largest encoded message, header included. */
  public static final int MAX_MESSAGE_SIZE = 4 << 20;
  /** Most states in one {@code StateUpdate}; {@link #split} chunks longer lists. */
  public static final int MAX_STATES_PER_UPDATE = 1024;
  /** Most nodes in one {@code Withdraw}: what its u16 count can say (2 MiB of keys). */
  public static final int MAX_WITHDRAW = 0xffff;
  /** Most hops in a lookup answer's route: what its u8 count can say. */
  public static final int MAX_ROUTE = 0xff;
  /** Most revocations in one {@code Revoke}; {@link #splitRevocations} chunks longer lists. */
  public static final int MAX_REVOCATIONS_PER_MESSAGE = 1024;
  /**
   * Most hops in an explain answer: a packet's longest source route ({@code
   * FrameLimits.MAX_ROUTE_HOPS}), so an answer is at most 11 341 bytes (a route of 255 hops
   * included).
   */
  public static final int MAX_EXPLAIN_HOPS = 32;
  /** Longest lookup name: one DNS label. */
  public static final int MAX_NAME_LENGTH = 63;

  private RoutingCodec() {}

  /**
   * The encoding of {@code message}.
   *
   * @throws IllegalArgumentException if a count is over its limit, the encoding would exceed
   *     {@link #MAX_MESSAGE_SIZE} (split large updates with {@link #split}), or a name is not a
   *     lower-case DNS label
   */
  public static byte[] encode(RoutingMessage message) {
    RoutingMessageType type = RoutingMessageType.of(message);
    return switch (type) {
      case STATE_UPDATE -> encodeStateUpdate((RoutingMessage.StateUpdate) message);
      case WITHDRAW -> encodeWithdraw((RoutingMessage.Withdraw) message);
      case LOOKUP_REQUEST -> encodeLookupRequest((RoutingMessage.LookupRequest) message);
      case LOOKUP_REPLY -> encodeLookupReply((RoutingMessage.LookupReply) message);
      case LOOKUP_MISS -> encodeLookupMiss((RoutingMessage.LookupMiss) message);
      case REVOKE -> encodeRevoke((RoutingMessage.Revoke) message);
      case RANK -> finish(start(RoutingMessageType.RANK, HEADER_SIZE + 1)
          .put((byte) ((RoutingMessage.Rank) message).rank()));
      case EXPLAIN_REQUEST -> encodeExplainRequest((RoutingMessage.ExplainRequest) message);
      case EXPLAIN_ANSWER -> encodeExplainAnswer((RoutingMessage.ExplainAnswer) message);
      case PRESENT_CERTIFICATE -> encodePresentCertificate(
          (RoutingMessage.PresentCertificate) message);
    };
  }

  /**
   * Decodes one message.
   *
   * @throws RoutingDecodeException for anything but the encoding of a message, saying what was
   *     wrong where
   */
  public static RoutingMessage decode(byte[] bytes) throws RoutingDecodeException {
    if (bytes.length > MAX_MESSAGE_SIZE) {
      throw new RoutingDecodeException(
          "routing message of " + bytes.length + " bytes (expected: at most " + MAX_MESSAGE_SIZE + ")");
    }
    Reader in = new Reader(bytes);
    int version = in.u8("version");
    if (version != VERSION) {
      throw new RoutingDecodeException(
          "routing message version " + version + " (expected: " + VERSION + ")");
    }
    RoutingMessageType type = RoutingMessageType.fromCode(in.u8("type"));
    RoutingMessage message = switch (type) {
      case STATE_UPDATE -> decodeStateUpdate(in);
      case WITHDRAW -> decodeWithdraw(in);
      case LOOKUP_REQUEST -> decodeLookupRequest(in);
      case LOOKUP_REPLY -> decodeLookupReply(in);
      case LOOKUP_MISS -> decodeLookupMiss(in);
      case REVOKE -> decodeRevoke(in);
      case RANK -> new RoutingMessage.Rank(in.u8("rank"));
      case EXPLAIN_REQUEST -> decodeExplainRequest(in);
      case EXPLAIN_ANSWER -> decodeExplainAnswer(in);
      case PRESENT_CERTIFICATE -> decodePresentCertificate(in);
    };
    if (in.remaining() != 0) {
      throw new RoutingDecodeException(
          in.remaining() + " bytes after the " + type + " body (expected: none)");
    }
    return message;
  }

  /**
   * {@code states} in order, cut into as few updates as possible, each at most {@link
   * #MAX_STATES_PER_UPDATE} states and {@link #MAX_MESSAGE_SIZE} bytes encoded. No states, no
   * updates.
   */
  public static List<RoutingMessage.StateUpdate> split(List<NodeState> states) {
    List<RoutingMessage.StateUpdate> updates = new ArrayList<>();
    List<NodeState> chunk = new ArrayList<>();
    long size = HEADER_SIZE + COUNT_SIZE;
    for (NodeState state : states) {
      int added = LENGTH_SIZE + state.encodedSize();
      if (chunk.size() == MAX_STATES_PER_UPDATE || size + added > MAX_MESSAGE_SIZE) {
        updates.add(new RoutingMessage.StateUpdate(chunk));
        chunk = new ArrayList<>();
        size = HEADER_SIZE + COUNT_SIZE;
      }
      chunk.add(state);
      size += added;
    }
    if (!chunk.isEmpty()) {
      updates.add(new RoutingMessage.StateUpdate(chunk));
    }
    return List.copyOf(updates);
  }

  /** {@code revocations} in order, in messages of at most {@link #MAX_REVOCATIONS_PER_MESSAGE}. */
  public static List<RoutingMessage.Revoke> splitRevocations(List<SignedRevocation> revocations) {
    List<RoutingMessage.Revoke> out = new ArrayList<>();
    for (int i = 0; i < revocations.size(); i += MAX_REVOCATIONS_PER_MESSAGE) {
      out.add(new RoutingMessage.Revoke(revocations.subList(
          i, Math.min(revocations.size(), i + MAX_REVOCATIONS_PER_MESSAGE))));
    }
    return List.copyOf(out);
  }

  // ---- encoding: check limits, size exactly, write ----

  private static byte[] encodeRevoke(RoutingMessage.Revoke m) {
    List<SignedRevocation> revocations = m.revocations();
    checkCount("Revoke revocations", revocations.size(), MAX_REVOCATIONS_PER_MESSAGE);
    long size = HEADER_SIZE + COUNT_SIZE;
    for (SignedRevocation r : revocations) {
      size += REVOCATION_LENGTH_SIZE + r.encoded().size();
    }
    ByteBuffer out = start(RoutingMessageType.REVOKE, size);
    out.putShort((short) revocations.size());
    for (SignedRevocation r : revocations) {
      out.put((byte) r.encoded().size()).put(r.encoded().toByteArray());
    }
    return finish(out);
  }

  private static byte[] encodeStateUpdate(RoutingMessage.StateUpdate m) {
    List<NodeState> states = m.states();
    checkCount("StateUpdate states", states.size(), MAX_STATES_PER_UPDATE);
    long size = HEADER_SIZE + COUNT_SIZE;
    for (NodeState state : states) {
      size += LENGTH_SIZE + state.encodedSize();
    }
    ByteBuffer out = start(RoutingMessageType.STATE_UPDATE, size);
    out.putShort((short) states.size());
    for (NodeState state : states) {
      putState(out, state);
    }
    return finish(out);
  }

  private static byte[] encodeWithdraw(RoutingMessage.Withdraw m) {
    List<Address> nodes = m.nodes();
    checkCount("Withdraw nodes", nodes.size(), MAX_WITHDRAW);
    ByteBuffer out = start(RoutingMessageType.WITHDRAW, HEADER_SIZE + COUNT_SIZE + (long) nodes.size() * KEY_SIZE);
    out.putShort((short) nodes.size());
    for (Address node : nodes) {
      putKey(out, node);
    }
    return finish(out);
  }

  private static byte[] encodeLookupRequest(RoutingMessage.LookupRequest m) {
    byte[] name = nameBytes(m.name());
    ByteBuffer out = start(
        RoutingMessageType.LOOKUP_REQUEST,
        HEADER_SIZE + ID_SIZE + 2 * KEY_SIZE + NAME_LENGTH_SIZE + name.length + TTL_SIZE);
    out.putLong(m.id());
    putKey(out, m.asker());
    putKey(out, m.network());
    out.put((byte) name.length).put(name);
    out.put((byte) m.ttl());
    return finish(out);
  }

  private static byte[] encodeLookupReply(RoutingMessage.LookupReply m) {
    checkCount("LookupReply route hops", m.route().size(), MAX_ROUTE);
    ByteBuffer out = start(
        RoutingMessageType.LOOKUP_REPLY,
        HEADER_SIZE + ID_SIZE + routeSize(m.route()) + LENGTH_SIZE + m.state().encodedSize());
    out.putLong(m.id());
    putRoute(out, m.route());
    putState(out, m.state());
    return finish(out);
  }

  private static byte[] encodeLookupMiss(RoutingMessage.LookupMiss m) {
    checkCount("LookupMiss route hops", m.route().size(), MAX_ROUTE);
    byte[] name = nameBytes(m.name());
    ByteBuffer out = start(
        RoutingMessageType.LOOKUP_MISS,
        HEADER_SIZE + ID_SIZE + routeSize(m.route()) + KEY_SIZE + NAME_LENGTH_SIZE + name.length);
    out.putLong(m.id());
    putRoute(out, m.route());
    putKey(out, m.network());
    out.put((byte) name.length).put(name);
    return finish(out);
  }

  private static byte[] encodeExplainRequest(RoutingMessage.ExplainRequest m) {
    ByteBuffer out = start(RoutingMessageType.EXPLAIN_REQUEST,
        HEADER_SIZE + ID_SIZE + 2 * KEY_SIZE + TTL_SIZE);
    out.putLong(m.id());
    putKey(out, m.asker());
    putKey(out, m.target());
    out.put((byte) m.ttl());
    return finish(out);
  }

  private static byte[] encodeExplainAnswer(RoutingMessage.ExplainAnswer m) {
    checkCount("ExplainAnswer route hops", m.route().size(), MAX_ROUTE);
    checkCount("ExplainAnswer hops", m.hops().size(), MAX_EXPLAIN_HOPS);
    long size = (long) HEADER_SIZE + ID_SIZE + routeSize(m.route()) + KEY_SIZE + 1 + HOPS_SIZE;
    List<byte[]> names = new ArrayList<>(m.hops().size());
    for (RoutingMessage.ExplainHop hop : m.hops()) {
      byte[] name = hop.name().isPresent() ? nameBytes(hop.name().get()) : new byte[0];
      names.add(name);
      size += KEY_SIZE + 2 + NAME_LENGTH_SIZE + name.length;
    }
    ByteBuffer out = start(RoutingMessageType.EXPLAIN_ANSWER, size);
    out.putLong(m.id());
    putRoute(out, m.route());
    putKey(out, m.answerer());
    out.put((byte) m.decision().code());
    out.put((byte) m.hops().size());
    for (int i = 0; i < m.hops().size(); i++) {
      RoutingMessage.ExplainHop hop = m.hops().get(i);
      putKey(out, hop.node());
      out.putShort((short) hop.cost());
      out.put((byte) names.get(i).length).put(names.get(i));
    }
    return finish(out);
  }

  private static byte[] encodePresentCertificate(RoutingMessage.PresentCertificate m) {
    byte[] der = m.certificate().encoded().toByteArray();
    ByteBuffer out = start(RoutingMessageType.PRESENT_CERTIFICATE,
        HEADER_SIZE + 2 + der.length);
    out.putShort((short) der.length).put(der);
    return finish(out);
  }

  private static void checkCount(String what, int count, int max) {
    if (count > max) {
      throw new IllegalArgumentException(what + ": " + count + " (expected: at most " + max + ")");
    }
  }

  /** A buffer of exactly {@code size} bytes with the header written. */
  private static ByteBuffer start(RoutingMessageType type, long size) {
    if (size > MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException(
          type + " of " + size + " bytes (expected: at most " + MAX_MESSAGE_SIZE
              + "; split state updates with RoutingCodec.split)");
    }
    return ByteBuffer.allocate((int) size).put((byte) VERSION).put((byte) type.code());
  }

  private static int routeSize(List<Address> route) {
    return HOPS_SIZE + route.size() * KEY_SIZE;
  }

  private static void putRoute(ByteBuffer out, List<Address> route) {
    out.put((byte) route.size());
    for (Address hop : route) {
      putKey(out, hop);
    }
  }

  /** The bytes of a buffer from {@link #start}, which must be full. */
  @SuppressWarnings("ByteBufferBackingArray") // start() allocates: array-backed, offset 0
  private static byte[] finish(ByteBuffer out) {
    assert !out.hasRemaining() : out.remaining() + " bytes left unwritten";
    return out.array();
  }

  @SuppressWarnings("ByteBufferBackingArray") // start() allocates: array-backed, offset 0
  private static void putKey(ByteBuffer out, Address key) {
    key.publicKey().copyTo(out.array(), out.position());
    out.position(out.position() + KEY_SIZE);
  }

  private static void putState(ByteBuffer out, NodeState state) {
    byte[] encoded = state.encode();
    out.putInt(encoded.length).put(encoded);
  }

  private static byte[] nameBytes(String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("lookup name '" + name + "': " + problem);
    }
    return name.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Why {@code name} is not a lower-case DNS label (1~63 of {@code a-z0-9-}, no '-' at either
   * end), or null. The same rule as certified names; kept here because the crypto module's
   * copy is internal to it.
   */
  static String nameProblem(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return name.length() + " characters (expected: 1~" + MAX_NAME_LENGTH + ")";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return "character 0x" + Integer.toHexString(c) + " at position " + (i + 1)
            + " (expected: a-z, 0-9 or '-')";
      }
    }
    if (name.charAt(0) == '-' || name.charAt(name.length() - 1) == '-') {
      return "starts or ends with '-'";
    }
    return null;
  }

  // ---- decoding: every count and length checked against the bytes left before use ----

  private static RoutingMessage decodeStateUpdate(Reader in) throws RoutingDecodeException {
    int count = in.u16("state count");
    if (count > MAX_STATES_PER_UPDATE) {
      throw new RoutingDecodeException(
          "StateUpdate of " + count + " states (expected: at most " + MAX_STATES_PER_UPDATE + ")");
    }
    in.require((long) count * LENGTH_SIZE, count + " state lengths");
    List<NodeState> states = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      states.add(in.state("state " + i));
    }
    return new RoutingMessage.StateUpdate(states);
  }

  private static RoutingMessage decodeWithdraw(Reader in) throws RoutingDecodeException {
    int count = in.u16("withdrawn node count"); // at most MAX_WITHDRAW, the u16 range
    in.require((long) count * KEY_SIZE, count + " withdrawn nodes");
    List<Address> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      nodes.add(in.key("withdrawn node " + i));
    }
    return new RoutingMessage.Withdraw(nodes);
  }

  private static RoutingMessage decodeLookupRequest(Reader in) throws RoutingDecodeException {
    long id = in.u64("lookup id");
    Address asker = in.key("asker");
    Address network = in.key("network");
    String name = in.name();
    int ttl = in.u8("ttl");
    return new RoutingMessage.LookupRequest(id, asker, network, name, ttl);
  }

  private static RoutingMessage decodeLookupReply(Reader in) throws RoutingDecodeException {
    long id = in.u64("lookup id");
    List<Address> route = in.route();
    NodeState state = in.state("state");
    return new RoutingMessage.LookupReply(id, route, state);
  }

  private static RoutingMessage decodeLookupMiss(Reader in) throws RoutingDecodeException {
    long id = in.u64("lookup id");
    List<Address> route = in.route();
    Address network = in.key("network");
    String name = in.name();
    return new RoutingMessage.LookupMiss(id, route, network, name);
  }

  private static RoutingMessage decodeExplainRequest(Reader in) throws RoutingDecodeException {
    long id = in.u64("explain id");
    Address asker = in.key("asker");
    Address target = in.key("target");
    int ttl = in.u8("ttl");
    return new RoutingMessage.ExplainRequest(id, asker, target, ttl);
  }

  private static RoutingMessage decodeExplainAnswer(Reader in) throws RoutingDecodeException {
    long id = in.u64("explain id");
    List<Address> route = in.route();
    Address answerer = in.key("answerer");
    int code = in.u8("decision");
    RoutingMessage.ExplainAnswer.Decision decision =
        RoutingMessage.ExplainAnswer.Decision.fromCode(code);
    if (decision == null) {
      throw new RoutingDecodeException("explain decision " + code + " (expected: 1~"
          + RoutingMessage.ExplainAnswer.Decision.values().length + ")");
    }
    int count = in.u8("explain hop count");
    if (count > MAX_EXPLAIN_HOPS) {
      throw new RoutingDecodeException(
          "ExplainAnswer of " + count + " hops (expected: at most " + MAX_EXPLAIN_HOPS + ")");
    }
    in.require((long) count * (KEY_SIZE + 2 + NAME_LENGTH_SIZE), count + " explain hops");
    List<RoutingMessage.ExplainHop> hops = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Address node = in.key("explain hop " + i);
      int cost = in.u16("explain hop " + i + " cost");
      if (cost < 1) {
        throw new RoutingDecodeException("explain hop " + i + " cost 0 (expected: 1~"
            + ParentLink.MAX_COST + ")");
      }
      java.util.Optional<String> name = in.optionalName();
      hops.add(new RoutingMessage.ExplainHop(node, cost, name));
    }
    return new RoutingMessage.ExplainAnswer(id, route, answerer, decision, hops);
  }

  private static RoutingMessage decodePresentCertificate(Reader in)
      throws RoutingDecodeException {
    int length = in.u16("certificate length");
    if (length < 1 || length > io.staex.crypto.Certificate.MAX_ENCODED_SIZE) {
      throw new RoutingDecodeException("certificate of " + length + " bytes (expected: 1~"
          + io.staex.crypto.Certificate.MAX_ENCODED_SIZE + ")");
    }
    byte[] der = in.take(length, "certificate");
    try {
      return new RoutingMessage.PresentCertificate(io.staex.crypto.Certificate.decode(der));
    } catch (io.staex.crypto.BadCertificateException e) {
      throw new RoutingDecodeException("certificate: " + e.getMessage());
    }
  }

  private static RoutingMessage decodeRevoke(Reader in) throws RoutingDecodeException {
    int count = in.u16("revocation count");
    if (count > MAX_REVOCATIONS_PER_MESSAGE) {
      throw new RoutingDecodeException("Revoke of " + count + " revocations (expected: at most "
          + MAX_REVOCATIONS_PER_MESSAGE + ")");
    }
    in.require((long) count * REVOCATION_LENGTH_SIZE, count + " revocation lengths");
    List<SignedRevocation> revocations = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = in.u8("revocation " + i + " length");
      byte[] encoded = in.take(length, "revocation " + i);
      try {
        revocations.add(SignedRevocation.decode(encoded));
      } catch (BadRevocationException e) {
        throw new RoutingDecodeException("revocation " + i + ": " + e.getMessage());
      }
    }
    return new RoutingMessage.Revoke(revocations);
  }

  /** Reads fields in order, refusing to read past the end. */
  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - position;
    }

    void require(long n, String field) throws RoutingDecodeException {
      if (n > remaining()) {
        throw new RoutingDecodeException(
            "routing message truncated at offset " + position + " (" + field + "): " + remaining()
                + " bytes left (expected: " + n + ")");
      }
    }

    int u8(String field) throws RoutingDecodeException {
      require(1, field);
      return bytes[position++] & 0xff;
    }

    int u16(String field) throws RoutingDecodeException {
      require(2, field);
      int value = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
      position += 2;
      return value;
    }

    long u32(String field) throws RoutingDecodeException {
      require(4, field);
      long value = ByteBuffer.wrap(bytes, position, 4).getInt() & 0xffffffffL;
      position += 4;
      return value;
    }

    long u64(String field) throws RoutingDecodeException {
      require(8, field);
      long value = ByteBuffer.wrap(bytes, position, 8).getLong();
      position += 8;
      return value;
    }

    byte[] take(long n, String field) throws RoutingDecodeException {
      require(n, field);
      byte[] out = new byte[(int) n];
      System.arraycopy(bytes, position, out, 0, out.length);
      position += out.length;
      return out;
    }

    Address key(String field) throws RoutingDecodeException {
      byte[] key = take(KEY_SIZE, field);
      try {
        return Address.of(key);
      } catch (IllegalArgumentException e) { // AddressFormatException
        throw new RoutingDecodeException(field + " at offset " + (position - KEY_SIZE) + ": " + e.getMessage());
      }
    }

    List<Address> route() throws RoutingDecodeException {
      int hops = u8("route hop count"); // at most MAX_ROUTE, the u8 range
      require((long) hops * KEY_SIZE, hops + " route hops");
      List<Address> route = new ArrayList<>(hops);
      for (int i = 0; i < hops; i++) {
        route.add(key("route hop " + i));
      }
      return route;
    }

    /** A name whose length byte may be 0: none. */
    java.util.Optional<String> optionalName() throws RoutingDecodeException {
      if (remaining() >= 1 && bytes[position] == 0) {
        position++;
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(name());
    }

    String name() throws RoutingDecodeException {
      int length = u8("name length");
      if (length < 1 || length > MAX_NAME_LENGTH) {
        throw new RoutingDecodeException(
            "lookup name of " + length + " bytes (expected: 1~" + MAX_NAME_LENGTH + ")");
      }
      // ISO-8859-1 maps every byte to one char, so nameProblem sees each byte as it was sent.
      String name = new String(take(length, "name"), StandardCharsets.ISO_8859_1);
      String problem = nameProblem(name);
      if (problem != null) {
        throw new RoutingDecodeException("lookup name: " + problem);
      }
      return name;
    }

    NodeState state(String field) throws RoutingDecodeException {
      long length = u32(field + " length");
      byte[] encoded = take(length, field);
      try {
        return NodeState.decode(encoded);
      } catch (RoutingDecodeException e) {
        throw new RoutingDecodeException(field + ": " + e.getMessage());
      }
    }
  }
}
