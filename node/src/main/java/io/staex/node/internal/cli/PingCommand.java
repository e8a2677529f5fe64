package io.staex.node.internal.cli;

import com.typesafe.config.Config;
import io.staex.node.internal.control.ControlProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code staex ping}: overlay round trips from the running node to another, through the relays
 * and the session layer (one authenticated probe each), as {@code ping} and {@code tailscale
 * ping} show them.
 */
@Command(
    name = "ping",
    mixinStandardHelpOptions = true,
    description = {
      "Send overlay pings from the running node to another node: each one an authenticated",
      "probe through the relays and the end-to-end session, answered by the node itself.",
      "Shows round trip, hops (links crossed) and loss. Opens a session first if there is",
      "none. Exit 0 when some answer came, 1 when none did (unreachable, not allowed, lost),",
      "2 for an unknown name, 6 when no node runs."
    })
final class PingCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME|ADDRESS",
      description = "The node: its certified name (camera1 or camera1.staex) or its address.")
  String target;

  @Option(names = {"-c", "--count"}, paramLabel = "COUNT", defaultValue = "4",
      description = "Pings to send (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
      description = "Seconds between pings, at least 0.2 (default: ${DEFAULT-VALUE}).")
  double interval;

  @Option(names = {"-W", "--timeout"}, paramLabel = "SECONDS", defaultValue = "5",
      description = "Seconds to wait for each answer, the first one's session handshake"
          + " included (default: ${DEFAULT-VALUE}).")
  double timeout;

  @Option(names = "--json", description = "One JSON object per ping, then a summary object.")
  boolean json;

  @ArgGroup(exclusive = true) DiagnosticClient.Where where = new DiagnosticClient.Where();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (count < 1 || count > 100_000) {
      throw new CliException(ExitCodes.USAGE, "--count: " + count + " (expected: 1~100000)");
    }
    if (!(interval >= 0.2) || interval > 3600) {
      throw new CliException(ExitCodes.USAGE,
          "--interval: " + interval + " (expected: 0.2~3600 seconds)");
    }
    long timeoutMillis = Math.round(timeout * 1000);
    if (timeoutMillis < 1 || timeoutMillis > ControlProtocol.MAX_PING_MILLIS) {
      throw new CliException(ExitCodes.USAGE, "--timeout: " + timeout + " (expected: 0.001~"
          + ControlProtocol.MAX_PING_MILLIS / 1000 + " seconds)");
    }
    Path socket = where.socket();
    PrintWriter out = spec.commandLine().getOut();
    String request = ControlProtocol.PING + target.strip() + " " + timeoutMillis;
    int sent = 0;
    int answered = 0;
    long min = Long.MAX_VALUE;
    long max = 0;
    long sum = 0;
    int hops = 0;
    String shown = target;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        Thread.sleep(Math.round(interval * 1000));
      }
      String line = DiagnosticClient.ask(socket, request, timeoutMillis + 10_000);
      Config answer = DiagnosticClient.parse(line);
      String result = DiagnosticClient.string(answer, "result", "?");
      if (i == 0 && !json && answer.hasPath("address")) {
        shown = answer.hasPath("name") ? answer.getString("name") + " ("
            + answer.getString("address") + ")" : answer.getString("address");
        out.println("PING " + shown + " through the overlay");
        out.flush();
      }
      if (!result.equals("answered") && !result.equals("timeout")) {
        if (json) {
          out.println(line);
          out.flush();
        }
        if (sent == 0 || !result.equals("failed")) {
          throw DiagnosticClient.failure(answer);
        }
        // a session that ended mid-way (refused after a revocation, unreachable): say so, go on
      }
      sent++;
      if (json) {
        out.println(line);
      } else if (result.equals("answered")) {
        long us = answer.getLong("rtt_us");
        out.println("answer from " + shown + ": seq=" + (i + 1) + " hops=" + answer.getInt("hops")
            + " time=" + millis(us) + " ms"
            + (answer.getBoolean("handshake") ? " (session opened first)" : ""));
      } else {
        out.println("no answer: seq=" + (i + 1) + " (" + DiagnosticClient.string(answer,
            "message", result) + ")");
      }
      out.flush();
      if (result.equals("answered")) {
        long us = answer.getLong("rtt_us");
        answered++;
        sum += us;
        min = Math.min(min, us);
        max = Math.max(max, us);
        hops = answer.getInt("hops");
      }
    }
    int loss = (int) Math.round(100.0 * (sent - answered) / Math.max(1, sent));
    if (json) {
      StringBuilder s = new StringBuilder("{\"sent\":").append(sent).append(",\"answered\":")
          .append(answered).append(",\"loss_percent\":").append(loss);
      if (answered > 0) {
        s.append(",\"hops\":").append(hops).append(",\"min_us\":").append(min)
            .append(",\"avg_us\":").append(sum / answered).append(",\"max_us\":").append(max);
      }
      out.println(s.append('}'));
    } else {
      out.println("--- " + shown + " ping statistics ---");
      out.println(sent + " sent, " + answered + " answered, " + loss + "% loss"
          + (answered > 0 ? ", hops " + hops : ""));
      if (answered > 0) {
        out.println("round trip min/avg/max = " + millis(min) + "/" + millis(sum / answered)
            + "/" + millis(max) + " ms");
      }
    }
    out.flush();
    if (answered == 0) {
      throw new CliException(ExitCodes.FAILURE, "no answer from " + shown + " ("
          + Duration.ofMillis(timeoutMillis).toMillis() + " ms each)");
    }
    return ExitCodes.OK;
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
  }
}
