package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.conf.ConfigProblem.Reason;
import org.junit.jupiter.api.Test;

class ConfigProblemTest {
  @Test
  void toString_fileLineKeyDetail() {
    assertThat(new ConfigProblem("node.conf", 7, "staex.parents[1].key", Reason.INVALID_VALUE,
            "\"abc\" is not an address: 3 characters (expected: 55)"))
        .hasToString(
            "node.conf:7: staex.parents[1].key: \"abc\" is not an address: 3 characters"
                + " (expected: 55)");
  }

  @Test
  void toString_leavesOutUnknownLineAndKey() {
    assertThat(new ConfigProblem("node.conf", -1, "", Reason.UNREADABLE, "no such file"))
        .hasToString("node.conf: no such file");
  }
}
