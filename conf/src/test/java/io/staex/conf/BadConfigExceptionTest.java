package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.conf.ConfigProblem.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class BadConfigExceptionTest {
  private static final ConfigProblem A =
      new ConfigProblem("node.conf", 3, "staex.key", Reason.INVALID_VALUE, "\"\" is empty");
  private static final ConfigProblem B =
      new ConfigProblem("node.conf", 9, "staex.lisen", Reason.UNKNOWN_KEY, "unknown key");

  @Test
  void oneProblem_isTheMessage() {
    assertThat(new BadConfigException(List.of(A))).hasMessage(A.toString());
  }

  @Test
  void severalProblems_listedOnePerLine() {
    BadConfigException e = new BadConfigException(List.of(A, B));

    assertThat(e).hasMessage("2 problems:\n  " + A + "\n  " + B);
    assertThat(e.problems()).containsExactly(A, B);
  }

  @Test
  void noProblem_refused() {
    assertThatThrownBy(() -> new BadConfigException(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
