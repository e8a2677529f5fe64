package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Result;
import org.junit.jupiter.api.Test;

/**
 * {@code staex train}, the launcher's training run for its start-up cache (docs/node.md), as the
 * launcher runs it: the real jar, a whole one-relay path in one JVM on loopback. The launcher's
 * cache logic itself is tested by {@code node/src/test/launcher/cache-test.sh}.
 */
class TrainIT extends ProcessTestBase {
  @Test
  void train_doesEveryStepOfAPathThroughARelay() {
    Result r = staex("train", "--mib", "2", "--streams", "10", "--rounds", "2").assertSuccess();
    // "ok" only when the link-up, every echoed byte, SOCKS and DNS step of both rounds worked.
    assertThat(r.stdout()).contains("staex train: ok, 4 MiB echoed");
  }

  @Test
  void train_isHiddenFromTheHelp() {
    assertThat(staex("--help").assertSuccess().stdout()).doesNotContain("train");
  }
}
