package io.staex.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The test-support runner: interop tests must fail on CI when their tool is missing. */
class ExternalToolTest {
  @TempDir Path dir;

  @Test
  void missingToolOnCi_testFails() {
    assertThatThrownBy(() -> ExternalTool.require("no-such-tool-xyz", "no-such-tool-xyz", "true", "/usr/bin"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("no-such-tool-xyz")
        .hasMessageContaining("install")
        .hasMessageContaining("CI=true");
  }

  @Test
  void missingToolOffCi_testIsSkippedSayingWhatToInstall() {
    for (String ci : new String[] {null, "", "false", "1"}) {
      assertThatThrownBy(() -> ExternalTool.require("no-such-tool-xyz", "no-such-tool-xyz", ci, "/usr/bin"))
          .as("CI=%s", ci)
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("install");
    }
  }

  @Test
  void toolOnPath_passesEvenOnCi() {
    assertThatCode(() -> ExternalTool.require("sh", "sh", "true", "/nonexistent:/bin:/usr/bin"))
        .doesNotThrowAnyException();
  }

  @Test
  void run_capturesStdoutStderrAndExitCode() throws Exception {
    ExternalTool.Result r = ExternalTool.run(dir, "sh", "-c", "echo out; echo err >&2; exit 3");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThatThrownBy(r::assertSuccess).hasMessageContaining("err");
  }

  @Test
  void commandOverTimeout_isKilledAndFails() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> ExternalTool.run(dir, Duration.ofMillis(200), "sleep", "30"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("did not finish");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
