package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Started;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code staex.warmup}: a real {@code staex run} with {@code warmup = true} warms up after it
 * said it is running, and not by default; no other command does (docs/node.md, "Start-up cache").
 */
class WarmupIT extends ProcessTestBase {
  @Test
  void run_warmsUpAfterItRuns_unlessTurnedOff() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("on");
    newNode("off");
    config("on", "warmup = true");
    config("off", ""); // the default
    Started on = start(command("-vv", "run", "-c", "on.conf"));
    Started off = start(command("-vv", "run", "-c", "off.conf"));

    Awaitility.await("the warm-up's line").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
        .until(() -> on.stderrText().contains("warm-up: 60 handshakes"));
    Awaitility.await("the node without").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
        .until(() -> off.stderrText().contains("warm-up: off (staex.warmup = false"));
    assertThat(on.stderrText().indexOf("running: listen"))
        .isLessThan(on.stderrText().indexOf("warm-up: 60 handshakes"));
    assertThat(off.stderrText()).doesNotContain("handshakes, ");
    assertThat(on.terminate(Duration.ofSeconds(10))).as(on.describe()).isZero();
    assertThat(off.terminate(Duration.ofSeconds(10))).as(off.describe()).isZero();
  }

  @Test
  void warmupCommand_isHidden_andOtherCommandsDoNotWarmUp() {
    assertThat(staex("--help").assertSuccess().stdout()).doesNotContain("warmup");
    assertThat(staex("-vv", "network", "create", "--out", "n.key").assertSuccess().stderr())
        .doesNotContain("warm-up");
  }
}
