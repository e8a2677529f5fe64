package io.staex.node.internal.cli;

import io.staex.crypto.KeyFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code staex addr node.key}: prints the address of a key file. */
@Command(
    name = "addr",
    mixinStandardHelpOptions = true,
    description = "Print the address of a key file (private or public key PEM).")
final class AddrCommand implements Callable<Integer> {
  @Parameters(paramLabel = "KEYFILE", description = "Node or network key file.")
  Path file;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    spec.commandLine().getOut().println(KeyFiles.readAddress(file));
    return ExitCodes.OK;
  }
}
