package io.staex.routing;

import static io.staex.routing.RoutingFixtures.CERTIFICATES;
import static io.staex.routing.RoutingFixtures.NETWORK;
import static io.staex.routing.RoutingFixtures.NODES;
import static io.staex.routing.RoutingFixtures.OTHER_NETWORK;
import static io.staex.routing.RoutingFixtures.T0;
import static io.staex.routing.RoutingFixtures.YEAR;
import static io.staex.routing.RoutingFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.Rejection;
import io.staex.crypto.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NodeState: signing and its refusals, verification (any change to the signed bytes breaks the
 * signature), and strict, canonical decoding of bytes from peers.
 */
class NodeStateTest {
  private static final Instant EXPIRES = T0.plus(Duration.ofMinutes(20));
  private static final Identity NODE = NODES.get(2);
  private static final Certificate CERT = CERTIFICATES.get(2);
  /** node 2 with parents 3 (cost 1, active) and 4 (cost 2), services 22 and 443. */
  private static final NodeState STATE = RoutingFixtures.smallState();

  // ---- sign, encode, decode ----

  @Test
  void sign_decodeOfEncode_equalsTheState() throws RoutingDecodeException {
    NodeState decoded = NodeState.decode(STATE.encode());

    assertThat(decoded).isEqualTo(STATE).hasSameHashCodeAs(STATE);
    assertThat(decoded.address()).isEqualTo(NODE.address());
    assertThat(decoded.certificate()).isEqualTo(CERT);
    assertThat(decoded.name()).contains("node-2");
    assertThat(decoded.network()).isEqualTo(NETWORK.address());
    assertThat(decoded.parents()).containsExactly(
        new ParentLink(address(3), 1), new ParentLink(address(4), 2));
    assertThat(decoded.activeParent()).contains(address(3));
    assertThat(decoded.services()).containsExactly(22, 443);
    assertThat(decoded.sequence()).isEqualTo(1);
    assertThat(decoded.expires()).isEqualTo(EXPIRES);
  }

  @Test
  void sign_encodingFollowsTheDocumentedLayout() {
    assertThat(STATE.encode()).isEqualTo(Layout.encode(STATE, Layout.signature(STATE.encode())));
    assertThat(STATE.encodedSize()).isEqualTo(STATE.encode().length);
  }

  @Test
  void sign_sortsAndDeduplicatesServices_truncatesExpiryToMillis() {
    NodeState state = NodeState.sign(
        NODE, CERT, List.of(), Optional.empty(), List.of(443, 22, 443, 1, 65535), 0,
        EXPIRES.plusNanos(999_999));

    assertThat(state.services()).containsExactly(1, 22, 443, 65535);
    assertThat(state.expires()).isEqualTo(EXPIRES);
    assertThat(state.activeParent()).isEmpty();
  }

  @Test
  void sign_sameInputs_equalStates_otherSequence_notEqual() {
    assertThat(RoutingFixtures.smallState()).isEqualTo(STATE).hasSameHashCodeAs(STATE);
    NodeState next = NodeState.sign(
        NODE, CERT, STATE.parents(), STATE.activeParent(), STATE.services(), 2, EXPIRES);
    assertThat(next).isNotEqualTo(STATE);
  }

  private static NodeState withGuests(List<Address> guests) {
    return NodeState.sign(NODE, CERT, List.of(), Optional.empty(), List.of(80), guests, 1,
        EXPIRES);
  }

