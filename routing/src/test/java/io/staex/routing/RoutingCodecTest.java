package io.staex.routing;

import static io.staex.routing.RoutingCodec.MAX_MESSAGE_SIZE;
import static io.staex.routing.RoutingCodec.MAX_NAME_LENGTH;
import static io.staex.routing.RoutingCodec.MAX_ROUTE;
import static io.staex.routing.RoutingCodec.MAX_STATES_PER_UPDATE;
import static io.staex.routing.RoutingCodec.MAX_WITHDRAW;
import static io.staex.routing.RoutingFixtures.NETWORK;
import static io.staex.routing.RoutingFixtures.NODES;
import static io.staex.routing.RoutingFixtures.address;
import static io.staex.routing.RoutingFixtures.addresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import io.staex.crypto.SignedRevocation;
import io.staex.routing.RoutingMessage.LookupMiss;
import io.staex.routing.RoutingMessage.LookupReply;
import io.staex.routing.RoutingMessage.LookupRequest;
import io.staex.routing.RoutingMessage.StateUpdate;
import io.staex.routing.RoutingMessage.Withdraw;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RoutingCodec: every message type round-trips and is laid out as documented; edge values and
 * every limit, refused one past it on both sides; strict decoding (truncation, trailing bytes,
 * unknown version and type, bad keys and names); split(); and jqwik properties over arbitrary
 * messages, arbitrary bytes and single-byte mutations.
 */
class RoutingCodecTest {
  private static final NodeState STATE = RoutingFixtures.smallState();
  private static final NodeState ROOT_STATE = RoutingFixtures.state(0, List.of());
  private static final Address NET = NETWORK.address();
  private static final SignedRevocation REVOKE_NODE =
      SignedRevocation.ofNode(NETWORK, address(5), RoutingFixtures.T0);
  private static final SignedRevocation REVOKE_SERIAL = SignedRevocation.ofSerial(
      NETWORK, RoutingFixtures.CERTIFICATES.get(6).serial(), RoutingFixtures.T0);
  /** 32 bytes that are not an Ed25519 key: y = 2^255 - 1 is not below p. */
  private static final byte[] NOT_A_KEY = filled(Address.KEY_SIZE, 0xff);

  static Stream<RoutingMessage> samples() {
    return Stream.of(
        new StateUpdate(List.of(STATE, ROOT_STATE)),
        new Withdraw(addresses(3, 4, 5)),
        new LookupRequest(42, address(1), NET, "node-2", 32),
        new LookupReply(42, addresses(4, 3, 1), STATE),
        new LookupMiss(43, addresses(4, 3, 1), NET, "nobody"),
        new RoutingMessage.Revoke(List.of(REVOKE_NODE, REVOKE_SERIAL)),
        new RoutingMessage.ExplainRequest(44, address(2), address(7), 32),
        EXPLAIN_ANSWER,
        new RoutingMessage.PresentCertificate(RoutingFixtures.CERTIFICATES.get(3)));
  }

  private static final RoutingMessage.ExplainAnswer EXPLAIN_ANSWER =
      new RoutingMessage.ExplainAnswer(44, addresses(1), address(0),
          RoutingMessage.ExplainAnswer.Decision.FORWARD, List.of(
              new RoutingMessage.ExplainHop(address(3), 1, Optional.of("node-3")),
              new RoutingMessage.ExplainHop(address(7), 65535, Optional.empty())));

  // ---- round trips and layout ----

  @ParameterizedTest
  @MethodSource("samples")
  void everyType_roundTrips(RoutingMessage message) throws RoutingDecodeException {
    byte[] bytes = RoutingCodec.encode(message);

    assertThat(RoutingCodec.decode(bytes)).isEqualTo(message);
    assertThat(bytes[0]).isEqualTo((byte) RoutingCodec.VERSION);
    assertThat(bytes[1]).isEqualTo((byte) RoutingMessageType.of(message).code());
  }

