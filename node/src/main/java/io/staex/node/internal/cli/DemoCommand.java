package io.staex.node.internal.cli;

import com.sun.net.httpserver.HttpServer;
import io.staex.conf.NodeConfig;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import io.staex.node.NodeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code staex demo}: a small network on loopback, in this one process, made of the real parts:
 * a root relay, a gateway whose exposed service is a built-in web page (standing in for a
 * camera's), a user node with a port forward to the gateway's certified name, and a node of
 * another network that tries to join and is refused. It checks the path end to end, prints the
 * addresses and commands that work while it runs, and stops on Ctrl-C (or at once with {@code
 * --check}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start a small staex network on loopback: a root relay, a gateway exposing a built-in web",
      "page, a user node with a port forward, SOCKS5 and DNS, and a stranger that is refused.",
      "Prints commands to try; runs until Ctrl-C."
    })
final class DemoCommand implements Callable<Integer> {
  static final String PAGE = "Hello from the camera's web server, behind the staex gateway.\n";

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where to write keys, certificates and configs (default: a new temporary"
          + " folder).")
  Path dir;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "The user node's forward listens on 127.0.0.1:PORT (default: ${DEFAULT-VALUE};"
          + " a free port if taken); SOCKS5 on 1080 and DNS on 5353 likewise. 0: all free ports.")
  int port;

  @Option(names = "--check",
      description = "Start, check the path end to end, print, and stop (exit 1 if it failed).")
  boolean check;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    SecureRandom random = new SecureRandom();
    Path folder = dir != null
        ? Files.createDirectories(dir).toAbsolutePath()
        : Files.createTempDirectory("staex-demo-");
    Instant now = Instant.now();
    Identity network = Identity.generate(random);
    Identity strangers = Identity.generate(random);
    KeyFiles.writePrivateKey(folder.resolve("network.key"), network, true);
    String root = ScratchNetwork.node(folder, "root", network, Optional.empty(), now, random);
    String gateway = ScratchNetwork.node(folder, "gateway", network, Optional.of("camera"), now, random);
    String user = ScratchNetwork.node(folder, "user", network, Optional.of("laptop"), now, random);
    String stranger = ScratchNetwork.node(folder, "stranger", strangers, Optional.of("intruder"), now, random);

    HttpServer web = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    web.createContext("/", ex -> {
      byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    });
    web.start();
    int rootPort = ScratchNetwork.freePort(0);
    int forwardPort = ScratchNetwork.freePort(port);
    int socksPort = ScratchNetwork.freePort(port == 0 ? 0 : 1080);
    int dnsPort = ScratchNetwork.freePort(port == 0 ? 0 : 5353);
    String rootParent = "parents = [ { address = \"127.0.0.1:" + rootPort + "\", key = \""
        + root + "\" } ]";
    ScratchNetwork.config(folder, "root", "listen = \"127.0.0.1:" + rootPort + "\"");
    ScratchNetwork.config(folder, "gateway", rootParent + "\n  services = [ { port = 80, target = \"127.0.0.1:"
        + web.getAddress().getPort() + "\" } ]");
    ScratchNetwork.config(folder, "user", rootParent + "\n  forwards = [ { listen = \"127.0.0.1:" + forwardPort
        + "\", to = \"camera.staex:80\" } ]\n  socks.listen = \"127.0.0.1:" + socksPort + "\"\n"
        + "  dns.listen = \"127.0.0.1:" + dnsPort + "\"");
    ScratchNetwork.config(folder, "stranger", rootParent);

    List<NodeRuntime> nodes = new ArrayList<>();
    Thread hook = new Thread(() -> closeAll(nodes, web), "RoutineDemoShutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      for (String name : List.of("root", "gateway", "user", "stranger")) {
        nodes.add(NodeRuntime.start(NodeConfig.load(folder.resolve(name + ".conf")),
            Clock.systemUTC(), random));
      }
      NodeRuntime rootNode = nodes.get(0);
      NodeRuntime userNode = nodes.get(2);
      boolean ready = ScratchNetwork.await(() -> rootNode.status().routes().viewSize() >= 3
          && userNode.status().activeParent().isPresent(), Duration.ofMillis(100));
      out.println("staex demo: a network on loopback, files in " + folder);
      out.println("  network   " + network.address());
      out.println("  root      " + root + "  relay, listens on 127.0.0.1:" + rootPort);
      out.println("  gateway   " + gateway + "  camera.staex, exposes port 80 -> "
          + "a built-in web page on 127.0.0.1:" + web.getAddress().getPort());
      out.println("  user      " + user + "  laptop.staex, forwards 127.0.0.1:" + forwardPort
          + " -> camera.staex:80, SOCKS5 on 127.0.0.1:" + socksPort + ", DNS on 127.0.0.1:"
          + dnsPort);
      out.println();
      String got = ready ? fetch(forwardPort) : "";
      boolean ok = got.endsWith(PAGE);
      out.println(ok
          ? "ok: GET http://127.0.0.1:" + forwardPort + "/ went user -> root -> gateway -> web"
              + " server and back, end-to-end encrypted: " + PAGE.strip()
          : "FAILED: the forward did not answer with the page (" + (ready ? "got: " + got
              : "the nodes did not link up within " + ScratchNetwork.READY.toSeconds()
                  + " s") + ")");
      String viaSocks = ok ? socksFetch(socksPort, "camera.staex") : "";
      boolean socksOk = viaSocks.endsWith(PAGE);
      out.println(socksOk
          ? "ok: the same page through SOCKS5 on 127.0.0.1:" + socksPort + " by certified name"
              + " (camera.staex)"
          : "FAILED: SOCKS5 on 127.0.0.1:" + socksPort + " did not give the page (" + viaSocks
              + ")");
      String a = dnsA(dnsPort, "camera.staex");
      boolean dnsOk = a.startsWith("127.77.");
      out.println(dnsOk ? "ok: DNS on 127.0.0.1:" + dnsPort + " answers camera.staex A " + a
          : "FAILED: DNS on 127.0.0.1:" + dnsPort + " answered camera.staex with '" + a + "'");
      ok &= socksOk && dnsOk;
      boolean refused = !rootNode.status().links().stream()
          .anyMatch(l -> l.peer().toString().equals(stranger));
      out.println((refused ? "ok: " : "FAILED: ") + "a node of another network (" + stranger
          .substring(0, 8) + "…) tried to link to the root: " + (refused ? "refused" : "admitted"));
      out.println();
      out.println("Try, while it runs:");
      out.println("  curl http://127.0.0.1:" + forwardPort + "/");
      out.println("  curl --socks5-hostname 127.0.0.1:" + socksPort + " http://camera.staex/");
      out.println("  curl -x socks5h://127.0.0.1:" + socksPort + " http://" + gateway
          + ".staex/");
      out.println("  dig @127.0.0.1 -p " + dnsPort + " camera.staex +short");
      out.println("  ./staex status -c " + folder.resolve("user.conf"));
      out.println("  ./staex status -c " + folder.resolve("root.conf") + " --metrics");
      out.println("  openssl x509 -noout -text -in " + folder.resolve("gateway.crt"));
      out.flush();
      if (check) {
        return ok && refused ? ExitCodes.OK : ExitCodes.FAILURE;
      }
      out.println("Ctrl-C stops the demo.");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Signal.handle(new Signal("TERM"), s -> stop.countDown());
      Signal.handle(new Signal("INT"), s -> stop.countDown());
      stop.await();
      return ExitCodes.OK;
    } finally {
      closeAll(nodes, web);
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }

  private static synchronized void closeAll(List<NodeRuntime> nodes, HttpServer web) {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    nodes.clear();
    web.stop(0);
  }

  /** A plain HTTP/1.0 GET through the forward (as curl would do), retried while names settle. */
  private static String fetch(int port) throws InterruptedException {
    String last = "";
    long end = System.nanoTime() + ScratchNetwork.READY.toNanos();
    while (System.nanoTime() < end) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET / HTTP/1.0\r\nHost: camera.staex\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        last = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (last.endsWith(PAGE)) {
          return last;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    return last;
  }

  /** GET / from {@code host}:80 through the SOCKS5 proxy (CONNECT by domain name). */
  private static String socksFetch(int socksPort, String host) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), socksPort)) {
      s.setSoTimeout(10_000);
      OutputStream o = s.getOutputStream();
      InputStream in = s.getInputStream();
      o.write(new byte[] {5, 1, 0}); // version 5, one method: no authentication
      byte[] method = in.readNBytes(2);
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      java.io.ByteArrayOutputStream req = new java.io.ByteArrayOutputStream();
      req.write(new byte[] {5, 1, 0, 3, (byte) name.length});
      req.write(name);
      req.write(new byte[] {0, 80});
      o.write(req.toByteArray());
      byte[] reply = in.readNBytes(10);
      if (method.length < 2 || method[1] != 0 || reply.length < 2 || reply[1] != 0) {
        return "SOCKS reply " + (reply.length > 1 ? reply[1] : -1);
      }
      o.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The A record the demo's DNS resolver gives for {@code name}, or what went wrong. */
  private static String dnsA(int dnsPort, String name) {
    try {
      org.xbill.DNS.Message answer = ScratchNetwork.askA(dnsPort, name);
      return ScratchNetwork.firstA(answer).orElse(org.xbill.DNS.Rcode.string(answer.getRcode()));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
