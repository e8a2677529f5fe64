package io.staex.node.internal.cli;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Handshake;
import io.staex.crypto.HandshakeException;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import io.staex.crypto.Purpose;
import io.staex.crypto.TrustPolicy;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code staex demo}: what works today, end to end on loopback. Until the node (links, relays,
 * SOCKS5, DNS) exists, it creates a network with real key and certificate files and runs the
 * handshake and record layer over a real TCP connection, then shows a foreign node refused.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Create a demo network (keys, certificates) and show two nodes meeting over loopback TCP",
      "with the Noise IK handshake, and a node of another network refused."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where to write the demo's keys and certificates (default: a new temporary folder).")
  Path dir;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    SecureRandom random = new SecureRandom();
    Path folder = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("staex-demo-");
    Instant now = Instant.now();

    Identity network = Identity.generate(random);
    Identity gateway = Identity.generate(random);
    Identity user = Identity.generate(random);
    Identity strangerNetwork = Identity.generate(random);
    Identity stranger = Identity.generate(random);
    Certificate gatewayCert = issue(network, gateway, "gateway", now, random);
    Certificate userCert = issue(network, user, "laptop", now, random);
    Certificate strangerCert = issue(strangerNetwork, stranger, "intruder", now, random);
    KeyFiles.writePrivateKey(folder.resolve("network.key"), network, true);
    KeyFiles.writePrivateKey(folder.resolve("gateway.key"), gateway, true);
    KeyFiles.writePrivateKey(folder.resolve("user.key"), user, true);
    gatewayCert.write(folder.resolve("gateway.crt"), true);
    userCert.write(folder.resolve("user.crt"), true);

    out.println("staex demo: a network in " + folder);
    out.println("  network  " + network.address());
    out.println("  gateway  " + gateway.address() + "  (gateway.staex)");
    out.println("  user     " + user.address() + "  (laptop.staex)");
    out.println();

    TrustPolicy policy = TrustPolicy.ofNetwork(network.address());
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      out.println("gateway listens on " + server.getLocalSocketAddress());
      CompletableFuture<String> gatewaySide = CompletableFuture.supplyAsync(
          () -> serve(server, gateway, gatewayCert, policy, random));
      long start = System.nanoTime();
      String reply = dial(server.getLocalPort(), user, userCert, gateway.address(), policy, random,
          "hello from the laptop");
      long micros = (System.nanoTime() - start) / 1000;
      out.println("user -> gateway: handshake and one encrypted round trip in " + micros + " µs (cold JVM)");
      out.println("  gateway saw:   " + gatewaySide.join());
      out.println("  user got back: " + reply);

      CompletableFuture<String> refused = CompletableFuture.supplyAsync(
          () -> serve(server, gateway, gatewayCert, policy, random));
      try {
        dial(server.getLocalPort(), stranger, strangerCert, gateway.address(), TrustPolicy.ofNetwork(strangerNetwork.address()), random, "let me in");
      } catch (IOException e) {
        // the gateway closes the connection without saying why
      }
      out.println("stranger -> gateway: " + refused.join());
    }
    out.println();
    out.println("Try:  ./staex cert show " + folder.resolve("gateway.crt"));
    out.println("      openssl x509 -noout -text -in " + folder.resolve("gateway.crt"));
    out.println("Links, relays, SOCKS5 and DNS come next; see README.md (Status).");
    return ExitCodes.OK;
  }

  private static Certificate issue(Identity network, Identity node, String name, Instant now, SecureRandom random) {
    return Certificate.issue(network, node.address(), Optional.of(name), Set.of(), now.minus(CertCommand.BACKDATE),
        now.plus(Duration.ofDays(1)), random);
  }

  /** The gateway's side of one connection: handshake, then echo one record. */
  private static String serve(ServerSocket server, Identity me, Certificate cert, TrustPolicy policy, SecureRandom random) {
    try (Socket s = server.accept()) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      Handshake hs = Handshake.responder(me, cert, policy, Purpose.SESSION, Clock.systemUTC(), random);
      try {
        hs.readMessage(readFrame(in));
      } catch (HandshakeException e) {
        hs.destroy();
        return "refused (" + e.rejection().map(r -> r.label()).orElse(e.reason().name()) + ": " + e.getMessage() + ")";
      }
      writeFrame(out, hs.writeMessage(new byte[0]));
      Handshake.Established session = hs.established();
      byte[] record = readFrame(in);
      byte[] text = session.records().opener().open(record, 0, record.length, new byte[0]);
      byte[] reply = ("echo: " + new String(text, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      writeFrame(out, session.records().sealer().seal(reply, 0, reply.length, new byte[0]));
      return "'" + new String(text, StandardCharsets.UTF_8) + "' from " + session.peer().shortText()
          + " (" + session.peerCertificate().name().orElse("-") + ")";
    } catch (Exception e) {
      return "error: " + e;
    }
  }

  private static String dial(int port, Identity me, Certificate cert, Address gateway, TrustPolicy policy,
      SecureRandom random, String message) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      Handshake hs = Handshake.initiator(me, cert, gateway, policy, Purpose.SESSION, Clock.systemUTC(), random);
      writeFrame(out, hs.writeMessage(new byte[0]));
      hs.readMessage(readFrame(in));
      Handshake.Established session = hs.established();
      byte[] text = message.getBytes(StandardCharsets.UTF_8);
      writeFrame(out, session.records().sealer().seal(text, 0, text.length, new byte[0]));
      byte[] record = readFrame(in);
      return new String(session.records().opener().open(record, 0, record.length, new byte[0]), StandardCharsets.UTF_8);
    }
  }

  private static void writeFrame(DataOutputStream out, byte[] frame) throws IOException {
    out.writeShort(frame.length);
    out.write(frame);
    out.flush();
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    byte[] frame = new byte[in.readUnsignedShort()];
    in.readFully(frame);
    return frame;
  }
}
