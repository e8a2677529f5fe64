package io.staex.node.internal.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code staex status}: asks a running node over its control socket and prints the answer. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show what a running node is doing: links, active parent, routes, relay counters,",
      "sessions, streams, forwards, services and last errors. Asks the node's control socket,",
      "which only the user running the node can use."
    })
final class StatusCommand implements Callable<Integer> {
  /** How long to wait for the node's answer. */
  static final long TIMEOUT_MILLIS = 10_000;

  static final class Format {
    @Option(names = "--json", description = "One JSON object, for scripts.")
    boolean json;

    @Option(names = "--metrics", description = "Prometheus text format.")
    boolean metrics;
  }

  @ArgGroup(exclusive = true) NodeSocket where = new NodeSocket();

  @ArgGroup(exclusive = true) Format format = new Format();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path socket = where.socket();
    String request = format.json ? "status json" : format.metrics ? "metrics" : "status";
    String answer = DiagnosticClient.answer(socket, request, TIMEOUT_MILLIS);
    PrintWriter out = spec.commandLine().getOut();
    out.print(answer);
    out.flush();
    return ExitCodes.OK;
  }
}
