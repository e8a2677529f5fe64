package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.staex.crypto.RecordOpenerTest.reasonOf;

import io.staex.crypto.RecordException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordLayerTest {

  private static final byte[] K1 = HexFormat.of().parseHex(
      "1111111111111111111111111111111111111111111111111111111111111111");
  private static final byte[] K2 = HexFormat.of().parseHex(
      "2222222222222222222222222222222222222222222222222222222222222222");
  private static final byte[] AAD = {7, 7, 7};

  @Test
  void initiatorAndResponder_talkBothWays() throws Exception {
    RecordLayer initiator = RecordLayer.of(K1, K2);
    RecordLayer responder = RecordLayer.of(K2, K1);
    assertThat(roundTrip(initiator, responder, "ping")).isEqualTo("ping");
    assertThat(roundTrip(responder, initiator, "pong")).isEqualTo("pong");
  }

  @Test
  void shortEpochs_bothDirectionsWithReorderingAcrossBoundaries() throws Exception {
    RecordLayer a = RecordLayer.of(K1, K2, 3);
    RecordLayer b = RecordLayer.of(K2, K1, 3);
    for (RecordLayer[] pair : new RecordLayer[][] {{a, b}, {b, a}}) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        byte[] p = ("m" + i).getBytes(StandardCharsets.US_ASCII);
        records.add(pair[0].sealer().seal(p, 0, p.length, AAD));
      }
      // Swap neighbours around every boundary: ..., 8, 7, 10, 9, ... arrives out of order.
      for (int i = 0; i < records.size(); i += 2) {
        for (int j : new int[] {i + 1, i}) {
          byte[] r = records.get(j);
          assertThat(new String(pair[1].opener().open(r, 0, r.length, AAD),
              StandardCharsets.US_ASCII)).isEqualTo("m" + j);
        }
      }
    }
  }

  @Test
  void reflectedRecord_doesNotOpen() throws Exception {
    RecordLayer a = RecordLayer.of(K1, K2);
    byte[] record = a.sealer().seal(new byte[4], 0, 4, AAD);
    assertThat(reasonOf(() -> a.opener().open(record, 0, record.length, AAD)))
        .isEqualTo(Reason.AUTH_FAILED);
  }

  @Test
  void equalKeys_areRejected() {
    assertThatThrownBy(() -> RecordLayer.of(K1, K1.clone()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 16, 31, 33})
  void keyOfWrongSize_isRejected(int size) {
    assertThatThrownBy(() -> RecordLayer.of(new byte[size], K2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: 32");
    assertThatThrownBy(() -> RecordLayer.of(K1, new byte[size]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: 32");
  }

  @Test
  void keys_areCopied_soTheCallerMayZeroTheirs() throws Exception {
    byte[] send = K1.clone();
    byte[] receive = K2.clone();
    RecordLayer a = RecordLayer.of(send, receive);
    Arrays.fill(send, (byte) 0);
    Arrays.fill(receive, (byte) 0);
    assertThat(roundTrip(a, RecordLayer.of(K2, K1), "still works")).isEqualTo("still works");
  }

  @Test
  void destroy_stopsBothDirections() {
    RecordLayer a = RecordLayer.of(K1, K2);
    a.destroy();
    assertThatThrownBy(() -> a.sealer().seal(new byte[1], 0, 1, AAD))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.opener().open(new byte[30], 0, 30, AAD))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toString_namesTheSuiteButNoKey() {
    assertThat(RecordLayer.of(K1, K2).toString()).contains(RecordLayer.SUITE)
        .doesNotContain("1111").doesNotContain("2222").doesNotContain("ERER");
  }

  @Test
  void constants_areConsistent() {
    assertThat(RecordLayer.OVERHEAD).isEqualTo(8 + 16);
    assertThat(RecordLayer.EPOCH_RECORDS).isEqualTo(1L << RecordLayer.EPOCH_SHIFT);
    assertThat(RecordLayer.EPOCH_RECORDS).isGreaterThan(RecordLayer.REPLAY_WINDOW);
    assertThat(RecordLayer.REHANDSHAKE_AFTER_MESSAGES)
        .isLessThan(RecordLayer.REJECT_AFTER_MESSAGES);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 21, 64})
  void epochShiftOutOfRange_isRejected(int shift) {
    assertThatThrownBy(() -> RecordLayer.of(K1, K2, shift))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String roundTrip(RecordLayer from, RecordLayer to, String text)
      throws RecordException {
    byte[] p = text.getBytes(StandardCharsets.US_ASCII);
    byte[] record = from.sealer().seal(p, 0, p.length, AAD);
    return new String(to.opener().open(record, 0, record.length, AAD), StandardCharsets.US_ASCII);
  }
}