  @Test
  void everyType_laidOutAsDocumented() {
    byte[] state = STATE.encode();
    byte[] root = ROOT_STATE.encode();
    assertThat(encodeSample(0)).isEqualTo(Wire.header(1).u16(2)
        .u32(state.length).bytes(state).u32(root.length).bytes(root).done());
    assertThat(encodeSample(1)).isEqualTo(Wire.header(2).u16(3)
        .key(address(3)).key(address(4)).key(address(5)).done());
    assertThat(encodeSample(2)).isEqualTo(Wire.header(3).u64(42)
        .key(address(1)).key(NET).u8(6).ascii("node-2").u8(32).done());
    assertThat(encodeSample(3)).isEqualTo(Wire.header(4).u64(42)
        .u8(3).key(address(4)).key(address(3)).key(address(1)).u32(state.length).bytes(state).done());
    assertThat(encodeSample(4)).isEqualTo(Wire.header(5).u64(43)
        .u8(3).key(address(4)).key(address(3)).key(address(1)).key(NET).u8(6).ascii("nobody").done());
    byte[] node = REVOKE_NODE.encoded().toByteArray();
    byte[] serial = REVOKE_SERIAL.encoded().toByteArray();
    assertThat(encodeSample(5)).isEqualTo(Wire.header(6).u16(2)
        .u8(node.length).bytes(node).u8(serial.length).bytes(serial).done());
    assertThat(encodeSample(6)).isEqualTo(Wire.header(8).u64(44)
        .key(address(2)).key(address(7)).u8(32).done());
    assertThat(encodeSample(7)).isEqualTo(Wire.header(9).u64(44)
        .u8(1).key(address(1)).key(address(0)).u8(1).u8(2)
        .key(address(3)).u16(1).u8(6).ascii("node-3")
        .key(address(7)).u16(65535).u8(0).done());
    byte[] der = RoutingFixtures.CERTIFICATES.get(3).encoded().toByteArray();
    assertThat(encodeSample(8)).isEqualTo(Wire.header(10).u16(der.length).bytes(der).done());
  }

  @Test
  void presentCertificate_badLengthOrNotACertificate_refused() {
    assertRefused(Wire.header(10).u16(0).done(), "certificate of 0 bytes (expected: 1~4096)");
    assertRefused(Wire.header(10).u16(4097).bytes(new byte[4097]).done(),
        "certificate of 4097 bytes (expected: 1~4096)");
    assertRefused(Wire.header(10).u16(3).bytes(new byte[] {1, 2, 3}).done(), "certificate: ");
  }

  // ---- route explain (issue 16) ----

  @ParameterizedTest
  @ValueSource(ints = {0, 5, 255})
  void explainAnswer_unknownDecision_refusedNamingIt(int decision) {
    byte[] bytes = RoutingCodec.encode(EXPLAIN_ANSWER);
    bytes[2 + 8 + 1 + 32 + 32] = (byte) decision;

    assertRefused(bytes, "explain decision " + decision + " (expected: 1~4)");
  }

