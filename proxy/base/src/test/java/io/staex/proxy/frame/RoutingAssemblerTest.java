package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staex.proxy.frame.FrameDecodeException.Reason;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class RoutingAssemblerTest {
  static final int CHUNK = FrameLimits.MAX_ROUTING_CHUNK;

  @Property(tries = 30)
  void split_thenAdd_givesTheMessageBack(
      @ForAll @IntRange(min = 1, max = 4 * CHUNK + 2) int size, @ForAll long seed)
      throws FrameDecodeException {
    byte[] message = FrameArbitraries.filled(size, seed);
    List<LinkFrame.Routing> chunks = RoutingAssembler.split(message);
    assertThat(chunks).hasSize((size + CHUNK - 1) / CHUNK);
    RoutingAssembler assembler = new RoutingAssembler();
    for (int i = 0; i < chunks.size() - 1; i++) {
      assertThat(chunks.get(i).more()).isTrue();
      assertThat(assembler.add(chunks.get(i))).isNull();
    }
    assertThat(chunks.get(chunks.size() - 1).more()).isFalse();
    assertThat(assembler.add(chunks.get(chunks.size() - 1))).isEqualTo(message);
    assertThat(assembler.pending()).isZero();
  }

  @Example
  void exactMultiplesOfAChunk_splitWithoutAnEmptyTail() {
    assertThat(RoutingAssembler.split(new byte[CHUNK])).hasSize(1);
    assertThat(RoutingAssembler.split(new byte[2 * CHUNK])).hasSize(2);
    assertThat(RoutingAssembler.split(new byte[2 * CHUNK + 1])).hasSize(3);
  }

  @Example
  void messagesFollowEachOther() throws FrameDecodeException {
    RoutingAssembler assembler = new RoutingAssembler();
    byte[] one = {1, 2, 3};
    byte[] two = FrameArbitraries.filled(CHUNK + 5, 2);
    assertThat(assembler.add(RoutingAssembler.split(one).get(0))).isEqualTo(one);
    List<LinkFrame.Routing> chunks = RoutingAssembler.split(two);
    assertThat(assembler.add(chunks.get(0))).isNull();
    assertThat(assembler.pending()).isEqualTo(CHUNK);
    assertThat(assembler.add(chunks.get(1))).isEqualTo(two);
  }

  @Example
  void largestMessage_passes_oneByteMore_isRefusedOnSplitAndAssembly()
      throws FrameDecodeException {
    int max = FrameLimits.MAX_ROUTING_MESSAGE;
    RoutingAssembler assembler = new RoutingAssembler();
    byte[] largest = FrameArbitraries.filled(max, 3);
    byte[] result = null;
    for (LinkFrame.Routing chunk : RoutingAssembler.split(largest)) {
      result = assembler.add(chunk);
    }
    assertThat(result).isEqualTo(largest);

    assertThatThrownBy(() -> RoutingAssembler.split(new byte[max + 1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining((max + 1) + " bytes");
    assertThatThrownBy(() -> RoutingAssembler.split(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);

    LinkFrame.Routing more = new LinkFrame.Routing(true, FrameBytes.copyOf(new byte[CHUNK]));
    int fits = max / CHUNK;
    for (int i = 0; i < fits; i++) {
      assertThat(assembler.add(more)).isNull();
    }
    FrameDecodeException e = catchThrowableOfType(FrameDecodeException.class,
        () -> assembler.add(more));
    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e).hasMessageContaining("(expected: at most " + max + ")");
    assertThat(assembler.pending()).as("the partial message is dropped").isZero();
    byte[] next = {9};
    assertThat(assembler.add(RoutingAssembler.split(next).get(0))).isEqualTo(next);
  }

  @Example
  void reset_dropsAPartialMessage() throws FrameDecodeException {
    RoutingAssembler assembler = new RoutingAssembler();
    assembler.add(new LinkFrame.Routing(true, FrameBytes.copyOf(new byte[] {1})));
    assembler.reset();
    byte[] whole = {2};
    assertThat(assembler.add(new LinkFrame.Routing(false, FrameBytes.copyOf(whole))))
        .isEqualTo(whole);
  }
}
