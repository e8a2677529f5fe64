package io.staex.node.internal.cli;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import io.staex.crypto.Rejection;
import io.staex.crypto.SignedRevocation;
import io.staex.crypto.Verdict;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code staex cert issue|renew|show|revoke}: node certificates. */
@Command(
    name = "cert",
    mixinStandardHelpOptions = true,
    description = "Issue and inspect node certificates (X.509 v3, Ed25519).",
    subcommands = {CertCommand.Issue.class, CertCommand.Renew.class, CertCommand.Show.class,
        CertCommand.Revoke.class,
        picocli.CommandLine.HelpCommand.class})
final class CertCommand implements Runnable {
  /** Most days a certificate may be valid for: 100 years. */
  static final int MAX_DAYS = 36_500;
  /**
   * Certificates start this long before they are issued, so that a peer whose clock is a little
   * behind does not refuse a fresh certificate as not yet valid.
   */
  static final Duration BACKDATE = Duration.ofHours(1);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description = {"Sign a node's certificate with a network key.",
          "Prints the node's address on stdout, and the certificate's serial (for"
              + " `staex cert revoke --serial`) on stderr."})
  static final class Issue implements Callable<Integer> {
    @Option(names = "--network-key", required = true, paramLabel = "FILE",
        description = "The network's private key file.")
    Path networkKey;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    static final class Subject {
      @Option(names = "--node-key", paramLabel = "FILE",
          description = "The node's key file (private or public key PEM).")
      Path nodeKey;

      @Option(names = "--node", paramLabel = "ADDRESS", description = "The node's address.")
      String node;
    }

    @Option(names = "--name", paramLabel = "NAME",
        description = "Certified name: a DNS label; the node is then also <NAME>.staex.")
    String name;

    @Option(names = "--role", paramLabel = "ROLE",
        description = "A role to grant (repeatable), e.g. relay; DNS label syntax.")
    List<String> roles = List.of();

    @Option(names = "--days", paramLabel = "N", defaultValue = "365",
        description = "Days of validity (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--out", required = true, paramLabel = "FILE",
        description = "Certificate file to create (PEM).")
    Path out;

    @Option(names = "--force", description = "Replace the output file if it exists.")
    boolean force;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (days < 1 || days > MAX_DAYS) {
        throw new IllegalArgumentException("--days: " + days + " (expected: 1 to " + MAX_DAYS + ")");
      }
      Address node =
          subject.nodeKey != null ? KeyFiles.readAddress(subject.nodeKey) : Address.parse(subject.node);
      if (!force && Files.exists(out)) {
        throw new CliException(ExitCodes.FILE, out + ": exists (use --force to replace it)");
      }
      Identity network = KeyFiles.readPrivateKey(networkKey);
      Certificate cert;
      try {
        Instant now = Instant.now();
        cert = Certificate.issue(
            network, node, Optional.ofNullable(name), new LinkedHashSet<>(roles),
            now.minus(BACKDATE), now.plus(Duration.ofDays(days)), new SecureRandom());
      } finally {
        network.destroy();
      }
      cert.write(out, force);
      PrintWriter o = spec.commandLine().getOut();
      o.println(node);
      o.flush();
      // stdout stays the address alone, as scripts read it; the serial goes beside it.
      spec.commandLine().getErr().println("serial: " + cert.serial().toString(16));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "renew",
      mixinStandardHelpOptions = true,
      description = {
        "Renew a node's certificate with the network key that signed it: the same node key,",
        "name and roles, a new validity from now and a new serial. Reads the old certificate",
        "(which may have expired) and replaces it, or writes --out. Prints the node's address",
        "on stdout, the new serial and the old one on stderr. The node presents the new",
        "certificate once restarted; the 30-day expiry warning goes away with it."})
  static final class Renew implements Callable<Integer> {
    @Option(names = "--network-key", required = true, paramLabel = "FILE",
        description = "The network's private key file (the one that signed the old certificate).")
    Path networkKey;

    @Option(names = "--cert", required = true, paramLabel = "FILE",
        description = "The certificate to renew (PEM).")
    Path cert;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365",
        description = "Days of validity from now (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--out", paramLabel = "FILE",
        description = "Where to write the renewed certificate (default: replace --cert).")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (days < 1 || days > MAX_DAYS) {
        throw new IllegalArgumentException("--days: " + days + " (expected: 1 to " + MAX_DAYS + ")");
      }
      Certificate old = Certificate.read(cert);
      Identity network = KeyFiles.readPrivateKey(networkKey);
      Certificate renewed;
      try {
        Instant now = Instant.now();
        Verdict v = old.verify(network.address(), now);
        if (!v.isAccepted() && v.rejection() != Rejection.EXPIRED
            && v.rejection() != Rejection.NOT_YET_VALID) {
          throw new CliException(ExitCodes.INVALID_CERTIFICATE, cert + ": " + v.rejection().label()
              + ": " + v.detail() + " (expected: a certificate signed by the network key "
              + networkKey + ", " + network.address() + ")");
        }
        renewed = Certificate.issue(network, old.node(), old.name(), old.roles(),
            now.minus(BACKDATE), now.plus(Duration.ofDays(days)), new SecureRandom());
      } finally {
        network.destroy();
      }
      Path target = out == null ? cert : out;
      renewed.write(target, true);
      PrintWriter o = spec.commandLine().getOut();
      o.println(old.node());
      o.flush();
      spec.commandLine().getErr().println("serial: " + renewed.serial().toString(16)
          + " (replaces " + old.serial().toString(16) + "), valid until " + renewed.notAfter());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print a certificate's fields, then \"valid\" or \"invalid: REASON\".",
        "Exit status 4 when invalid."
      })
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "CERT", description = "Certificate file (PEM).")
    Path file;

    @Option(names = "--trust", paramLabel = "NETWORK",
        description = "Check against this network: a network key file or its address"
            + " (default: the certificate's own network, i.e. only its signature and dates).")
    String trust;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Certificate cert = Certificate.read(file);
      Address network = trust == null ? cert.network() : trustedNetwork(trust);
      Verdict verdict = cert.verify(network, Instant.now());
      PrintWriter o = spec.commandLine().getOut();
      o.println("node:        " + cert.node());
      o.println("host:        " + cert.node().hostName());
      o.println("network:     " + cert.network());
      o.println("name:        " + cert.name().map(n -> n + " (" + n + "." + Address.DOMAIN + ")").orElse("-"));
      o.println("roles:       " + (cert.roles().isEmpty() ? "-" : String.join(", ", cert.roles())));
      o.println("serial:      " + cert.serial().toString(16));
      o.println("not before:  " + cert.notBefore());
      o.println("not after:   " + cert.notAfter());
      o.println(verdict);
      return verdict.isAccepted() ? ExitCodes.OK : ExitCodes.INVALID_CERTIFICATE;
    }

    private static Address trustedNetwork(String trust) throws Exception {
      Path path = Path.of(trust);
      if (Files.exists(path)) {
        return KeyFiles.readAddress(path);
      }
      try {
        return Address.parse(trust);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--trust: '" + trust + "' is neither a key file nor an address (" + e.getMessage() + ")");
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Sign a revocation of a node (all its certificates of this network) or of one"
            + " certificate (by serial) with the network key.",
        "Hand it to any running node with `staex revoke FILE`: it spreads to every node of the"
            + " network, which close the revoked node's links and sessions and refuse new ones."
      })
  static final class Revoke implements Callable<Integer> {
    @Option(names = "--network-key", required = true, paramLabel = "FILE",
        description = "The network's private key file.")
    Path networkKey;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
      @Option(names = "--node", paramLabel = "ADDRESS",
          description = "The node's address: every certificate of this network for it.")
      String node;

      @Option(names = "--serial", paramLabel = "HEX",
          description = "One certificate's serial, as `cert issue` and `cert show` print it.")
      String serial;
    }

    @Option(names = "--out", paramLabel = "FILE",
        description = "Revocation file to create (PEM); default: print it on stdout.")
    Path out;

    @Option(names = "--force", description = "Replace the output file if it exists.")
    boolean force;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Address node = target.node == null ? null : Address.parse(target.node);
      java.math.BigInteger serial = target.serial == null ? null : serial(target.serial);
      if (out != null && !force && Files.exists(out)) {
        throw new CliException(ExitCodes.FILE, out + ": exists (use --force to replace it)");
      }
      Identity network = KeyFiles.readPrivateKey(networkKey);
      SignedRevocation revocation;
      try {
        Instant now = Instant.now();
        revocation = node != null ? SignedRevocation.ofNode(network, node, now)
            : SignedRevocation.ofSerial(network, serial, now);
      } finally {
        network.destroy();
      }
      PrintWriter o = spec.commandLine().getOut();
      if (out == null) {
        o.print(revocation.toPem());
      } else {
        revocation.write(out, force);
        o.println(revocation.target());
      }
      o.flush();
      return ExitCodes.OK;
    }

    private static java.math.BigInteger serial(String text) {
      String hex = text.strip().replace(":", "");
      if (hex.isEmpty() || hex.length() > 2 * SignedRevocation.MAX_SERIAL_BYTES
          || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("--serial: '" + text + "' (expected: 1 to "
            + 2 * SignedRevocation.MAX_SERIAL_BYTES + " hex digits, e.g. 32b43a3fb95cecd1)");
      }
      java.math.BigInteger serial = new java.math.BigInteger(hex, 16);
      if (serial.signum() == 0) {
        throw new IllegalArgumentException("--serial: 0 (expected: a certificate's serial)");
      }
      return serial;
    }
  }
}
