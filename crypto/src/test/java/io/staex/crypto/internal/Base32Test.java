package io.staex.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base32Test {
  /** RFC 4648 section 10, lower-cased and without padding. */
  @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
  @CsvSource({
    "'', ''",
    "f, my",
    "fo, mzxq",
    "foo, mzxw6",
    "foob, mzxw6yq",
    "fooba, mzxw6ytb",
    "foobar, mzxw6ytboi"
  })
  void rfc4648Vector_encodesAndDecodesEitherCase(String plain, String encoded) {
    byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);

    assertThat(Base32.encode(bytes)).isEqualTo(encoded);
    assertThat(Base32.encodedLength(bytes.length)).isEqualTo(encoded.length());
    assertThat(Base32.decode(encoded)).isEqualTo(bytes);
    assertThat(Base32.decode(encoded.toUpperCase(Locale.ROOT))).isEqualTo(bytes);
  }

  /** The last character of each holds bits beyond the last byte that are not zero. */
  @ParameterizedTest
  @ValueSource(strings = {"mz", "m7", "mzxr", "mzxw7", "mzxw6yr", "mzxw6ytboj", "MZXW7"})
  void nonZeroTrailingBits_decodeRefuses(String text) {
    assertThat(Base32.decode(text)).isNull();
  }

  /** 1, 3 or 6 characters (mod 8) leave a whole character that encodes no byte. */
  @ParameterizedTest
  @ValueSource(strings = {"a", "aaa", "aaaaaa", "mzxw6ytba", "mya", "mzxw6ytboia"})
  void lengthNoByteStringEncodesTo_decodeRefuses(String text) {
    assertThat(Base32.decode(text)).isNull();
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource({
    "'', -1",
    "abcxyz234567, -1",
    "ABCXYZ, -1",
    "1abc, 0",
    "ab0, 2",
    "ab8, 2",
    "ab9, 2",
    "a-b, 1",
    "a=, 1",
    "a b, 1",
    "aé, 1",
    "a\u0130, 1"
  })
  void firstInvalidChar_isFirstOutsideAlphabet(String text, int index) {
    assertThat(Base32.firstInvalidChar(text)).isEqualTo(index);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a1", "a=", "a-"})
  void characterOutsideAlphabet_decodeThrows(String text) {
    assertThatThrownBy(() -> Base32.decode(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 1");
  }

  @Property
  void decodeOfEncode_isIdentity(@ForAll @Size(max = 64) byte[] bytes) {
    String text = Base32.encode(bytes);

    assertThat(text).hasSize(Base32.encodedLength(bytes.length)).matches("[a-z2-7]*");
    assertThat(Base32.decode(text)).isEqualTo(bytes);
    assertThat(Base32.decode(text.toUpperCase(Locale.ROOT))).isEqualTo(bytes);
  }

  /** Strictness: a text decodes only if it is (a case variant of) the encoding of the result. */
  @Property
  void anyAlphabetText_decodesOnlyToBytesItIsTheEncodingOf(
      @ForAll @StringLength(max = 20) @CharRange(from = 'a', to = 'z') @CharRange(from = '2', to = '7')
          @CharRange(from = 'A', to = 'Z') String text) {
    byte[] bytes = Base32.decode(text);

    if (bytes != null) {
      assertThat(Base32.encode(bytes)).isEqualTo(text.toLowerCase(Locale.ROOT));
    }
  }
}
