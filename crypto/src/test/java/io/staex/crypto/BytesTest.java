package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void changingTheSourceArrayLater_doesNotChangeBytes() {
    byte[] source = {1, 2, 3};
    Bytes bytes = Bytes.copyOf(source);

    source[0] = 9;

    assertThat(bytes.toByteArray()).containsExactly(1, 2, 3);
  }

  @Test
  void changingAnExportedArray_doesNotChangeBytes() {
    Bytes bytes = Bytes.copyOf(new byte[] {1, 2, 3});

    bytes.toByteArray()[0] = 9;
    byte[] dst = new byte[5];
    bytes.copyTo(dst, 1);
    dst[1] = 9;

    assertThat(bytes.toByteArray()).containsExactly(1, 2, 3);
    assertThat(bytes.get(0)).isEqualTo((byte) 1);
  }

  @Test
  void copyOfRange_copiesJustThatRange() {
    byte[] source = {0, 1, 2, 3, 4};
    Bytes bytes = Bytes.copyOf(source, 1, 3);
    source[2] = 9;

    assertThat(bytes.toByteArray()).containsExactly(1, 2, 3);
    assertThat(bytes.size()).isEqualTo(3);
  }

  @Test
  void copyTo_writesAtOffset() {
    byte[] dst = new byte[5];

    Bytes.copyOf(new byte[] {7, 8}).copyTo(dst, 2);

    assertThat(dst).containsExactly(0, 0, 7, 8, 0);
  }

  @Test
  void equalContent_equalAndSameHash() {
    Bytes a = Bytes.copyOf(new byte[] {1, 2, 3});
    Bytes b = Bytes.copyOf(new byte[] {0, 1, 2, 3}, 1, 3);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void differentContentOrLength_notEqual() {
    Bytes a = Bytes.copyOf(new byte[] {1, 2, 3});

    assertThat(a).isNotEqualTo(Bytes.copyOf(new byte[] {1, 2, 4}));
    assertThat(a).isNotEqualTo(Bytes.copyOf(new byte[] {1, 2}));
    assertThat(a).isNotEqualTo(Bytes.copyOf(new byte[] {1, 2, 3, 0}));
    assertThat(a).isNotEqualTo(new byte[] {1, 2, 3});
    assertThat(Bytes.copyOf(new byte[0])).isEqualTo(Bytes.copyOf(new byte[0]));
  }

  @Test
  void toString_isLowerCaseHex() {
    assertThat(Bytes.copyOf(new byte[] {0x00, (byte) 0xab, 0x7f, (byte) 0xff}))
        .hasToString("00ab7fff");
    assertThat(Bytes.copyOf(new byte[0])).hasToString("");
  }
}
