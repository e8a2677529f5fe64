package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs an external program (such as {@code openssl}) for interoperability tests: one command,
 * a timeout, stdout and stderr captured.
 *
 * <p>{@link #assumeOrRequire} decides what a missing program means: on CI ({@code CI=true}) the
 * test fails, so interop never silently stops being tested; elsewhere it is skipped with a
 * message saying what to install.
 */
public final class ExternalTool {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** What a finished command printed and returned. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** This result, or an assertion failure showing the command and its output. */
    public Result assertSuccess() {
      assertThat(exitCode).as("exit code of %s%nstdout: %s%nstderr: %s", command, stdout, stderr)
          .isZero();
      return this;
    }
  }

  private ExternalTool() {}

  /** Runs {@code command} in {@code dir}, with {@link #DEFAULT_TIMEOUT}. */
  public static Result run(Path dir, String... command) throws IOException, InterruptedException {
    return run(dir, DEFAULT_TIMEOUT, command);
  }

  /** Runs {@code command} in {@code dir}; kills it and fails the test after {@code timeout}. */
  public static Result run(Path dir, Duration timeout, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("tool", ".out");
    Path err = Files.createTempFile("tool", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        Assertions.fail(Arrays.toString(command) + " did not finish within " + timeout);
      }
      return new Result(
          List.of(command), process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Skips the test if {@code tool} is not on the PATH, or fails it when running on CI. */
  public static void assumeOrRequire(String tool) {
    assumeOrRequire(tool, System.getenv("CI"), System.getenv("PATH"));
  }

  static void assumeOrRequire(String tool, String ci, String path) {
    if (onPath(tool, path)) {
      return;
    }
    String message =
        "'" + tool + "' not found on PATH; install it (e.g. apt-get install " + tool
            + ") to run this interoperability test";
    if ("true".equals(ci)) {
      Assertions.fail(message + " (required because CI=true)");
    }
    Assumptions.abort(message);
  }

  static boolean onPath(String tool, String path) {
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
