package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VerdictTest {
  @Test
  void accepted_isAcceptedAndPrintsValid() {
    assertThat(Verdict.accepted().isAccepted()).isTrue();
    assertThat(Verdict.accepted().rejection()).isNull();
    assertThat(Verdict.accepted()).hasToString("valid");
  }

  @Test
  void rejected_printsHyphenatedReasonAndDetail() {
    Verdict verdict = Verdict.rejected(Rejection.NOT_YET_VALID, "valid from 2030");

    assertThat(verdict.isAccepted()).isFalse();
    assertThat(verdict).hasToString("invalid: not-yet-valid: valid from 2030");
  }

  @Test
  void rejectedWithoutReasonOrDetail_refused() {
    assertThatThrownBy(() -> Verdict.rejected(null, "x")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Verdict.rejected(Rejection.EXPIRED, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void equalReasonAndDetail_equalVerdicts() {
    assertThat(Verdict.rejected(Rejection.EXPIRED, "x"))
        .isEqualTo(Verdict.rejected(Rejection.EXPIRED, "x"))
        .isNotEqualTo(Verdict.rejected(Rejection.REVOKED, "x"));
  }
}
