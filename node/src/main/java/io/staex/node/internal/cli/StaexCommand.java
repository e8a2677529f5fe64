package io.staex.node.internal.cli;

import io.staex.conf.BadConfigException;
import io.staex.crypto.AddressFormatException;
import io.staex.crypto.BadCertificateException;
import io.staex.crypto.BadRevocationException;
import io.staex.crypto.KeyFileException;
import io.staex.node.NodeStartException;
import io.staex.node.internal.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The top-level {@code staex} command and its error contract. */
@Command(
    name = "staex",
    mixinStandardHelpOptions = true,
    versionProvider = StaexCommand.Version.class,
    description = "Zero-trust overlay network for IoT devices, in userspace.",
    subcommands = {
      KeygenCommand.class,
      NetworkCommand.class,
      CertCommand.class,
      AddrCommand.class,
      RunCommand.class,
      ConfigCommand.class,
      StatusCommand.class,
      PingCommand.class,
      TraceCommand.class,
      ResolveCommand.class,
      RevokeCommand.class,
      ReloadCommand.class,
      DemoCommand.class,
      TrainCommand.class,
      WarmupCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit status: 0 ok, 1 failure, 2 usage, 3 key or certificate file, 4 invalid certificate,",
      "5 bad configuration (also a missing forwards-dir), 6 no node running (status)."
    })
public final class StaexCommand implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StaexCommand.class);

  @Mixin Verbosity verbosity;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line whose failures end as one line on stderr and an exit status. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StaexCommand());
    // picocli ignores words it cannot match when --help is among them, so `staex ping --help`
    // printed the top-level usage and exited 0: an unknown command is an error, help or not.
    cli.setExecutionStrategy(parseResult -> {
      for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
        if (!pr.unmatched().isEmpty()) {
          throw new CommandLine.UnmatchedArgumentException(pr.commandSpec().commandLine(),
              pr.unmatched());
        }
      }
      return new CommandLine.RunLast().execute(parseResult);
    });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(e));
          commandLine.getErr().flush();
          log.debug("command failed", e);
          return exitCode(e);
        });
    return cli;
  }

  private static String describe(Exception e) {
    if (e instanceof KeyFileException
        || e instanceof BadCertificateException
        || e instanceof BadRevocationException
        || e instanceof IllegalArgumentException
        || e instanceof CliException
        || e instanceof BadConfigException
        || e instanceof NodeStartException) {
      return e.getMessage();
    }
    return "internal error: " + Failures.describe(e) + " (run with -vv for details)";
  }

  private static int exitCode(Exception e) {
    if (e instanceof KeyFileException) {
      return ExitCodes.FILE;
    }
    if (e instanceof BadRevocationException) {
      return ExitCodes.FILE;
    }
    if (e instanceof BadCertificateException) {
      return ExitCodes.INVALID_CERTIFICATE;
    }
    if (e instanceof AddressFormatException || e instanceof IllegalArgumentException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof BadConfigException) {
      return ExitCodes.CONFIG;
    }
    if (e instanceof NodeStartException n
        && n.reason() == NodeStartException.Reason.FORWARDS_DIR) {
      return ExitCodes.CONFIG;
    }
    if (e instanceof CliException) {
      return ((CliException) e).exitCode();
    }
    return ExitCodes.FAILURE;
  }

  /** Reports the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = StaexCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "staex " + (v == null ? "(development build)" : v),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
