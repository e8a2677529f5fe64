package io.staex.node.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code staex keygen --out node.key}: a new node key; prints its address. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Create a node key (Ed25519, PKCS#8 PEM, mode 0600) and print the node's address.",
      "The address is the public key: give it to whoever certifies or reaches the node."
    })
final class KeygenCommand implements Callable<Integer> {
  @Mixin NewKeyOptions key;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return key.createAndPrintAddress(spec.commandLine().getOut());
  }
}
