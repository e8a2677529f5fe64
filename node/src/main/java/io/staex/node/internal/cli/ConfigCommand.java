package io.staex.node.internal.cli;

import io.staex.conf.BadConfigException;
import io.staex.conf.ConfigProblem;
import io.staex.conf.ConfigSource;
import io.staex.conf.NodeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code staex config check|show}: a node's configuration, without starting the node. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check a node's configuration, or show it with every default filled in.",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class,
        picocli.CommandLine.HelpCommand.class})
final class ConfigCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Check a node's configuration as `staex run` would at start, without starting anything:",
        "the file and its keys, the key file (readable, owner-only), the certificate (for this",
        "key, signed by its network, valid now), the parents' host names, and every file of",
        "forwards-dir. Lists every problem as file:line: key: what, and exits 0 when there is",
        "none, 5 when there is. Warnings (a certificate that expires within 30 days) do not",
        "fail the check."})
  static final class Check implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
        description = "The node's configuration.")
    Path config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<ConfigProblem> problems;
      List<String> warnings = List.of();
      String summary = null;
      try {
        NodeConfig node = NodeConfig.load(config);
        ConfigChecks checks = ConfigChecks.run(node, ConfigSource.read(config),
            Clock.systemUTC().instant());
        problems = checks.problems();
        warnings = checks.warnings();
        summary = checks.summary();
      } catch (BadConfigException e) {
        problems = e.problems();
      }
      warnings.forEach(w -> err.println("warning: " + w));
      problems.forEach(p -> err.println(p));
      if (problems.isEmpty()) {
        out.println(config + ": ok" + (summary == null ? "" : ": " + summary));
      } else {
        err.println(config + ": " + problems.size()
            + (problems.size() == 1 ? " problem" : " problems"));
      }
      out.flush();
      err.flush();
      return problems.isEmpty() ? ExitCodes.OK : ExitCodes.CONFIG;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print the effective configuration, as `ssh -G` does: every key with its value, the",
        "defaults of reference.conf filled in, substitutions resolved and paths absolute. The",
        "output is HOCON that `staex run -c` accepts as it is, but for passwords: one that is",
        "set is printed as \"<set>\". A configuration with problems is refused as",
        "`staex config check` would list them (exit 5)."})
  static final class Show implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
        description = "The node's configuration.")
    Path config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws BadConfigException {
      NodeConfig node = NodeConfig.load(config);
      PrintWriter out = spec.commandLine().getOut();
      out.println("# " + config.toAbsolutePath().normalize()
          + " as staex reads it (staex config show): every default filled in.");
      out.print(ConfigSource.read(config).render(node));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
