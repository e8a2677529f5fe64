package io.staex.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsLabelTest {
  private static final String A63 = "a".repeat(63);

  @ParameterizedTest
  @ValueSource(strings = {"a", "z", "0", "9", "a-b", "a--b", "xn--bcher-kva", "camera1", "1x"})
  void validLabel_hasNoProblem(String label) {
    assertThat(DnsLabel.problem(label)).isNull();
  }

  @Test
  void sixtyThreeCharacters_isTheLongestValidLabel() {
    assertThat(DnsLabel.problem(A63)).isNull();
    assertThat(DnsLabel.problem(A63 + "b")).isEqualTo("64 characters (expected: at most 63)");
  }

  @ParameterizedTest(name = "\"{0}\": {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''       | empty (expected: 1 to 63 characters)",
        "-        | starts or ends with '-'",
        "-a       | starts or ends with '-'",
        "a-       | starts or ends with '-'",
        "A        | character 'A' at position 1 (expected: a-z, 0-9 or '-')",
        "camEra1  | character 'E' at position 4 (expected: a-z, 0-9 or '-')",
        "a_b      | character '_' at position 2 (expected: a-z, 0-9 or '-')",
        "a.b      | character '.' at position 2 (expected: a-z, 0-9 or '-')",
        "a.       | character '.' at position 2 (expected: a-z, 0-9 or '-')",
        "'a b'    | character ' ' at position 2 (expected: a-z, 0-9 or '-')",
        "bücher   | character 'ü' at position 2 (expected: a-z, 0-9 or '-')",
      })
  void invalidLabel_problemSaysWhatAndWhere(String label, String problem) {
    assertThat(DnsLabel.problem(label)).isEqualTo(problem);
  }

  /** Compared with a naive reference: the RFC 1123 label regex. */
  @Property
  void problem_agreesWithReferenceRegex(@ForAll @StringLength(max = 70) String label) {
    boolean valid = label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    assertThat(DnsLabel.problem(label) == null).isEqualTo(valid);
  }

  @Property
  void labelsNearTheRules_agreeWithReferenceRegex(@ForAll("labels") String label) {
    boolean valid = label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    assertThat(DnsLabel.problem(label) == null).isEqualTo(valid);
  }

  @Provide
  Arbitrary<String> labels() {
    return Arbitraries.strings()
        .withChars("ab9-_A.")
        .ofMinLength(0)
        .ofMaxLength(66)
        .edgeCases(c -> c.add("a".repeat(63)).add("a".repeat(64)).add("-").add(""));
  }
}
