package io.staex.node.internal.cli;

import io.staex.conf.ConfigProblem;
import io.staex.conf.ConfigProblem.Reason;
import io.staex.conf.ConfigSource;
import io.staex.conf.ForwardFile;
import io.staex.conf.ForwardFiles;
import io.staex.conf.NodeConfig;
import io.staex.conf.ParentConfig;
import io.staex.crypto.Address;
import io.staex.crypto.BadCertificateException;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFileException;
import io.staex.crypto.KeyFiles;
import io.staex.crypto.Purpose;
import io.staex.crypto.Rejection;
import io.staex.crypto.Verdict;
import io.staex.node.internal.CertificateExpiry;
import io.staex.node.internal.Failures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code staex run} would refuse at start, found without starting anything: the key file,
 * the certificate, the parents' host names and {@code forwards-dir}. The file itself was already
 * accepted by {@link NodeConfig#load}. Every problem is collected, none stops the others (except
 * that a certificate cannot be matched to a key that cannot be read). A reload ({@code
 * io.staex.node.internal.Reload}) runs the same checks.
 */
public final class ConfigChecks {
  private final NodeConfig config;
  private final ConfigSource source;
  private final Instant now;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private Address address;
  private Certificate certificate;

  private ConfigChecks(NodeConfig config, ConfigSource source, Instant now) {
    this.config = config;
    this.source = source;
    this.now = now;
  }

  /** Runs every check (a reload runs them too, before it applies anything). */
  public static ConfigChecks run(NodeConfig config, ConfigSource source, Instant now) {
    ConfigChecks c = new ConfigChecks(config, source, now);
    c.key();
    c.certificate();
    c.parents();
    c.forwardsDir();
    return c;
  }

  public List<ConfigProblem> problems() {
    return List.copyOf(problems);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Who the node would be: its address, network and certificate's end; null with problems. */
  String summary() {
    if (address == null || certificate == null) {
      return null;
    }
    return "node " + address + certificate.name().map(n -> " (" + n + ")").orElse("")
        + ", network " + certificate.network() + ", certificate valid until "
        + certificate.notAfter();
  }

  private void key() {
    try {
      Identity identity = KeyFiles.readPrivateKey(config.key());
      address = identity.address();
      identity.destroy();
    } catch (KeyFileException e) {
      problems.add(source.problem("staex.key", Reason.INVALID_VALUE, e.getMessage()));
    }
  }

  private void certificate() {
    Certificate cert;
    try {
      cert = Certificate.read(config.cert());
    } catch (KeyFileException | BadCertificateException e) {
      problems.add(source.problem("staex.cert", Reason.INVALID_VALUE, e.getMessage()));
      return;
    }
    boolean ok = true;
    if (address != null && !cert.node().equals(address)) {
      problems.add(source.problem("staex.cert", Reason.INVALID_VALUE, config.cert()
          + ": certificate is for " + cert.node() + " (expected: the key in " + config.key()
          + ", " + address + ")"));
      ok = false;
    }
    Verdict v = cert.verify(cert.network(), now);
    if (!v.isAccepted()) {
      problems.add(source.problem("staex.cert", Reason.INVALID_VALUE,
          config.cert() + ": " + v.rejection().label() + ": " + v.detail()));
      ok = false;
    }
    Verdict own = config.trust().policy(cert.network()).check(cert, Purpose.LINK, now);
    if (own.rejection() == Rejection.REVOKED) {
      problems.add(source.problem("staex.trust.revoked", Reason.INVALID_VALUE,
          "revokes this node's own certificate (" + own.detail() + ")"));
      ok = false;
    }
    if (ok) {
      certificate = cert;
      CertificateExpiry.warning(cert, now).ifPresent(warnings::add);
    }
  }

  private void parents() {
    List<ParentConfig> parents = config.parents();
    for (int i = 0; i < parents.size(); i++) {
      ParentConfig p = parents.get(i);
      String host = p.address().host();
      try {
        InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        problems.add(source.problem("staex.parents[" + i + "].address", Reason.INVALID_VALUE,
            "host '" + host + "' does not resolve (expected: a host name this machine can look"
                + " up, or an IP address)"));
      }
      if (address != null && p.key().equals(address)) {
        problems.add(source.problem("staex.parents[" + i + "].key", Reason.INVALID_VALUE,
            "is this node's own address (expected: the parent's address, as `staex addr` prints"
                + " it on the parent)"));
      }
    }
  }

  private void forwardsDir() {
    if (config.forwardsDir().isEmpty()) {
      return;
    }
    var dir = config.forwardsDir().get();
    if (!Files.isDirectory(dir)) {
      problems.add(source.problem("staex.forwards-dir", Reason.INVALID_VALUE, dir + ": "
          + (Files.exists(dir) ? "not a folder" : "no such folder")
          + " (expected: a folder of *.conf forward files, or \"\" for none)"));
      return;
    }
    try {
      for (ForwardFile f : ForwardFiles.load(config).failed()) {
        problems.addAll(f.problems());
      }
    } catch (IOException e) {
      problems.add(source.problem("staex.forwards-dir", Reason.INVALID_VALUE,
          dir + ": cannot be read: " + Failures.describe(e)));
    }
  }
}
