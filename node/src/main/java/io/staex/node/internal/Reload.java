package io.staex.node.internal;

import io.staex.conf.BadConfigException;
import io.staex.conf.ConfigProblem;
import io.staex.conf.ConfigSource;
import io.staex.conf.NodeConfig;
import io.staex.crypto.BadCertificateException;
import io.staex.crypto.Certificate;
import io.staex.crypto.KeyFileException;
import io.staex.node.NodeStatus;
import io.staex.node.internal.cli.ConfigChecks;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The first half of a reload ({@code staex reload}, SIGHUP): reading the whole configuration
 * again and checking it as {@code staex config check} does, before anything is applied; and the
 * reload counters {@code staex status} shows. The node applies a {@link Checked} configuration
 * ({@link ConfigDiff}); a {@link Refused} one changes nothing.
 *
 * <p>Thread-safe.
 */
public final class Reload {
  /** The answer line that starts a refused reload's answer (the CLI exits 5 on it). */
  public static final String REFUSED = "error: reload refused, nothing changed: ";

  /** A configuration that passed every check, and the certificate file's content. */
  public record Checked(NodeConfig config, Certificate certificate) {
    public Checked {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(certificate, "certificate");
    }
  }

  /** The configuration has problems; each is {@code file:line: key: what}. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    Refused(List<String> problems) {
      super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + ": "
          + String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  private long applied;
  private long refused;
  private Instant last;
  private String lastResult;

  /**
   * Reads {@code file} and runs the checks of {@code staex config check} at {@code now}.
   *
   * @throws Refused listing every problem, as {@code config check} would
   */
  public static Checked check(Path file, Instant now) throws Refused {
    NodeConfig config;
    ConfigChecks checks;
    try {
      config = NodeConfig.load(file);
      checks = ConfigChecks.run(config, ConfigSource.read(file), now);
    } catch (BadConfigException e) {
      throw new Refused(e.problems().stream().map(ConfigProblem::toString).toList());
    }
    if (!checks.problems().isEmpty()) {
      throw new Refused(checks.problems().stream().map(ConfigProblem::toString).toList());
    }
    try {
      // Checked just now; read again for the node (a race with a writer is a refusal too).
      return new Checked(config, Certificate.read(config.cert()));
    } catch (KeyFileException | BadCertificateException e) {
      throw new Refused(List.of(config.cert() + ": " + e.getMessage()));
    }
  }

  /** Counts an applied reload. */
  public synchronized void applied(Instant at, String summary) {
    applied++;
    last = at;
    lastResult = "applied: " + summary;
  }

  /** Counts a refused reload. */
  public synchronized void refused(Instant at, String why) {
    refused++;
    last = at;
    lastResult = "refused: " + why;
  }

  /** The counters for {@code staex status}. */
  public synchronized NodeStatus.Reloads stats() {
    return new NodeStatus.Reloads(applied, refused, Optional.ofNullable(last),
        Optional.ofNullable(lastResult));
  }
}