  @Test
  void explainAnswer_overMaxHops_refusedBothWays() {
    List<RoutingMessage.ExplainHop> hops = java.util.Collections.nCopies(
        RoutingCodec.MAX_EXPLAIN_HOPS + 1,
        new RoutingMessage.ExplainHop(address(3), 1, Optional.empty()));
    RoutingMessage.ExplainAnswer tooLong = new RoutingMessage.ExplainAnswer(1, List.of(),
        address(0), RoutingMessage.ExplainAnswer.Decision.FORWARD, hops);
    assertThatThrownBy(() -> RoutingCodec.encode(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ExplainAnswer hops: 33 (expected: at most 32)");

    byte[] bytes = Wire.header(9).u64(1).u8(0).key(address(0)).u8(1).u8(33).done();
    assertRefused(bytes, "ExplainAnswer of 33 hops (expected: at most 32)");
  }

  @Test
  void explainAnswer_hopCountBeyondTheBytes_andCostZero_refused() {
    assertRefused(Wire.header(9).u64(1).u8(0).key(address(0)).u8(1).u8(32).done(),
        "32 explain hops");
    assertRefused(Wire.header(9).u64(1).u8(0).key(address(0)).u8(1).u8(1)
        .key(address(3)).u16(0).u8(0).done(), "explain hop 0 cost 0");
  }

  @Test
  void explainAnswer_largest_isBoundedAsDocumented() {
    List<RoutingMessage.ExplainHop> hops = java.util.Collections.nCopies(
        RoutingCodec.MAX_EXPLAIN_HOPS, new RoutingMessage.ExplainHop(address(3), 65535,
            Optional.of("a".repeat(MAX_NAME_LENGTH))));
    RoutingMessage.ExplainAnswer largest = new RoutingMessage.ExplainAnswer(1,
        java.util.Collections.nCopies(MAX_ROUTE, address(1)), address(0),
        RoutingMessage.ExplainAnswer.Decision.FORWARD, hops);

    assertThat(RoutingCodec.encode(largest)).hasSize(11_341);
  }

  @Test
  void revoke_overMaxCount_refusedBothWays_andSplitChunks() throws RoutingDecodeException {
    List<SignedRevocation> many = java.util.Collections.nCopies(
        RoutingCodec.MAX_REVOCATIONS_PER_MESSAGE + 1, REVOKE_NODE);
    assertThatThrownBy(() -> RoutingCodec.encode(new RoutingMessage.Revoke(many)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] over = Wire.header(6).u16(RoutingCodec.MAX_REVOCATIONS_PER_MESSAGE + 1).done();
    assertThatThrownBy(() -> RoutingCodec.decode(over))
        .isInstanceOf(RoutingDecodeException.class).hasMessageContaining("at most 1024");
    List<RoutingMessage.Revoke> chunks = RoutingCodec.splitRevocations(many);
    assertThat(chunks).hasSize(2);
    assertThat(chunks.get(1).revocations()).hasSize(1);
    assertThat(RoutingCodec.decode(RoutingCodec.encode(chunks.get(0)))).isEqualTo(chunks.get(0));
    assertThat(RoutingCodec.splitRevocations(List.of())).isEmpty();
  }

  @Test
  void revoke_garbageRevocation_refusedNamingWhich() {
    byte[] node = REVOKE_NODE.encoded().toByteArray();
    byte[] bad = node.clone();
    bad[0] = 9;
    byte[] bytes = Wire.header(6).u16(2).u8(node.length).bytes(node).u8(bad.length).bytes(bad)
        .done();
    assertThatThrownBy(() -> RoutingCodec.decode(bytes))
        .isInstanceOf(RoutingDecodeException.class)
        .hasMessageContaining("revocation 1: not a staex revocation: version 9");
  }

  @Test
  void limits_largestMessagesOfEachKindFitInMaxMessageSize() {
    int header = RoutingCodec.HEADER_SIZE;
    int route = 1 + MAX_ROUTE * Address.KEY_SIZE;
    assertThat(header + 2 + (long) MAX_WITHDRAW * Address.KEY_SIZE).isLessThanOrEqualTo(MAX_MESSAGE_SIZE);
    assertThat(header + 8 + route + 4 + NodeState.MAX_ENCODED_SIZE).isLessThanOrEqualTo(MAX_MESSAGE_SIZE);
    assertThat(header + 8 + route + 32 + 1 + MAX_NAME_LENGTH).isLessThanOrEqualTo(MAX_MESSAGE_SIZE);
    // split() can always place a single state, however large.
    assertThat(header + 2 + 4 + NodeState.MAX_ENCODED_SIZE).isLessThanOrEqualTo(MAX_MESSAGE_SIZE);
    assertThat(MAX_MESSAGE_SIZE).isEqualTo(4 * 1024 * 1024);
    assertThat(MAX_STATES_PER_UPDATE).isEqualTo(1024);
    assertThat(MAX_WITHDRAW).isEqualTo(65535);
    assertThat(MAX_ROUTE).isEqualTo(255);
  }

  // ---- edge values ----

  @ParameterizedTest
  @ValueSource(ints = {0, 1, MAX_STATES_PER_UPDATE})
  void stateUpdate_edgeCounts_roundTrip(int count) throws RoutingDecodeException {
    assertRoundTrips(new StateUpdate(Collections.nCopies(count, STATE)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void withdraw_edgeCounts_roundTrip(int count) throws RoutingDecodeException {
    assertRoundTrips(new Withdraw(pool(count)));
  }

  @Test
  void withdraw_maxNodes_roundTrips() throws RoutingDecodeException {
    // Slow on purpose (~4 s): every key is a full Ed25519 point check, 65535 of them.
    Withdraw withdraw = new Withdraw(pool(MAX_WITHDRAW));
    byte[] bytes = RoutingCodec.encode(withdraw);

    assertThat(bytes).hasSize(RoutingCodec.HEADER_SIZE + 2 + MAX_WITHDRAW * Address.KEY_SIZE);
    assertThat(RoutingCodec.decode(bytes)).isEqualTo(withdraw);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE})
  void lookupIds_edgeValues_roundTrip(long id) throws RoutingDecodeException {
    assertRoundTrips(new LookupRequest(id, address(1), NET, "a", 1));
    assertRoundTrips(new LookupReply(id, List.of(), STATE));
    assertRoundTrips(new LookupMiss(id, List.of(), NET, "a"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 254, 255})
  void lookupRequest_ttlEdges_roundTrip(int ttl) throws RoutingDecodeException {
    assertRoundTrips(new LookupRequest(7, address(1), NET, "node-2", ttl));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "a-b", "xn--bcher-kva", "0-0",
      "abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz", // 63
      "a-------------------------------------------------------------z"})
  void names_validLabels_roundTrip(String name) throws RoutingDecodeException {
    assertRoundTrips(new LookupRequest(7, address(1), NET, name, 3));
    assertRoundTrips(new LookupMiss(7, addresses(1), NET, name));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, MAX_ROUTE - 1, MAX_ROUTE})
  void routes_edgeHopCounts_roundTrip(int hops) throws RoutingDecodeException {
    assertRoundTrips(new LookupReply(9, pool(hops), STATE));
    assertRoundTrips(new LookupMiss(9, pool(hops), NET, "nobody"));
  }

  // ---- limits: refused one past the limit when encoding, and when decoding crafted bytes ----

  @Test
  void stateUpdate_overMaxStates_refusedWhenEncoding() {
    StateUpdate tooMany = new StateUpdate(Collections.nCopies(MAX_STATES_PER_UPDATE + 1, ROOT_STATE));

    assertThatThrownBy(() -> RoutingCodec.encode(tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("StateUpdate states: 1025 (expected: at most 1024)");
  }

  @Test
  void stateUpdate_overMaxStates_refusedWhenDecoding() {
    Wire crafted = Wire.header(1).u16(MAX_STATES_PER_UPDATE + 1);
    byte[] state = ROOT_STATE.encode();
    for (int i = 0; i <= MAX_STATES_PER_UPDATE; i++) {
      crafted.u32(state.length).bytes(state);
    }

    assertRefused(crafted.done(), "StateUpdate of 1025 states (expected: at most 1024)");
  }

  @Test
  void stateUpdate_overMaxMessageSize_refusedWhenEncoding() {
    NodeState big = bigState(1);
    int fitting = (MAX_MESSAGE_SIZE - RoutingCodec.HEADER_SIZE - 2) / (4 + big.encodedSize());
    StateUpdate tooBig = new StateUpdate(Collections.nCopies(fitting + 1, big));
    assertThat(fitting + 1).isLessThanOrEqualTo(MAX_STATES_PER_UPDATE);

    assertThatThrownBy(() -> RoutingCodec.encode(tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STATE_UPDATE of ")
        .hasMessageContaining("bytes (expected: at most 4194304; split state updates");
    assertThat(RoutingCodec.encode(new StateUpdate(Collections.nCopies(fitting, big))).length)
        .isLessThanOrEqualTo(MAX_MESSAGE_SIZE);
  }

  @Test
  void overMaxMessageSize_refusedWhenDecoding_beforeParsing() {
    byte[] crafted = Arrays.copyOf(Wire.header(2).u16(MAX_WITHDRAW).done(), MAX_MESSAGE_SIZE + 1);

    assertRefused(crafted, "routing message of 4194305 bytes (expected: at most 4194304)");
  }

  @Test
  void withdraw_overMaxNodes_refusedWhenEncoding() {
    List<Address> tooMany = Collections.nCopies(MAX_WITHDRAW + 1, address(3));

    assertThatThrownBy(() -> RoutingCodec.encode(new Withdraw(tooMany)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Withdraw nodes: 65536 (expected: at most 65535)");
  }

  @Test
  void withdraw_countBeyondTheBytes_refusedBeforeAllocating() {
    // MAX_WITHDRAW is the u16 count's range, so "one more" has no encoding; the largest count
    // with too few keys is refused by length before any list is built.
    byte[] crafted = Wire.header(2).u16(MAX_WITHDRAW).key(address(3)).done();

    assertRefused(crafted, "routing message truncated at offset 4 (65535 withdrawn nodes): 32 bytes left (expected: 2097120)");
  }

  @Test
  void route_overMaxHops_refusedWhenEncoding() {
    List<Address> tooLong = Collections.nCopies(MAX_ROUTE + 1, address(3));

    assertThatThrownBy(() -> RoutingCodec.encode(new LookupReply(1, tooLong, STATE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LookupReply route hops: 256 (expected: at most 255)");
    assertThatThrownBy(() -> RoutingCodec.encode(new LookupMiss(1, tooLong, NET, "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LookupMiss route hops: 256 (expected: at most 255)");
  }

  @Test
  void route_hopCountBeyondTheBytes_refusedBeforeAllocating() {
    // Likewise MAX_ROUTE is the u8 hop count's range.
    byte[] crafted = Wire.header(5).u64(1).u8(MAX_ROUTE).key(address(3)).done();

    assertRefused(crafted, "routing message truncated at offset 11 (255 route hops): 32 bytes left (expected: 8160)");
  }

  @Test
  void name_overMaxLength_refusedWhenEncoding() {
    String name = "a".repeat(MAX_NAME_LENGTH + 1);

    assertThatThrownBy(() -> RoutingCodec.encode(new LookupRequest(1, address(1), NET, name, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lookup name '" + name + "': 64 characters (expected: 1~63)");
    assertThatThrownBy(() -> RoutingCodec.encode(new LookupMiss(1, List.of(), NET, name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 characters (expected: 1~63)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, MAX_NAME_LENGTH + 1, 255})
  void name_lengthOutOfRange_refusedWhenDecoding(int length) {
    byte[] crafted = Wire.header(3).u64(1).key(address(1)).key(NET)
        .u8(length).ascii("a".repeat(length)).u8(1).done();

    assertRefused(crafted, "lookup name of " + length + " bytes (expected: 1~63)");
  }

  // ---- names: DNS label rules on both sides ----

  @ParameterizedTest
  @ValueSource(strings = {"", "-", "-a", "a-", "A", "Node", "a_b", "a.b", "a b", "é", "a\u0000"})
  void name_notALowerCaseDnsLabel_refusedWhenEncoding(String name) {
    assertThatThrownBy(() -> RoutingCodec.encode(new LookupRequest(1, address(1), NET, name, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lookup name '" + name + "': ");
    assertThatThrownBy(() -> RoutingCodec.encode(new LookupMiss(1, List.of(), NET, name)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-", "-a", "a-", "A", "a_b", "a.b", "a b", "\u00e9", "\u00ff", "\u0080", "a\u0000"})
  void name_notALowerCaseDnsLabel_refusedWhenDecoding(String name) {
    byte[] raw = name.getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = Wire.header(3).u64(1).key(address(1)).key(NET).u8(raw.length).bytes(raw).u8(1).done();
    byte[] miss = Wire.header(5).u64(1).u8(0).key(NET).u8(raw.length).bytes(raw).done();

    assertRefused(request, "lookup name: ");
    assertRefused(miss, "lookup name: ");
  }

  // ---- strictness ----

  @ParameterizedTest
  @MethodSource("samples")
  void everyType_everyTruncation_refused(RoutingMessage message) {
    byte[] bytes = RoutingCodec.encode(message);
    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> RoutingCodec.decode(prefix))
          .as("%s cut to %d of %d bytes", RoutingMessageType.of(message), length, bytes.length)
          .isInstanceOf(RoutingDecodeException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyType_trailingByte_refused(RoutingMessage message) {
    byte[] bytes = RoutingCodec.encode(message);

    assertRefused(Arrays.copyOf(bytes, bytes.length + 1),
        "1 bytes after the " + RoutingMessageType.of(message) + " body (expected: none)");
  }

  @Test
  void empty_refused() {
    assertRefused(new byte[0], "routing message truncated at offset 0 (version): 0 bytes left (expected: 1)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 0x81, 255})
  void unknownVersion_refusedNamingIt(int version) {
    byte[] bytes = RoutingCodec.encode(new Withdraw(List.of()));
    bytes[0] = (byte) version;

    assertRefused(bytes, "routing message version " + version + " (expected: 1)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 11, 0x80, 255})
  void unknownType_refusedNamingIt(int type) {
    byte[] bytes = RoutingCodec.encode(new Withdraw(List.of()));
    bytes[1] = (byte) type;

    assertRefused(bytes, "routing message type " + type + " (expected: 1~10)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 31, 254, 255})
  void rank_roundTrip_oneByteBody(int rank) throws RoutingDecodeException {
    byte[] bytes = RoutingCodec.encode(new RoutingMessage.Rank(rank));

    assertThat(bytes).containsExactly(1, 7, (byte) rank);
    assertThat(RoutingCodec.decode(bytes)).isEqualTo(new RoutingMessage.Rank(rank));
  }

  @Test
  void rank_withoutItsByteOrWithMore_refused() {
    assertThatThrownBy(() -> RoutingCodec.decode(new byte[] {1, 7}))
        .isInstanceOf(RoutingDecodeException.class);
    assertThatThrownBy(() -> RoutingCodec.decode(new byte[] {1, 7, 3, 0}))
        .isInstanceOf(RoutingDecodeException.class)
        .hasMessageContaining("after the RANK body");
  }

  /** Offsets of each key field in each sample. */
  static Stream<Object[]> keyFields() {
    return Stream.of(
        new Object[] {1, 4, "withdrawn node 0"},
        new Object[] {1, 4 + 2 * 32, "withdrawn node 2"},
        new Object[] {2, 10, "asker"},
        new Object[] {2, 42, "network"},
        new Object[] {3, 11, "route hop 0"},
        new Object[] {3, 11 + 2 * 32, "route hop 2"},
        new Object[] {4, 11 + 32, "route hop 1"},
        new Object[] {4, 11 + 3 * 32, "network"});
  }

  @ParameterizedTest
  @MethodSource("keyFields")
  void key_notAnEd25519Key_refusedNamingTheField(int sample, int offset, String field) {
    for (byte[] notAKey : List.of(NOT_A_KEY, new byte[32], smallOrderPoint())) {
      byte[] bytes = encodeSample(sample);
      System.arraycopy(notAKey, 0, bytes, offset, notAKey.length);

      assertRefused(bytes, field + " at offset " + offset + ": not a valid Ed25519 public key");
    }
  }

  @Test
  void state_invalid_refusedNamingWhichState() {
    byte[] bytes = encodeSample(0);
    int secondState = RoutingCodec.HEADER_SIZE + 2 + 4 + STATE.encodedSize() + 4;
    bytes[secondState] = 9; // its version

    assertRefused(bytes, "state 1: node state version 9, flags 0 (expected: 1, 0 or 1)");
  }

  @Test
  void state_lengthBeyondTheBytes_refusedBeforeAllocating() {
    byte[] update = Wire.header(1).u16(1).u32(0xffffffffL).bytes(ROOT_STATE.encode()).done();
    byte[] reply = Wire.header(4).u64(1).u8(0).u32(0x7fffffffL).done();

    assertRefused(update, "routing message truncated at offset 8 (state 0): ");
    assertRefused(update, "(expected: 4294967295)");
    assertRefused(reply, "routing message truncated at offset 15 (state): 0 bytes left (expected: 2147483647)");
  }

  @Test
  void state_lengthShorterThanTheState_refused() {
    byte[] state = ROOT_STATE.encode();
    byte[] crafted = Wire.header(4).u64(1).u8(0).u32(state.length - 1).bytes(state).done();

    assertThatThrownBy(() -> RoutingCodec.decode(crafted)).isInstanceOf(RoutingDecodeException.class);
  }

  // ---- split ----

  @Test
  void split_noStates_noUpdates() {
    assertThat(RoutingCodec.split(List.of())).isEmpty();
  }

  @Test
  void split_manySmallStates_chunksByCount_inOrder() throws RoutingDecodeException {
    List<NodeState> states = IntStream.range(0, 2 * MAX_STATES_PER_UPDATE + 1)
        .mapToObj(RoutingCodecTest::rootState).toList();

    List<StateUpdate> updates = RoutingCodec.split(states);

    assertThat(updates).extracting(u -> u.states().size()).containsExactly(1024, 1024, 1);
    assertSplitCorrectly(states, updates);
  }

  @Test
  void split_largeStates_chunksByBytes_inOrder() throws RoutingDecodeException {
    List<NodeState> states = IntStream.range(0, 70).mapToObj(RoutingCodecTest::bigState).toList();

    List<StateUpdate> updates = RoutingCodec.split(states);

    assertThat(updates).hasSize(3);
    assertSplitCorrectly(states, updates);
  }

  @Test
  void split_fewStates_oneUpdate() throws RoutingDecodeException {
    List<NodeState> states = List.of(STATE, ROOT_STATE, STATE);

    assertThat(RoutingCodec.split(states)).containsExactly(new StateUpdate(states));
  }

  /** All states, in order; each chunk encodes under the limits and is as full as it can be. */
  private static void assertSplitCorrectly(List<NodeState> states, List<StateUpdate> updates)
      throws RoutingDecodeException {
    List<NodeState> joined = new ArrayList<>();
    int next = 0;
    for (StateUpdate update : updates) {
      byte[] bytes = RoutingCodec.encode(update);
      assertThat(bytes.length).isLessThanOrEqualTo(MAX_MESSAGE_SIZE);
      assertThat(update.states()).hasSizeBetween(1, MAX_STATES_PER_UPDATE);
      assertThat(RoutingCodec.decode(bytes)).isEqualTo(update);
      joined.addAll(update.states());
      next += update.states().size();
      if (next < states.size()) {
        boolean full = update.states().size() == MAX_STATES_PER_UPDATE
            || bytes.length + 4 + states.get(next).encodedSize() > MAX_MESSAGE_SIZE;
        assertThat(full).as("a chunk that could have taken the next state").isTrue();
      }
    }
    assertThat(joined).isEqualTo(states);
  }

  // ---- properties ----

  @Provide
  Arbitrary<RoutingMessage> messages() {
    Arbitrary<Address> keys = Arbitraries.of(pool(16));
    Arbitrary<NodeState> states = RoutingFixtures.states();
    Arbitrary<List<Address>> routes = keys.list().ofMaxSize(MAX_ROUTE);
    Arbitrary<Long> ids = Arbitraries.longs();
    return Arbitraries.oneOf(
        states.list().ofMaxSize(4).map(StateUpdate::new),
        keys.list().ofMaxSize(300).map(Withdraw::new),
        Combinators.combine(ids, keys, keys, names(), Arbitraries.integers().between(0, 255))
            .as(LookupRequest::new),
        Combinators.combine(ids, routes, states).as(LookupReply::new),
        Combinators.combine(ids, routes, keys, names()).as(LookupMiss::new),
        Combinators.combine(ids, keys, keys, Arbitraries.integers().between(0, 255))
            .as(RoutingMessage.ExplainRequest::new),
        Combinators.combine(ids, routes, keys,
                Arbitraries.of(RoutingMessage.ExplainAnswer.Decision.class),
                Combinators.combine(keys, Arbitraries.integers().between(1, 65535),
                        names().optional())
                    .as(RoutingMessage.ExplainHop::new).list()
                    .ofMaxSize(RoutingCodec.MAX_EXPLAIN_HOPS))
            .as(RoutingMessage.ExplainAnswer::new));
  }

  /** Lower-case DNS labels of 1~63 characters. */
  static Arbitrary<String> names() {
    Arbitrary<Character> ends = Arbitraries.chars().range('a', 'z').range('0', '9');
    Arbitrary<String> middles = Arbitraries.strings()
        .withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMaxLength(MAX_NAME_LENGTH - 2);
    return Arbitraries.oneOf(
        ends.map(String::valueOf),
        Combinators.combine(ends, middles, ends).as((first, middle, last) -> first + middle + last));
  }

  @Property(tries = 300)
  void arbitraryMessages_roundTrip(@ForAll("messages") RoutingMessage message)
      throws RoutingDecodeException {
    byte[] bytes = RoutingCodec.encode(message);

    assertThat(RoutingCodec.decode(bytes)).isEqualTo(message);
    assertThat(bytes.length).isLessThanOrEqualTo(MAX_MESSAGE_SIZE);
  }

  @Provide
  Arbitrary<byte[]> peerBytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(1200);
    Arbitrary<byte[]> knownHeader = Combinators.combine(
            Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 65535), random)
        .as((type, count, tail) -> concat(new byte[] {1, type.byteValue(), (byte) (count >> 8), count.byteValue()}, tail));
    Arbitrary<byte[]> validPrefix = Combinators.combine(
            messages().map(RoutingCodec::encode), Arbitraries.integers().between(0, 100_000), random)
        .as((valid, cut, tail) -> concat(Arrays.copyOf(valid, cut % (valid.length + 1)), tail));
    return Arbitraries.oneOf(random, knownHeader, validPrefix);
  }

  @Property(tries = 1000)
  void arbitraryBytes_onlyRoutingDecodeException_orTheOneEncodingOfAMessage(
      @ForAll("peerBytes") byte[] bytes) {
    try {
      RoutingMessage message = RoutingCodec.decode(bytes);
      assertThat(RoutingCodec.encode(message)).isEqualTo(bytes);
    } catch (RoutingDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 1000)
  void singleByteChanged_refusedOrReencodesToExactlyThoseBytes(
      @ForAll("messages") RoutingMessage message, @ForAll @IntRange(max = 1_000_000) int where,
      @ForAll byte value) {
    byte[] bytes = RoutingCodec.encode(message);
    int position = where % bytes.length;
    Assume.that(bytes[position] != value);
    bytes[position] = value;
    try {
      RoutingMessage changed = RoutingCodec.decode(bytes);
      assertThat(changed).isNotEqualTo(message);
      assertThat(RoutingCodec.encode(changed)).isEqualTo(bytes);
    } catch (RoutingDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  // ---- helpers ----

  private static byte[] encodeSample(int index) {
    return RoutingCodec.encode(samples().toList().get(index));
  }

  private static void assertRoundTrips(RoutingMessage message) throws RoutingDecodeException {
    assertThat(RoutingCodec.decode(RoutingCodec.encode(message))).isEqualTo(message);
  }

  private static void assertRefused(byte[] bytes, String message) {
    assertThatThrownBy(() -> RoutingCodec.decode(bytes))
        .isInstanceOf(RoutingDecodeException.class)
        .hasMessageContaining(message);
  }

  /** {@code n} addresses cycling through the node pool. */
  private static List<Address> pool(int n) {
    return IntStream.range(0, n).mapToObj(i -> address(i % RoutingFixtures.NODE_COUNT)).toList();
  }

  /** Node 0 with no parents, sequence {@code sequence}: distinct small states. */
  private static NodeState rootState(int sequence) {
    return NodeState.sign(NODES.get(0), RoutingFixtures.CERTIFICATES.get(0), List.of(),
        Optional.empty(), List.of(), sequence, RoutingFixtures.T0.plus(Duration.ofMinutes(20)));
  }

  /** Node 1 advertising every port (about 131 KB encoded), sequence {@code sequence}. */
  private static NodeState bigState(int sequence) {
    return NodeState.sign(NODES.get(1), RoutingFixtures.CERTIFICATES.get(1), List.of(),
        Optional.empty(), ALL_PORTS, sequence, RoutingFixtures.T0.plus(Duration.ofMinutes(20)));
  }

  private static final List<Integer> ALL_PORTS = IntStream.rangeClosed(1, 65535).boxed().toList();

  /** The neutral element of edwards25519 (y = 1): on the curve, but of order 1. */
  private static byte[] smallOrderPoint() {
    byte[] p = new byte[32];
    p[0] = 1;
    return p;
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Hand-assembled bytes following the layout in RoutingCodec's documentation. */
  static final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Wire header(int type) {
      return new Wire().u8(RoutingCodec.VERSION).u8(type);
    }

    Wire u8(int v) {
      out.write(v);
      return this;
    }

    Wire u16(int v) {
      return bytes(ByteBuffer.allocate(2).putShort((short) v).array());
    }

    Wire u32(long v) {
      return bytes(ByteBuffer.allocate(4).putInt((int) v).array());
    }

    Wire u64(long v) {
      return bytes(ByteBuffer.allocate(8).putLong(v).array());
    }

    Wire key(Address key) {
      return bytes(key.publicKey().toByteArray());
    }

    Wire ascii(String s) {
      return bytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    Wire bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    byte[] done() {
      return out.toByteArray();
    }
  }
}
