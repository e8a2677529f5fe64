package io.staex.routing;

import static io.staex.routing.RoutingFixtures.NETWORK;
import static io.staex.routing.RoutingFixtures.address;
import static io.staex.routing.RoutingFixtures.addresses;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.management.ThreadMXBean;
import io.staex.routing.RoutingMessage.LookupMiss;
import io.staex.routing.RoutingMessage.LookupReply;
import io.staex.routing.RoutingMessage.LookupRequest;
import io.staex.routing.RoutingMessage.StateUpdate;
import io.staex.routing.RoutingMessage.Withdraw;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link RoutingCodec#decode} and {@link NodeState#decode}: both read
 * what a neighbour sent (a routing message reassembled from ROUTING chunks, the states in it).
 * Replays the seeds below and {@code RoutingCodecFuzzTestInputs/} under {@code mvn test};
 * {@code bench/fuzz.sh} fuzzes them.
 */
class RoutingCodecFuzzTest {
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  /**
   * What a decode may allocate besides {@link #PER_INPUT_BYTE} per input byte: values, lists
   * and a failure's message, never an array sized from a length or count field alone (the
   * smallest such claim, a 16-bit count or length, is larger than this).
   */
  private static final long FIXED_ALLOWANCE = 48 * 1024;
  private static final long PER_INPUT_BYTE = 64;

  /** One message of each type, states with and without parents and services. */
  static Stream<byte[]> messages() {
    NodeState small = RoutingFixtures.smallState();
    NodeState root = RoutingFixtures.state(0, List.of());
    return Stream.<RoutingMessage>of(
        new StateUpdate(List.of(small, root)),
        new Withdraw(addresses(3, 4, 5)),
        new LookupRequest(42, address(1), NETWORK.address(), "node-2", 32),
        new LookupReply(42, addresses(4, 3, 1), small),
        new LookupMiss(43, addresses(4, 3, 1), NETWORK.address(), "nobody"))
        .map(RoutingCodec::encode);
  }

  /** Valid node states (the certificate inside is the first thing their decoder reads). */
  static Stream<byte[]> states() {
    return Stream.of(RoutingFixtures.smallState(), RoutingFixtures.state(0, List.of()),
        RoutingFixtures.state(5, List.of(1, 80, 65535), 6, 7, 8)).map(NodeState::encode);
  }

  /**
   * Any bytes: a {@link RoutingDecodeException} with a message, or a message whose encoding is
   * the same bytes (the codec is canonical); allocation in proportion to the input.
   */
  @MethodSource("messages")
  @FuzzTest
  void decodeMessage(byte[] bytes) {
    RoutingMessage message = decodeOrNull(bytes);
    if (message != null) {
      assertThat(RoutingCodec.encode(message)).as("re-encoded").isEqualTo(bytes);
    }
    assertBoundedAllocation(bytes, () -> decodeOrNull(bytes));
  }

  /** As {@link #decodeMessage}, for one node state. */
  @MethodSource("states")
  @FuzzTest
  void decodeState(byte[] bytes) {
    NodeState state = stateOrNull(bytes);
    if (state != null) {
      assertThat(state.encode()).as("re-encoded").isEqualTo(bytes);
      assertThat(stateOrNull(state.encode())).isEqualTo(state);
    }
    assertBoundedAllocation(bytes, () -> stateOrNull(bytes));
  }

  private static RoutingMessage decodeOrNull(byte[] bytes) {
    try {
      return RoutingCodec.decode(bytes);
    } catch (RoutingDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }

  private static NodeState stateOrNull(byte[] bytes) {
    try {
      return NodeState.decode(bytes);
    } catch (RoutingDecodeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }

  /** The least of three runs of {@code decode} (a first run may load classes) is bounded. */
  private static void assertBoundedAllocation(byte[] bytes, Runnable decode) {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      decode.run();
      least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
    }
    assertThat(least).as("bytes allocated decoding %d bytes", bytes.length)
        .isLessThanOrEqualTo(FIXED_ALLOWANCE + PER_INPUT_BYTE * bytes.length);
  }
}
