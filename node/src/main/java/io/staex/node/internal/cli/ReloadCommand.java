package io.staex.node.internal.cli;

import io.staex.node.internal.Reload;
import io.staex.node.internal.control.ControlProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code staex reload}: asks a running node to read its configuration file again and apply it,
 * as SIGHUP does; prints what changed. systemd's {@code ExecReload} runs it.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
      "Make a running node read its configuration file again (the file it was started with)",
      "and apply it, as SIGHUP does. The whole file is checked first, as `staex config check`",
      "does: with a problem nothing changes, the problems are listed and the exit status is 5.",
      "Forwards, services and their allow lists, forwards-dir, SOCKS and DNS change live;",
      "streams the new services no longer allow are reset. Prints what changed and which",
      "keys need a restart."
    })
final class ReloadCommand implements Callable<Integer> {
  /** How long to wait for the node: it checks the file and may bind new addresses first. */
  static final long TIMEOUT_MILLIS = 30_000;

  @ArgGroup(exclusive = true) NodeSocket where = new NodeSocket();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path socket = where.socket();
    String answer;
    try {
      answer = DiagnosticClient.answer(socket, ControlProtocol.RELOAD, TIMEOUT_MILLIS);
    } catch (CliException e) {
      // a broken config is the config's exit code, as `staex config check` gives it
      throw e.getMessage().startsWith(Reload.REFUSED)
          ? new CliException(ExitCodes.CONFIG, e.getMessage()) : e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(answer);
    out.flush();
    return ExitCodes.OK;
  }
}
