package io.staex.node.internal.cli;

import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Key file to create.")
  Path out;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Identity identity = Identity.generate(new SecureRandom());
    try {
      KeyFiles.writePrivateKey(out, identity, force);
    } finally {
      identity.destroy();
    }
    spec.commandLine().getOut().println(identity.address());
    return ExitCodes.OK;
  }
}
