package io.staex.node.internal.cli;

import io.staex.crypto.Identity;
import io.staex.crypto.KeyFileException;
import io.staex.crypto.KeyFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import picocli.CommandLine.Option;

/** {@code --out FILE [--force]}: the options and the one action of every key-creating command. */
final class NewKeyOptions {
  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Key file to create.")
  Path out;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  /** Creates a fresh Ed25519 key in {@code out} (mode 0600) and prints its address. */
  int createAndPrintAddress(PrintWriter stdout) throws KeyFileException {
    Identity identity = Identity.generate(new SecureRandom());
    try {
      KeyFiles.writePrivateKey(out, identity, force);
    } finally {
      identity.destroy();
    }
    stdout.println(identity.address());
    return ExitCodes.OK;
  }
}
