package io.staex.node.internal.cli;

import io.staex.conf.NodeConfig;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import io.staex.node.NodeRuntime;
import io.staex.node.internal.Warmup;
import io.staex.node.internal.control.ControlClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code staex train} (hidden): the training run behind the launcher's start-up cache (the JDK
 * 25 AOT cache of JEP 483/514/515, AppCDS on older JDKs). In this one JVM and with real loopback
 * sockets it does what a node does at start and on its data path, so that the classes it loads,
 * links and profiles are the ones a real {@code staex run} needs from its first byte: keys and
 * certificates, three nodes (root relay, gateway with an echo service, user with a forward,
 * SOCKS5 and DNS), their link and session handshakes, bulk bytes both ways through the relay, a
 * few hundred new streams, SOCKS connects by name and by address, DNS lookups, the control
 * socket's status answers, and a second round of handshakes after the user node restarts.
 *
 * <p>It changes nothing outside a temporary folder, which it deletes. Exit 0 when every step
 * worked; a failed step still leaves a usable (if smaller) cache, so the launcher only reports
 * it.
 */
@Command(
    name = "train",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Exercise a node in this JVM for the launcher's start-up cache (internal).")
final class TrainCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);
  private static final int CHUNK = 64 * 1024;
  private static final Duration POLL = Duration.ofMillis(50);

  @Option(names = "--mib", paramLabel = "MIB", defaultValue = "64",
      description = "MiB echoed through the relay in each round (default: ${DEFAULT-VALUE}).")
  int mib;

  @Option(names = "--streams", paramLabel = "N", defaultValue = "200",
      description = "New streams opened in each round (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
      description = "Rounds; the user node restarts between them (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Verbosity.atLeastInfo(); // as `staex run`: its log lines' classes belong in the cache
    PrintWriter out = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    SecureRandom random = new SecureRandom();
    // The warm-up `staex run` does at start (its own classes and profiles belong in the cache).
    Warmup.run(Warmup.DEFAULT, () -> false, random, (what, i, nanos) -> { });
    Path folder = Files.createTempDirectory("staex-train-");
    List<NodeRuntime> nodes = new ArrayList<>();
    try (Echo echo = new Echo()) {
      Instant now = Instant.now();
      Identity network = Identity.generate(random);
      KeyFiles.writePrivateKey(folder.resolve("network.key"), network, true);
      String root = ScratchNetwork.node(folder, "root", network, Optional.empty(), now, random);
      ScratchNetwork.node(folder, "gateway", network, Optional.of("echo"), now, random);
      ScratchNetwork.node(folder, "user", network, Optional.of("user"), now, random);
      // The CLI's own key and certificate file readers, as `staex cert` and `staex addr` use.
      Certificate.read(folder.resolve("user.crt"));
      KeyFiles.readPrivateKey(folder.resolve("user.key")).destroy();

      int rootPort = ScratchNetwork.freePort(0);
      int forwardPort = ScratchNetwork.freePort(0);
      int socksPort = ScratchNetwork.freePort(0);
      int dnsPort = ScratchNetwork.freePort(0);
      String parent = "parents = [ { address = \"127.0.0.1:" + rootPort + "\", key = \"" + root
          + "\" } ]";
      ScratchNetwork.config(folder, "root", "listen = \"127.0.0.1:" + rootPort + "\"");
      ScratchNetwork.config(folder, "gateway", parent + "\n  services = [ { port = 80, target = \"127.0.0.1:"
          + echo.port() + "\" } ]");
      ScratchNetwork.config(folder, "user", parent + "\n  forwards = [ { listen = \"127.0.0.1:" + forwardPort
          + "\", to = \"echo.staex:80\" } ]\n  socks.listen = \"127.0.0.1:" + socksPort
          + "\"\n  dns.listen = \"127.0.0.1:" + dnsPort + "\"");
      nodes.add(start(folder, "root", random));
      nodes.add(start(folder, "gateway", random));
      boolean ok = true;
      long bytes = 0;
      for (int round = 0; round < Math.max(1, rounds); round++) {
        NodeRuntime user = start(folder, "user", random);
        nodes.add(user);
        NodeRuntime rootNode = nodes.get(0);
        ok &= ScratchNetwork.await(() -> rootNode.status().routes().viewSize() >= 3
            && user.status().activeParent().isPresent(), POLL);
        ok &= firstEcho(forwardPort);
        bytes += bulk(forwardPort, (long) mib << 20);
        for (int i = 0; i < streams; i++) {
          ok &= oneByte(forwardPort);
        }
        for (int i = 0; i < 20; i++) {
          ok &= socks(socksPort, i % 2 == 0 ? "echo.staex" : null, dnsPort);
          ok &= !dnsA(dnsPort, "echo.staex").isEmpty();
          dnsA(dnsPort, "nothing-" + i + ".staex");
        }
        for (NodeRuntime n : nodes) {
          ControlClient.ask(n.controlSocket(), "status", 5_000);
          ControlClient.ask(n.controlSocket(), "status json", 5_000);
          ControlClient.ask(n.controlSocket(), "metrics", 5_000);
        }
        nodes.remove(user);
        user.close();
      }
      out.printf("staex train: %s, %d MiB echoed, %.1f s%n", ok ? "ok" : "some steps failed",
          bytes >> 20, (System.nanoTime() - t0) / 1e9);
      out.flush();
      return ok ? ExitCodes.OK : ExitCodes.FAILURE;
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).close();
      }
      deleteTree(folder);
    }
  }

  private static NodeRuntime start(Path folder, String name, SecureRandom random)
      throws Exception {
    return NodeRuntime.start(NodeConfig.load(folder.resolve(name + ".conf")), Clock.systemUTC(),
        random);
  }

  /** The first byte echoed through the forward, retried while names and the session settle. */
  private static boolean firstEcho(int port) throws InterruptedException {
    return ScratchNetwork.await(() -> oneByte(port), POLL);
  }

  private static boolean oneByte(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      s.getOutputStream().write('x');
      return s.getInputStream().read() == 'x';
    } catch (IOException e) {
      log.debug("train: one byte", e);
      return false;
    }
  }

  /** {@code total} bytes written and read back at once through the echo service. */
  private static long bulk(int port, long total) throws IOException, InterruptedException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      OutputStream o = s.getOutputStream();
      Thread writer = new Thread(() -> {
        byte[] chunk = new byte[CHUNK];
        try {
          for (long sent = 0; sent < total; sent += CHUNK) {
            o.write(chunk, 0, (int) Math.min(CHUNK, total - sent));
          }
          s.shutdownOutput();
        } catch (IOException e) {
          log.debug("train: bulk write", e);
        }
      }, "StaexTrainWriter");
      writer.start();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[CHUNK];
      long got = 0;
      try {
        for (int k; got < total && (k = in.read(buf)) >= 0; ) {
          got += k;
        }
      } catch (IOException e) {
        log.debug("train: bulk read", e);
      }
      s.close();
      writer.join();
      return got;
    }
  }

  /** One CONNECT through SOCKS5: by name, or by the address the DNS resolver gave for it. */
  private static boolean socks(int socksPort, String host, int dnsPort) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), socksPort)) {
      s.setSoTimeout(10_000);
      OutputStream o = s.getOutputStream();
      InputStream in = s.getInputStream();
      o.write(new byte[] {5, 1, 0});
      in.readNBytes(2);
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      if (host != null) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        req.write(new byte[] {5, 1, 0, 3, (byte) name.length});
        req.write(name);
      } else {
        req.write(new byte[] {5, 1, 0, 1});
        req.write(InetAddress.getByName(dnsA(dnsPort, "echo.staex")).getAddress());
      }
      req.write(new byte[] {0, 80});
      o.write(req.toByteArray());
      byte[] reply = in.readNBytes(10);
      if (reply.length < 2 || reply[1] != 0) {
        return false;
      }
      o.write('y');
      return in.read() == 'y';
    } catch (IOException e) {
      log.debug("train: socks", e);
      return false;
    }
  }

  /** The A record the node's DNS resolver gives for {@code name}, or "" when none. */
  private static String dnsA(int dnsPort, String name) {
    try {
      return ScratchNetwork.firstA(ScratchNetwork.askA(dnsPort, name)).orElse("");
    } catch (IOException e) {
      log.debug("train: dns", e);
      return "";
    }
  }

  private static void deleteTree(Path folder) {
    try (Stream<Path> all = Files.walk(folder)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      log.debug("train: could not delete {}", folder, e);
    }
  }

  /** A TCP echo server on loopback, one thread per connection (the gateway's service). */
  private static final class Echo implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;

    Echo() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
      acceptor = new Thread(this::accept, "StaexTrainEcho");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket c = server.accept();
          Thread t = new Thread(() -> echo(c), "StaexTrainEchoConn");
          t.setDaemon(true);
          t.start();
        } catch (SocketException e) {
          return; // closed
        } catch (IOException e) {
          log.debug("train: echo accept", e);
        }
      }
    }

    private static void echo(Socket c) {
      try (c) {
        c.setTcpNoDelay(true);
        c.getInputStream().transferTo(c.getOutputStream());
      } catch (IOException e) {
        log.debug("train: echo", e);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