  @Test
  void guests_signedSortedWithoutTheOwnNetwork_roundTrip_andAdmitTheirMembers()
      throws RoutingDecodeException {
    Address b = RoutingFixtures.identity(2001).address();
    Address c = RoutingFixtures.identity(2002).address();
    NodeState state = withGuests(List.of(c, NETWORK.address(), b, c));

    assertThat(state.guests()).containsExactly(b.compareTo(c) < 0 ? b : c, b.compareTo(c) < 0 ? c : b);
    assertThat(NodeState.decode(state.encode())).isEqualTo(state)
        .satisfies(d -> assertThat(d.guests()).isEqualTo(state.guests()));
    assertThat(state.verify(RoutingFixtures.policy(), T0).isAccepted()).isTrue();
    assertThat(state.admits(NETWORK.address())).isTrue();
    assertThat(state.admits(b)).isTrue();
    assertThat(state.admits(OTHER_NETWORK.address())).isFalse();
    // no guests: exactly the encoding states had before guests existed (flags 0, nothing more)
    NodeState plain = withGuests(List.of(NETWORK.address()));
    assertThat(plain.guests()).isEmpty();
    assertThat(plain.encode()[1]).isZero();
    assertThat(plain.encodedSize()).isEqualTo(state.encodedSize() - 1 - 2 * Address.KEY_SIZE);
    assertThat(plain.admits(b)).isFalse();
  }

  @Test
  void guests_moreThanTheMost_refusedAtSigning() {
    List<Address> many = IntStream.range(0, NodeState.MAX_GUESTS + 1)
        .mapToObj(i -> RoutingFixtures.identity(3000 + i).address()).toList();
    assertThatThrownBy(() -> withGuests(many)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("17 guest networks (expected: at most 16)");
    assertThat(withGuests(many.subList(0, NodeState.MAX_GUESTS)).guests()).hasSize(16);
  }

  @Test
  void guests_notCanonical_refusedAtDecoding() {
    Address b = RoutingFixtures.identity(2001).address();
    Address c = RoutingFixtures.identity(2002).address();
    byte[] two = withGuests(List.of(b, c)).encode();
    int sig = two.length - NodeState.SIGNATURE_SIZE;
    int first = sig - 2 * Address.KEY_SIZE;

    byte[] swapped = two.clone();
    swap(swapped, first, first + Address.KEY_SIZE, Address.KEY_SIZE);
    assertRefused(swapped, "guest networks not strictly increasing");
    byte[] duplicate = two.clone();
    System.arraycopy(two, first, duplicate, first + Address.KEY_SIZE, Address.KEY_SIZE);
    assertRefused(duplicate, "guest networks not strictly increasing");
    byte[] none = two.clone();
    none[first - 1] = 0;
    assertRefused(none, "0 guest networks (expected: 1~16 when the flag is set)");
    byte[] noFlag = two.clone();
    noFlag[1] = 0;
    assertRefused(noFlag, "bytes after the services");
    byte[] otherFlag = two.clone();
    otherFlag[1] = 3;
    assertRefused(otherFlag, "flags 3");
    byte[] own = two.clone();
    NETWORK.address().publicKey().copyTo(own, first);
    assertRefused(own, "the node's own network listed as a guest");
  }

  @Test
  void encode_returnsACopy() {
    byte[] bytes = STATE.encode();
    bytes[0] ^= 1;
    assertThat(STATE.encode()[0]).isEqualTo((byte) NodeState.VERSION);
  }

  @Test
  void isExpired_fromTheExpiryOn() {
    assertThat(STATE.isExpired(EXPIRES.minusMillis(1))).isFalse();
    assertThat(STATE.isExpired(EXPIRES)).isTrue();
  }

  // ---- verify ----

  @Test
  void verify_networkTrusted_accepted() {
    assertThat(STATE.verify(RoutingFixtures.policy(), T0).isAccepted()).isTrue();
  }

  @Test
  void verify_certificateOfUntrustedNetwork_wrongNetwork() {
    Certificate foreign = RoutingFixtures.certificate(OTHER_NETWORK, NODE, null);
    NodeState state = NodeState.sign(NODE, foreign, List.of(), Optional.empty(), List.of(), 1, EXPIRES);

    assertThat(state.verify(RoutingFixtures.policy(), T0).rejection()).isEqualTo(Rejection.WRONG_NETWORK);
  }

  @Test
  void verify_certificateExpired_expired() {
    Verdict verdict = STATE.verify(RoutingFixtures.policy(), T0.plus(YEAR).plusSeconds(1));
    assertThat(verdict.rejection()).isEqualTo(Rejection.EXPIRED);
  }

  @Test
  void verify_sequenceChangedByARelay_badSignature() throws RoutingDecodeException {
    byte[] bytes = STATE.encode();
    bytes[new Layout(bytes).sequence() + 7] ^= 0x01; // sequence 1 -> 0

    NodeState forged = NodeState.decode(bytes);

    assertThat(forged.sequence()).isZero();
    Verdict verdict = forged.verify(RoutingFixtures.policy(), T0);
    assertThat(verdict.rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(verdict.detail()).contains(NODE.address().toString());
  }

  @Test
  void verify_anyBodyByteChanged_refusedOrBadSignature() {
    byte[] original = STATE.encode();
    int decoded = 0;
    for (int i = 0; i < original.length - NodeState.SIGNATURE_SIZE; i++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] bytes = original.clone();
        bytes[i] ^= (byte) mask;
        try {
          NodeState forged = NodeState.decode(bytes);
          decoded++;
          assertThat(forged.verify(RoutingFixtures.policy(), T0).rejection())
              .as("byte %d ^ 0x%02x", i, mask)
              .isEqualTo(Rejection.BAD_SIGNATURE);
        } catch (RoutingDecodeException e) {
          // refused before verification: fine
        }
      }
    }
    assertThat(decoded).as("changes that still decode (sequence, expiry, costs, ...)").isGreaterThan(20);
  }

