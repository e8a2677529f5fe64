package io.staex.node.internal.cli;

import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The throwaway network that {@code demo} and {@code train} run in one JVM: key, certificate
 * and config files of its nodes in a folder, free loopback ports, and a bounded wait for the
 * nodes to settle.
 */
final class ScratchNetwork {
  /** How long the nodes may take to link up and answer. */
  static final Duration READY = Duration.ofSeconds(30);

  private ScratchNetwork() {}

  /**
   * Writes {@code name.key} and {@code name.crt} (signed by {@code network}, valid for a day,
   * with the common name {@code cn} if given) into {@code folder}; returns the node's address.
   */
  static String node(Path folder, String name, Identity network, Optional<String> cn,
      Instant now, SecureRandom random) throws Exception {
    Identity me = Identity.generate(random);
    KeyFiles.writePrivateKey(folder.resolve(name + ".key"), me, true);
    Certificate.issue(network, me.address(), cn, Set.of(), now.minus(CertCommand.BACKDATE),
        now.plus(Duration.ofDays(1)), random).write(folder.resolve(name + ".crt"), true);
    return me.address().toString();
  }

  /** Writes {@code name.conf}: its key and certificate, then {@code body} in the staex section. */
  static void config(Path folder, String name, String body) throws IOException {
    Files.writeString(folder.resolve(name + ".conf"), "staex {\n  key = " + name + ".key\n"
        + "  cert = " + name + ".crt\n  " + body + "\n}\n");
  }

  /** {@code wanted} if it is free on 127.0.0.1 (0: any), else a free port. */
  static int freePort(int wanted) throws IOException {
    try (ServerSocket s = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
  }

  /**
   * Whether {@code ready} came true within {@link #READY}, asked every {@code poll}: the nodes
   * are watched from outside their loops, where there is no event to wait on.
   */
  static boolean await(BooleanSupplier ready, Duration poll) throws InterruptedException {
    long end = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < end) {
      if (ready.getAsBoolean()) {
        return true;
      }
      Thread.sleep(poll.toMillis());
    }
    return false;
  }

  /** Asks the DNS resolver on 127.0.0.1:{@code port} for the A record of {@code name}. */
  static org.xbill.DNS.Message askA(int port, String name) throws IOException {
    org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver("127.0.0.1");
    r.setPort(port);
    r.setTimeout(Duration.ofSeconds(5));
    return r.send(org.xbill.DNS.Message.newQuery(
        org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromString(name + "."),
            org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN)));
  }

  /** The first address in {@code answer}'s A records, if any. */
  static Optional<String> firstA(org.xbill.DNS.Message answer) {
    return answer.getSection(org.xbill.DNS.Section.ANSWER).stream()
        .filter(rr -> rr instanceof org.xbill.DNS.ARecord)
        .map(rr -> ((org.xbill.DNS.ARecord) rr).getAddress().getHostAddress())
        .findFirst();
  }
}
