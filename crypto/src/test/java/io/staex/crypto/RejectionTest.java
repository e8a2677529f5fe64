package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RejectionTest {
  @ParameterizedTest
  @CsvSource({
    "MALFORMED, malformed",
    "BAD_SIGNATURE, bad-signature",
    "NOT_YET_VALID, not-yet-valid",
    "WRONG_NETWORK, wrong-network",
    "KEY_MISMATCH, key-mismatch"
  })
  void label_isLowerCaseHyphenated(Rejection rejection, String label) {
    assertThat(rejection.label()).isEqualTo(label);
  }

  @ParameterizedTest
  @EnumSource(Rejection.class)
  void everyLabel_isADnsStyleWord(Rejection rejection) {
    assertThat(rejection.label()).matches("[a-z]+(-[a-z]+)*");
  }
}
