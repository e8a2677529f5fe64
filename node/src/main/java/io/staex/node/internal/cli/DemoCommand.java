package io.staex.node.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code staex demo}: a local network on loopback. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Start a small staex network on loopback and print commands to try.")
final class DemoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("demo: not yet available");
    return ExitCodes.FAILURE;
  }
}
