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

/** {@code staex trace}: the path the running node would send a packet on, and why. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Show the path the running node would use to another node, from its own routing view:",
      "each hop with its cost, or that it hands the packet to its parent (a node outside its",
      "subtree), and then what the parent, and the nodes above it, would do with it, and why.",
      "Exit 1 when no node knows a way, 2 for an unknown name, 6 when no node runs."
    })
final class TraceCommand implements Callable<Integer> {
  /** How long to wait for the node's answer (a name may need a lookup up the tree). */
  static final long TIMEOUT_MILLIS = 30_000;

  @Parameters(index = "0", paramLabel = "NAME|ADDRESS",
      description = "The node: its certified name (camera1 or camera1.staex) or its address.")
  String target;

  @Option(names = "--json", description = "The node's answer: one JSON object.")
  boolean json;

  @ArgGroup(exclusive = true) DiagnosticClient.Where where = new DiagnosticClient.Where();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String line = DiagnosticClient.ask(where.socket(), ControlProtocol.TRACE + target.strip(),
        TIMEOUT_MILLIS);
    Config a = DiagnosticClient.parse(line);
    String result = DiagnosticClient.string(a, "result", "?");
    PrintWriter out = spec.commandLine().getOut();
    if (!a.hasPath("hops")) {
      if (json) {
        out.println(line);
        out.flush();
      }
      throw DiagnosticClient.failure(a);
    }
    String last = DiagnosticClient.string(a, "final", result);
    int exit = result.equals("unreachable") || last.equals("unreachable") ? ExitCodes.FAILURE
        : ExitCodes.OK;
    if (json) {
      out.println(line);
      out.flush();
      return exit;
    }
    String shown = a.hasPath("name") ? a.getString("name") + " (" + a.getString("address") + ")"
        : a.getString("address");
    String decision = switch (result) {
      case "local" -> "this node itself";
      case "forward" -> "forward on a path of cost " + a.getInt("cost");
      case "up" -> "up to the active parent";
      default -> "unreachable";
    };
    out.println("trace to " + shown + ": " + decision);
    int i = 1;
    for (Config hop : a.getConfigList("hops")) {
      out.printf("  %2d  %-16s %s  cost %d%n", i++, DiagnosticClient.string(hop, "name", "-"),
          hop.getString("address"), hop.getInt("cost"));
    }
    out.println("why: " + a.getString("why"));
    if (a.hasPath("asked")) {
      for (Config node : a.getConfigList("asked")) {
        String r = node.getString("result");
        out.println("asked " + node.getString("address") + ": " + switch (r) {
          case "local" -> "that is the node itself";
          case "forward" -> "forward on a path of cost " + node.getInt("cost");
          case "up" -> "up to its active parent";
          default -> "unreachable";
        });
        int j = 1;
        for (Config hop : node.getConfigList("hops")) {
          out.printf("  %2d  %-16s %s  cost %d%n", j++, DiagnosticClient.string(hop, "name", "-"),
              hop.getString("address"), hop.getInt("cost"));
        }
        out.println("why: " + node.getString("why"));
      }
      if (a.hasPath("asked_why")) {
        out.println("then: " + a.getString("asked_why"));
      }
    }
    out.flush();
    return exit;
  }
}
