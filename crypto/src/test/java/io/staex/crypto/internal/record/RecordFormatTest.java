package io.staex.crypto.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RecordFormatTest {

  @Test
  void sizes_areDerivedFromFieldSizes() {
    assertThat(RecordFormat.COUNTER_SIZE).isEqualTo(8);
    assertThat(RecordFormat.TAG_SIZE).isEqualTo(16);
    assertThat(RecordFormat.OVERHEAD).isEqualTo(24);
    assertThat(RecordFormat.NONCE_SIZE).isEqualTo(12);
    assertThat(RecordFormat.MAX_RECORD_SIZE).isEqualTo((1 << 20) + 24);
  }

  @Test
  void counter_isWrittenBigEndian() {
    byte[] out = new byte[10];
    RecordFormat.writeCounter(out, 1, 0x0102030405060708L);
    assertThat(HexFormat.of().formatHex(out)).isEqualTo("00010203040506070800");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 255, 256, (1L << 20) - 1, 1L << 20, (1L << 60) - 1, 1L << 60,
    Long.MAX_VALUE, -1, Long.MIN_VALUE})
  void counter_roundTrips(long counter) {
    byte[] out = new byte[8];
    RecordFormat.writeCounter(out, 0, counter);
    assertThat(RecordFormat.readCounter(out, 0)).isEqualTo(counter);
  }

  @Test
  void nonce_isFourZeroBytesThenCounter() {
    byte[] nonce = new byte[12];
    java.util.Arrays.fill(nonce, (byte) 0x55);
    RecordFormat.writeNonce(nonce, 0x1122334455667788L);
    assertThat(HexFormat.of().formatHex(nonce)).isEqualTo("000000001122334455667788");
  }
}
