package io.staex.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs real programs (openssl, curl, dig, the staex jar) from tests: one command, a timeout,
 * stdin fed, stdout and stderr captured.
 *
 * <p>A test that needs a program calls {@link #require}: on CI ({@code CI=true}) a missing
 * program fails the test, so interop never silently stops being tested ({@code .ci/run}
 * installs everything); elsewhere the test is skipped with a message saying what to install.
 */
public final class ExternalTool {
  /** Timeout of {@link #run(Path, String...)}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private ExternalTool() {}

  /** What a finished command printed and returned. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** This result, or an assertion failure showing the command and its output. */
    public Result assertSuccess() {
      Assertions.assertEquals(0, exitCode, this::describe);
      return this;
    }

    /** The command, its exit code and its output, for failure messages. */
    public String describe() {
      return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout
          + "--- stderr\n" + stderr;
    }
  }

  /** Whether we run in CI, where missing tools are failures rather than skips. */
  public static boolean inCi() {
    return "true".equals(System.getenv("CI"));
  }

  /**
   * For a test that needs root (giving a file to another owner): skips it for a developer who
   * is not root, fails it on CI, which runs as root ({@code .ci/run}).
   */
  public static void requireRoot(String why) {
    int uid;
    try {
      uid = (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String message = why + " needs root (running as uid " + uid + ")";
    if (uid != 0 && inCi()) {
      Assertions.fail(message + " (required because CI=true)");
    }
    Assumptions.assumeTrue(uid == 0, message);
  }

  /** {@link #require(String, String)} for programs whose Debian package has the same name. */
  public static Path require(String program) {
    return require(program, program);
  }

  /**
   * The path of {@code program} on PATH; skips the test when it is missing, or fails it on CI.
   *
   * @param debianPackage the package that provides it, for the message
   */
  public static Path require(String program, String debianPackage) {
    return require(program, debianPackage, System.getenv("CI"), System.getenv("PATH"));
  }

  static Path require(String program, String debianPackage, String ci, String path) {
    Path found = find(program, path);
    if (found != null) {
      return found;
    }
    String message = "'" + program + "' not found on PATH; install it (apt-get install "
        + debianPackage + ") to run this test; .ci/run does";
    if ("true".equals(ci)) {
      Assertions.fail(message + " (required because CI=true)");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** The program's path on {@code path} (a PATH value), or null. */
  static Path find(String program, String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program);
      }
    }
    return null;
  }

  /** Runs {@code command} in {@code dir} with {@link #DEFAULT_TIMEOUT} and no input. */
  public static Result run(Path dir, String... command) {
    return run(dir, DEFAULT_TIMEOUT, null, List.of(command));
  }

  /** Runs {@code command} in {@code dir}; kills it and fails the test after {@code timeout}. */
  public static Result run(Path dir, Duration timeout, String... command) {
    return run(dir, timeout, null, List.of(command));
  }

  /**
   * Runs {@code command} in {@code dir}, feeding {@code stdin} (may be null), and waits up to
   * {@code timeout}; a process still running then is killed and the test fails.
   */
  public static Result run(Path dir, Duration timeout, String stdin, List<String> command) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("tool", ".out");
      err = Files.createTempFile("tool", ".err");
      Process process =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        Assertions.fail(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(
          List.copyOf(command), process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("running " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * A program started by {@link #start} that runs until stopped (a node, a server): its process
   * and the files its output goes to. {@link #close} kills it if it still runs.
   */
  public record Started(List<String> command, Process process, Path stdout, Path stderr)
      implements AutoCloseable {
    /** What it printed on stdout so far. */
    public String stdoutText() {
      return read(stdout);
    }

    /** What it printed on stderr so far. */
    public String stderrText() {
      return read(stderr);
    }

    /** SIGTERM, then its exit code; fails the test if it has not exited within {@code timeout}. */
    public int terminate(Duration timeout) {
      process.destroy();
      return await(timeout);
    }

    /** SIGKILL, as a crash or power loss would end it; waits for it to be gone. */
    public void kill() {
      process.destroyForcibly();
      await(DEFAULT_TIMEOUT);
    }

    private int await(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          Assertions.fail(String.join(" ", command) + " did not exit within " + timeout
              + "\n--- stderr\n" + stderrText());
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + command, e);
      }
    }

    /** The command and its output so far, for failure messages. */
    public String describe() {
      return String.join(" ", command) + "\n--- stdout\n" + stdoutText() + "--- stderr\n"
          + stderrText();
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      deleteQuietly(stdout);
      deleteQuietly(stderr);
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Starts {@code command} in {@code dir} without waiting for it, stdin closed, output to
   * temporary files; the caller stops it ({@link Started#terminate}, {@link Started#kill}) and
   * closes it.
   */
  public static Started start(Path dir, List<String> command) {
    try {
      Path out = Files.createTempFile("tool", ".out");
      Path err = Files.createTempFile("tool", ".err");
      Process process = new ProcessBuilder(new ArrayList<>(command))
          .directory(dir.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      process.getOutputStream().close();
      return new Started(List.copyOf(command), process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + command, e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file left behind is not worth failing a test for
      }
    }
  }
}
