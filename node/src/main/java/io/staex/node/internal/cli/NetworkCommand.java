package io.staex.node.internal.cli;

import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Key file to create.")
    Path out;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Identity network = Identity.generate(new SecureRandom());
      try {
        KeyFiles.writePrivateKey(out, network, force);
      } finally {
        network.destroy();
      }
      spec.commandLine().getOut().println(network.address());
      return ExitCodes.OK;
    }
  }
}
