package io.staex.node.internal.cli;

import com.typesafe.config.Config;
import io.staex.node.internal.control.ControlProtocol;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code staex resolve}: what the running node's name lookup gives for a certified name. */
@Command(
    name = "resolve",
    mixinStandardHelpOptions = true,
    description = {
      "Look a certified name up as the running node does (for SOCKS, DNS and forwards): the",
      "node's address, its network, where the answer came from (the name cache, the node's own",
      "routing view, or a lookup up the tree) and its DNS pool address if the resolver is on.",
      "Exit 1 when the name is not found, 2 for a name that cannot be one, 6 when no node runs."
    })
final class ResolveCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME",
      description = "A certified name: camera1 or camera1.staex.")
  String name;

  @Option(names = "--json", description = "The node's answer: one JSON object.")
  boolean json;

  @ArgGroup(exclusive = true) DiagnosticClient.Where where = new DiagnosticClient.Where();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String line = DiagnosticClient.ask(where.socket(), ControlProtocol.RESOLVE + name.strip(),
        TraceCommand.TIMEOUT_MILLIS);
    Config a = DiagnosticClient.parse(line);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(line);
      out.flush();
    }
    if (!DiagnosticClient.string(a, "result", "?").equals("found")) {
      throw DiagnosticClient.failure(a);
    }
    if (!json) {
      out.println(a.getString("name") + " -> " + a.getString("address"));
      out.println("  network  " + a.getString("network"));
      out.println("  from     " + a.getString("source_text"));
      if (a.hasPath("dns_address")) {
        out.println("  dns      " + (a.getString("dns_address").equals("-")
            ? "none given out yet (the resolver gives one when asked)"
            : a.getString("dns_address")));
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
