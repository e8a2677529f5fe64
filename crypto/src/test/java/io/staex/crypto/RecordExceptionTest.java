package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.RecordException.Reason;
import org.junit.jupiter.api.Test;

class RecordExceptionTest {

  @Test
  void exception_hasNoStackTrace() {
    assertThat(new RecordException(Reason.AUTH_FAILED).getStackTrace()).isEmpty();
  }

  @Test
  void exception_dropsSuppressedExceptions() {
    RecordException e = new RecordException(Reason.REPLAYED);
    e.addSuppressed(new IllegalStateException());
    assertThat(e.getSuppressed()).isEmpty();
  }

  @Test
  void exception_carriesItsReason() {
    for (Reason reason : Reason.values()) {
      RecordException e = new RecordException(reason);
      assertThat(e.reason()).isEqualTo(reason);
      assertThat(e).hasMessage("record refused: " + reason).hasNoCause();
    }
  }
}
