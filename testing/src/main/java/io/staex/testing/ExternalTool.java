package io.staex.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs real programs (openssl, curl, dig, the staex jar) from tests, with a timeout and captured
 * output.
 *
 * <p>A test that needs a program calls {@link #require(String)}: on a laptop without it the test
 * is skipped with a message saying what to install; in CI ({@code CI=true}) it fails, because
 * {@code .ci/run} installs everything the tests need.
 */
public final class ExternalTool {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private ExternalTool() {}

  /** The outcome of one run. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Fails the test unless the exit code is 0, showing the output. */
    public Result assertSuccess() {
      Assertions.assertEquals(0, exitCode, () -> describe());
      return this;
    }

    public String describe() {
      return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout
          + "--- stderr\n" + stderr;
    }
  }

  /** Whether we run in CI, where missing tools are failures rather than skips. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * The path of {@code program} on PATH; skips the test when it is missing (fails in CI).
   *
   * @param debianPackage the package that provides it, for the message
   */
  public static Path require(String program, String debianPackage) {
    Path found = find(program);
    String message =
        program + " is not installed (apt-get install " + debianPackage + "); .ci/run installs it";
    if (found == null) {
      if (inCi()) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    return found;
  }

  /** {@link #require(String, String)} for programs whose package has the same name. */
  public static Path require(String program) {
    return require(program, program);
  }

  /** The program's path on PATH, or null. */
  public static Path find(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  public static Result run(Path workDir, String... command) {
    return run(workDir, DEFAULT_TIMEOUT, null, List.of(command));
  }

  /**
   * Runs {@code command} in {@code workDir}, feeding {@code stdin} (may be null), and waits up
   * to {@code timeout}; a process still running then is killed and the test fails.
   */
  public static Result run(Path workDir, Duration timeout, String stdin, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile());
    try {
      Process p = pb.start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        Assertions.fail(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(List.copyOf(command), p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "<output lost: " + e + ">";
          }
        });
  }
}
