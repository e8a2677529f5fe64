package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staex.proxy.frame.FrameDecodeException.Reason;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import net.jqwik.api.Example;

/** Every code enum: explicit, distinct codes 1~255, and a reject path naming unknown codes. */
class FrameCodesTest {

  interface FromCode {
    Object fromCode(int code) throws FrameDecodeException;
  }

  @SuppressWarnings("ArrayRecordComponent") // a row of a constant table, never compared
  record Codes(String name, Enum<?>[] values, ToIntFunction<Enum<?>> code, FromCode fromCode) {}

  static final List<Codes> ALL = List.of(
      new Codes("link frame type", LinkFrameType.values(),
          e -> ((LinkFrameType) e).code(), LinkFrameType::fromCode),
      new Codes("unreachable reason", UnreachableReason.values(),
          e -> ((UnreachableReason) e).code(), UnreachableReason::fromCode),
      new Codes("session frame type", SessionFrameType.values(),
          e -> ((SessionFrameType) e).code(), SessionFrameType::fromCode),
      new Codes("session close reason", CloseReason.values(),
          e -> ((CloseReason) e).code(), CloseReason::fromCode),
      new Codes("stream frame type", StreamFrameType.values(),
          e -> ((StreamFrameType) e).code(), StreamFrameType::fromCode),
      new Codes("stream reset reason", ResetReason.values(),
          e -> ((ResetReason) e).code(), ResetReason::fromCode));

  @Example
  void everyCode_mapsBackToItsConstant_andNoOtherByteDoes() throws FrameDecodeException {
    for (Codes codes : ALL) {
      boolean[] taken = new boolean[256];
      for (Enum<?> value : codes.values()) {
        int code = codes.code().applyAsInt(value);
        assertThat(code).as("%s %s", codes.name(), value).isBetween(1, 255);
        assertThat(taken[code]).as("%s code %d used twice", codes.name(), code).isFalse();
        taken[code] = true;
        assertThat(codes.fromCode().fromCode(code)).isSameAs(value);
      }
      for (int code = -1; code <= 256; code++) {
        if (code >= 0 && code < 256 && taken[code]) {
          continue;
        }
        int c = code;
        FrameDecodeException e =
            catchThrowableOfType(FrameDecodeException.class, () -> codes.fromCode().fromCode(c));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CODE);
        assertThat(e).hasMessageStartingWith("unknown " + codes.name() + " " + code + " ")
            .hasMessageContaining("(expected: 1 ");
      }
    }
  }

  @Example
  void resetReasons_areTheOnesStreamsNeed() {
    assertThat(Arrays.stream(ResetReason.values()).map(Enum::name)).containsExactly(
        "REFUSED", "NOT_ALLOWED", "NO_SERVICE", "LIMIT", "TIMEOUT", "UNREACHABLE",
        "PROTOCOL_ERROR", "INTERNAL", "CLOSED", "SESSION_ENDED");
  }

  @Example
  void wireCodes_neverChange() {
    // Codes are wire format: changing one breaks every deployed node. Extend, never renumber.
    Map<Enum<?>, Integer> fixed = Map.ofEntries(
        Map.entry(LinkFrameType.KEEPALIVE, 1), Map.entry(LinkFrameType.ROUTING, 2),
        Map.entry(LinkFrameType.PACKET, 3), Map.entry(LinkFrameType.UNREACHABLE, 4),
        Map.entry(SessionFrameType.HELLO, 1), Map.entry(SessionFrameType.WELCOME, 2),
        Map.entry(SessionFrameType.RECORD, 3), Map.entry(SessionFrameType.CLOSE, 4),
        Map.entry(SessionFrameType.COOKIE, 5), Map.entry(SessionFrameType.HELLO_WITH_COOKIE, 6),
        Map.entry(StreamFrameType.OPEN, 1), Map.entry(StreamFrameType.DATA, 2),
        Map.entry(StreamFrameType.WINDOW, 3), Map.entry(StreamFrameType.FIN, 4),
        Map.entry(StreamFrameType.RESET, 5), Map.entry(StreamFrameType.DATAGRAM, 6));
    for (Codes codes : ALL) {
      for (Enum<?> value : codes.values()) {
        if (fixed.containsKey(value)) {
          assertThat(codes.code().applyAsInt(value)).as("%s", value).isEqualTo(fixed.get(value));
        }
      }
    }
  }
}
