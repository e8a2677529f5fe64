package io.staex.routing;

import static io.staex.routing.RoutingFixtures.NETWORK;
import static io.staex.routing.RoutingFixtures.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire tags of routing messages: fixed codes, and an explicit refusal of unknown ones. */
class RoutingMessageTypeTest {

  @Test
  void codes_areTheWireValues() {
    // Changing one breaks every peer that still speaks version 1.
    Map<RoutingMessageType, Integer> codes = Arrays.stream(RoutingMessageType.values())
        .collect(Collectors.toMap(t -> t, RoutingMessageType::code));
    assertThat(codes).containsExactlyInAnyOrderEntriesOf(Map.of(
        RoutingMessageType.STATE_UPDATE, 1,
        RoutingMessageType.WITHDRAW, 2,
        RoutingMessageType.LOOKUP_REQUEST, 3,
        RoutingMessageType.LOOKUP_REPLY, 4,
        RoutingMessageType.LOOKUP_MISS, 5,
        RoutingMessageType.REVOKE, 6,
        RoutingMessageType.RANK, 7,
        RoutingMessageType.EXPLAIN_REQUEST, 8,
        RoutingMessageType.EXPLAIN_ANSWER, 9,
        RoutingMessageType.PRESENT_CERTIFICATE, 10));
  }

  @Test
  void fromCode_everyKnownCode_givesItsType() throws RoutingDecodeException {
    for (RoutingMessageType type : RoutingMessageType.values()) {
      assertThat(RoutingMessageType.fromCode(type.code())).isSameAs(type);
    }
  }

  @Test
  void fromCode_everyOtherByte_rejectedNamingIt() {
    for (int code = 0; code < 256; code++) {
      if (code >= 1 && code <= 10) {
        continue;
      }
      int c = code;
      assertThatThrownBy(() -> RoutingMessageType.fromCode(c))
          .isInstanceOf(RoutingDecodeException.class)
          .hasMessage("routing message type " + c + " (expected: 1~10)");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 256, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void fromCode_outsideAByte_rejected(int code) {
    assertThatThrownBy(() -> RoutingMessageType.fromCode(code))
        .isInstanceOf(RoutingDecodeException.class)
        .hasMessageContaining("routing message type " + code);
  }

  @Test
  void of_eachMessage_itsType() {
    NodeState state = RoutingFixtures.smallState();
    assertThat(List.of(
            RoutingMessageType.of(new RoutingMessage.StateUpdate(List.of())),
            RoutingMessageType.of(new RoutingMessage.Withdraw(List.of())),
            RoutingMessageType.of(new RoutingMessage.LookupRequest(1, address(1), NETWORK.address(), "a", 1)),
            RoutingMessageType.of(new RoutingMessage.LookupReply(1, List.of(), state)),
            RoutingMessageType.of(new RoutingMessage.LookupMiss(1, List.of(), NETWORK.address(), "a")),
            RoutingMessageType.of(new RoutingMessage.Revoke(List.of())),
            RoutingMessageType.of(new RoutingMessage.Rank(0)),
            RoutingMessageType.of(new RoutingMessage.ExplainRequest(1, address(1), address(2), 1)),
            RoutingMessageType.of(new RoutingMessage.ExplainAnswer(1, List.of(), address(1),
                RoutingMessage.ExplainAnswer.Decision.NO_ROUTE, List.of())),
            RoutingMessageType.of(new RoutingMessage.PresentCertificate(
                RoutingFixtures.CERTIFICATES.get(1)))))
        .containsExactly(RoutingMessageType.values());
  }

  @Test
  void of_null_refused() {
    assertThatThrownBy(() -> RoutingMessageType.of(null)).isInstanceOf(NullPointerException.class);
  }
}
