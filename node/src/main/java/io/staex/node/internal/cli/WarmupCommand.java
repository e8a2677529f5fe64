package io.staex.node.internal.cli;

import io.staex.node.internal.Warmup;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code staex warmup} (hidden): the warm-up that {@code staex run} does in the background
 * ({@link Warmup}), in the foreground, printing how long each step took: the measurement behind
 * its budget (docs/node.md, "Start-up cache"). A fresh JVM's first handshakes and records show
 * what a cold node pays for its first contact and its first bytes.
 */
@Command(
    name = "warmup",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Run the node's warm-up in the foreground and time each step (internal).")
final class WarmupCommand implements Callable<Integer> {
  @Option(names = "--rounds", paramLabel = "N", description = "Rounds (default: the node's).")
  Integer rounds;

  @Option(names = "--bulk", paramLabel = "N",
      description = "Records of 64 KiB each way per round (default: the node's).")
  Integer bulk;

  @Option(names = "--small", paramLabel = "N",
      description = "Records of 1-64 bytes each way per round (default: the node's).")
  Integer small;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Warmup.Budget d = Warmup.DEFAULT;
    Warmup.Budget budget = new Warmup.Budget(rounds == null ? d.rounds() : rounds,
        bulk == null ? d.bulkRecords() : bulk, small == null ? d.smallRecords() : small);
    Warmup.Report r = Warmup.run(budget, () -> false, new SecureRandom(),
        (what, i, nanos) -> out.printf("%s %d %d us%n", what, i, nanos / 1000));
    out.printf("warmup: %d handshakes, %d records, %d MiB, %d ms CPU, %d ms%n", r.handshakes(),
        r.records(), r.bytes() >> 20, r.cpuNanos() / 1_000_000, r.wallNanos() / 1_000_000);
    out.flush();
    return ExitCodes.OK;
  }
}