  @Test
  void verify_anySignatureByteChanged_badSignature() throws RoutingDecodeException {
    byte[] original = STATE.encode();
    for (int i = original.length - NodeState.SIGNATURE_SIZE; i < original.length; i++) {
      byte[] bytes = original.clone();
      bytes[i] ^= 0x01;
      assertThat(NodeState.decode(bytes).verify(RoutingFixtures.policy(), T0).rejection())
          .as("signature byte %d", i)
          .isEqualTo(Rejection.BAD_SIGNATURE);
    }
  }

  @Test
  void verify_signedByAnotherKey_badSignature_signedByItsOwn_accepted() throws RoutingDecodeException {
    byte[] bytes = STATE.encode();

    NodeState byOther = NodeState.decode(Layout.resign(bytes, NODES.get(5)));
    NodeState byOwn = NodeState.decode(Layout.resign(bytes, NODE));

    assertThat(byOther.verify(RoutingFixtures.policy(), T0).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(byOwn).isEqualTo(STATE); // Ed25519 is deterministic: same body, same signature
    assertThat(byOwn.verify(RoutingFixtures.policy(), T0).isAccepted()).isTrue();
  }

  // ---- sign refuses what has no valid encoding ----

  @Test
  void sign_certificateOfAnotherIdentity_refused() {
    assertThatThrownBy(() -> NodeState.sign(
            NODES.get(5), CERT, List.of(), Optional.empty(), List.of(), 1, EXPIRES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate is for " + NODE.address());
  }

  @Test
  void sign_duplicateParent_refused() {
    assertThatThrownBy(() -> sign(List.of(link(3), link(4), link(3)), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listed twice");
  }

  @Test
  void sign_itselfAsParent_refused() {
    assertThatThrownBy(() -> sign(List.of(link(3), link(2)), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists itself as parent");
  }

  @Test
  void sign_sixteenParents_accepted_seventeen_refused() throws RoutingDecodeException {
    List<ParentLink> sixteen = otherNodes(NodeState.MAX_PARENTS);
    NodeState state = sign(sixteen, Optional.of(sixteen.get(15).parent()));
    assertThat(NodeState.decode(state.encode()).parents()).isEqualTo(sixteen);

    assertThatThrownBy(() -> sign(otherNodes(NodeState.MAX_PARENTS + 1), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("17 parents (expected: at most 16)");
  }

  @Test
  void sign_activeParentNotAParent_refused() {
    assertThatThrownBy(() -> sign(List.of(link(3)), Optional.of(address(4))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a parent");
    assertThatThrownBy(() -> sign(List.of(), Optional.of(address(4))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void sign_portOutOfRange_refused(int port) {
    assertThatThrownBy(() -> NodeState.sign(
            NODE, CERT, List.of(), Optional.empty(), List.of(80, port), 1, EXPIRES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service port: " + port + " (expected: 1~65535)");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 32768, 65534, 65535})
  void sign_portInRange_roundTrips(int port) throws RoutingDecodeException {
    NodeState state = NodeState.sign(NODE, CERT, List.of(), Optional.empty(), List.of(port), 1, EXPIRES);
    assertThat(NodeState.decode(state.encode()).services()).containsExactly(port);
  }

  @Test
  void sign_negativeSequence_refused() {
    assertThatThrownBy(() -> NodeState.sign(
            NODE, CERT, List.of(), Optional.empty(), List.of(), -1, EXPIRES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sequence: -1 (expected: >= 0)");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, Long.MAX_VALUE})
  void sign_sequenceEdges_roundTrip(long sequence) throws RoutingDecodeException {
    NodeState state = NodeState.sign(NODE, CERT, List.of(), Optional.empty(), List.of(), sequence, EXPIRES);
    assertThat(NodeState.decode(state.encode()).sequence()).isEqualTo(sequence);
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE})
  void sign_expiryEdges_roundTrip(long epochMilli) throws RoutingDecodeException {
    Instant expires = Instant.ofEpochMilli(epochMilli);
    NodeState state = NodeState.sign(NODE, CERT, List.of(), Optional.empty(), List.of(), 1, expires);
    assertThat(NodeState.decode(state.encode()).expires()).isEqualTo(expires);
  }

  // ---- decode refuses everything but the canonical encoding ----

  @Test
  void decode_unsortedPorts_refused() {
    byte[] bytes = STATE.encode();
    Layout at = new Layout(bytes);
    swap(bytes, at.port(0), at.port(1), 2);

    assertRefused(bytes, "service ports not strictly increasing at 22");
  }

  @Test
  void decode_duplicatePorts_refused() {
    byte[] bytes = STATE.encode();
    Layout at = new Layout(bytes);
    System.arraycopy(bytes, at.port(0), bytes, at.port(1), 2);

    assertRefused(bytes, "service ports not strictly increasing at 22");
  }

  @Test
  void decode_portZero_refused() {
    byte[] bytes = STATE.encode();
    Layout at = new Layout(bytes);
    bytes[at.port(0)] = 0;
    bytes[at.port(0) + 1] = 0;

    assertRefused(bytes, "service ports not strictly increasing at 0");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 15, 16, 0xfe})
  void decode_activeIndexOutOfRange_refused(int index) {
    byte[] bytes = STATE.encode();
    bytes[new Layout(bytes).active()] = (byte) index;

    assertRefused(bytes, "active parent index " + index + " of 2 parents");
  }

  @Test
  void decode_noActiveParent_isIndex0xff() throws RoutingDecodeException {
    byte[] bytes = STATE.encode();
    bytes[new Layout(bytes).active()] = (byte) 0xff;

    assertThat(NodeState.decode(bytes).activeParent()).isEmpty();
  }

  @Test
  void decode_trailingByte_refused() {
    byte[] bytes = Arrays.copyOf(STATE.encode(), STATE.encodedSize() + 1);

    assertRefused(bytes, "65 bytes after the services (expected: the 64-byte signature)");
  }

  @Test
  void decode_otherVersionOrFlags_refused() {
    byte[] version = STATE.encode();
    version[0] = 2;
    assertRefused(version, "node state version 2, flags 0 (expected: 1, 0 or 1)");

    byte[] flags = STATE.encode();
    flags[1] = (byte) 0x80;
    assertRefused(flags, "node state version 1, flags 128 (expected: 1, 0 or 1)");
  }

  @Test
  void decode_negativeSequence_refused() {
    byte[] bytes = STATE.encode();
    bytes[new Layout(bytes).sequence()] = (byte) 0x80;

    assertRefused(bytes, "sequence 9223372036854775809 (expected: < 2^63)");
  }

  @Test
  void decode_seventeenParents_refused() {
    byte[] bytes = STATE.encode();
    bytes[new Layout(bytes).parentCount()] = 17;

    assertRefused(bytes, "17 parents (expected: at most 16)");
  }

  @Test
  void decode_duplicateParent_refused() {
    byte[] bytes = STATE.encode();
    Layout at = new Layout(bytes);
    System.arraycopy(bytes, at.parent(0), bytes, at.parent(1), Address.KEY_SIZE);

    assertRefused(bytes, "listed twice");
  }

  @Test
  void decode_itselfAsParent_refused() {
    byte[] bytes = STATE.encode();
    NODE.address().publicKey().copyTo(bytes, new Layout(bytes).parent(1));

    assertRefused(bytes, "lists itself as parent");
  }

  @Test
  void decode_parentCostZero_refused() {
    byte[] bytes = STATE.encode();
    Layout at = new Layout(bytes);
    bytes[at.parent(0) + Address.KEY_SIZE] = 0;
    bytes[at.parent(0) + Address.KEY_SIZE + 1] = 0;

    assertRefused(bytes, "cost: 0 (expected: 1~65535)");
  }

  @Test
  void decode_parentNotAValidKey_refused() {
    byte[] bytes = STATE.encode();
    Arrays.fill(bytes, new Layout(bytes).parent(0), new Layout(bytes).parent(0) + Address.KEY_SIZE, (byte) 0xff);

    assertRefused(bytes, "not a valid Ed25519 public key");
  }

  @Test
  void decode_certificateLengthBeyondTheEnd_refused() {
    byte[] bytes = STATE.encode();
    bytes[2] = (byte) 0xff;
    bytes[3] = (byte) 0xff;

    assertRefused(bytes, "truncated");
  }

  @Test
  void decode_certificateNotDer_refused() {
    byte[] bytes = STATE.encode();
    bytes[4] = 0x05;

    assertRefused(bytes, "certificate: ");
  }

  @Test
  void decode_overMaxEncodedSize_refusedBeforeParsing() {
    byte[] bytes = Arrays.copyOf(STATE.encode(), NodeState.MAX_ENCODED_SIZE + 1);

    assertRefused(bytes, "node state of " + (NodeState.MAX_ENCODED_SIZE + 1) + " bytes");
  }

  @Test
  void decode_everyTruncation_refused() {
    byte[] bytes = STATE.encode();
    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> NodeState.decode(prefix))
          .as("prefix of %d bytes", length)
          .isInstanceOf(RoutingDecodeException.class);
    }
  }

  // ---- properties: bytes from peers ----

  @Provide
  Arbitrary<byte[]> peerBytes() {
    byte[] valid = STATE.encode();
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(800);
    Arbitrary<byte[]> validPrefixThenRandom = Combinators.combine(
            Arbitraries.integers().between(0, valid.length), random)
        .as((keep, tail) -> concat(Arrays.copyOf(valid, keep), tail));
    return Arbitraries.oneOf(random, validPrefixThenRandom);
  }

  @Property(tries = 1000)
  void decode_arbitraryBytes_onlyRoutingDecodeException_orTheCanonicalEncoding(
      @ForAll("peerBytes") byte[] bytes) {
    try {
      NodeState state = NodeState.decode(bytes);
      assertThat(Layout.encode(state, Layout.signature(bytes))).isEqualTo(bytes);
    } catch (RoutingDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<NodeState> states() {
    return RoutingFixtures.states();
  }

  @Property(tries = 200)
  void sign_arbitraryStates_roundTripAndVerify(@ForAll("states") NodeState state)
      throws RoutingDecodeException {
    NodeState decoded = NodeState.decode(state.encode());

    assertThat(decoded).isEqualTo(state);
    assertThat(decoded.parents()).isEqualTo(state.parents());
    assertThat(decoded.activeParent()).isEqualTo(state.activeParent());
    assertThat(decoded.services()).isEqualTo(state.services());
    assertThat(decoded.expires()).isEqualTo(state.expires());
    assertThat(decoded.verify(RoutingFixtures.policy(), T0).isAccepted()).isTrue();
  }

  @Property(tries = 1000)
  void decode_singleByteChanged_refusedOrCanonicalAndUnverifiable(
      @ForAll("states") NodeState state, @ForAll @IntRange(max = 100_000) int where,
      @ForAll byte value) {
    byte[] bytes = state.encode();
    int position = where % bytes.length;
    Assume.that(bytes[position] != value);
    bytes[position] = value;
    try {
      NodeState changed = NodeState.decode(bytes);
      assertThat(Layout.encode(changed, Layout.signature(bytes))).isEqualTo(bytes);
      assertThat(changed.verify(RoutingFixtures.policy(), T0).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    } catch (RoutingDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 100)
  void decode_truncatedArbitraryState_refused(
      @ForAll("states") NodeState state, @ForAll @Size(min = 1) List<Integer> cuts) {
    byte[] bytes = state.encode();
    for (int cut : cuts) {
      int length = Math.floorMod(cut, bytes.length);
      assertThatThrownBy(() -> NodeState.decode(Arrays.copyOf(bytes, length)))
          .isInstanceOf(RoutingDecodeException.class);
    }
  }

  // ---- helpers ----

  private static NodeState sign(List<ParentLink> parents, Optional<Address> active) {
    return NodeState.sign(NODE, CERT, parents, active, List.of(), 1, EXPIRES);
  }

  private static ParentLink link(int node) {
    return new ParentLink(address(node), 1);
  }

  /** The first {@code n} nodes other than node 2, as parents of cost 1. */
  private static List<ParentLink> otherNodes(int n) {
    return IntStream.range(0, RoutingFixtures.NODE_COUNT).filter(i -> i != 2).limit(n)
        .mapToObj(NodeStateTest::link).toList();
  }

  private static void assertRefused(byte[] bytes, String message) {
    assertThatThrownBy(() -> NodeState.decode(bytes))
        .isInstanceOf(RoutingDecodeException.class)
        .hasMessageContaining(message);
  }

  private static void swap(byte[] bytes, int a, int b, int length) {
    byte[] tmp = Arrays.copyOfRange(bytes, a, a + length);
    System.arraycopy(bytes, b, bytes, a, length);
    System.arraycopy(tmp, 0, bytes, b, length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * NodeState's documented layout, written out again independently: field offsets in an
   * encoding, and the encoding of a state's fields. Tests compare decoded states against it, so
   * a decoder that accepted two encodings of one state would be caught.
   */
  static final class Layout {
    private final byte[] bytes;

    Layout(byte[] bytes) {
      this.bytes = bytes;
    }

    int sequence() {
      return 4 + (((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
    }

    int parentCount() {
      return sequence() + 16;
    }

    int parent(int i) {
      return parentCount() + 1 + i * (Address.KEY_SIZE + 2);
    }

    int active() {
      return parent(bytes[parentCount()] & 0xff);
    }

    int port(int j) {
      return active() + 3 + 2 * j;
    }

    static byte[] signature(byte[] encoded) {
      return Arrays.copyOfRange(
          encoded, Math.max(0, encoded.length - NodeState.SIGNATURE_SIZE), encoded.length);
    }

    static byte[] encode(NodeState state, byte[] signature) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] der = state.certificate().encoded().toByteArray();
      ByteBuffer b = ByteBuffer.allocate(NodeState.MAX_ENCODED_SIZE);
      b.put((byte) 1).put((byte) 0).putShort((short) der.length).put(der);
      b.putLong(state.sequence()).putLong(state.expires().toEpochMilli());
      b.put((byte) state.parents().size());
      for (ParentLink p : state.parents()) {
        b.put(p.parent().publicKey().toByteArray()).putShort((short) p.cost());
      }
      b.put((byte) state.activeParent()
          .map(a -> state.parents().stream().map(ParentLink::parent).toList().indexOf(a))
          .orElse(0xff).intValue());
      b.putShort((short) state.services().size());
      state.services().forEach(port -> b.putShort((short) port.intValue()));
      b.put(signature);
      out.write(b.array(), 0, b.position());
      return out.toByteArray();
    }

    /** {@code encoded} with its signature replaced by {@code signer}'s over the same body. */
    static byte[] resign(byte[] encoded, Identity signer) {
      byte[] body = Arrays.copyOf(encoded, encoded.length - NodeState.SIGNATURE_SIZE);
      byte[] signature = signer.sign(concat("staex node state v1".getBytes(StandardCharsets.US_ASCII), body));
      return concat(body, signature);
    }
  }
}
