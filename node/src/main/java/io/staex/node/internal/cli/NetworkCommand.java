package io.staex.node.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code staex network create}: network keys. */
@Command(
    name = "network",
    mixinStandardHelpOptions = true,
    description = "Manage network keys: a network key signs the certificates of its nodes.",
    subcommands = {NetworkCommand.Create.class, picocli.CommandLine.HelpCommand.class})
final class NetworkCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create a network key (Ed25519, PKCS#8 PEM, mode 0600) and print its address.",
        "Keep the file offline if you can: whoever holds it can admit nodes to the network."
      })
  static final class Create implements Callable<Integer> {
    @Mixin NewKeyOptions key;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return key.createAndPrintAddress(spec.commandLine().getOut());
    }
  }
}
