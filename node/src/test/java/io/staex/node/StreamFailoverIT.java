package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool.Started;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, "streams survive path changes", with real processes: {@code user → relay → root ←
 * gateway}, the user with the root as its backup parent and a forward to a service of the
 * gateway that sends a known byte sequence. While the stream flows, the relay (the user's
 * active parent, so every byte of the stream crosses it) is killed with SIGKILL: whatever it and
 * the root's link to it held is lost. The user's node fails over to the root, the sessions send
 * the lost records again, and the client gets every byte, in order, and the end of the stream:
 * nothing lost, nothing reset, the same session (no new handshake at the gateway).
 *
 * <p>On the code before issue 14 the session ended at the first gap ("records lost on the
 * path") or at the relay's UNREACHABLE notice, and the client's connection was cut short.
 */
class StreamFailoverIT extends ProcessTestBase {
  private static final Logger log = LoggerFactory.getLogger(StreamFailoverIT.class);
  /** The stream's length: long enough that the relay dies with the stream in full flow. */
  private static final int LENGTH = 32 * 1024 * 1024;
  /** The relay is killed once the client has this much. */
  private static final int KILL_AFTER = 4 * 1024 * 1024;
  private static final long SEED = 14;
  /** A thread of its own for each blocking task (the common pool may have one on 2 cores). */
  private static final Executor THREAD = task -> {
    Thread t = new Thread(task, "stream-failover-it");
    t.setDaemon(true);
    t.start();
  };

  @Test
  void relayKilledMidStream_streamGoesOnThroughTheBackupParent_noByteLost() throws Exception {
    try (ServerSocket service = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> serve(service), THREAD);
      staex("network", "create", "--out", "network.key").assertSuccess();
      String root = newNode("root");
      String relay = newNode("relay");
      String gateway = newNode("gateway");
      newNode("user");
      int rootPort = freePort();
      int relayPort = freePort();
      int forwardPort = freePort();
      String rootParent = "{ address = \"127.0.0.1:" + rootPort + "\", key = \"" + root + "\" }";
      config("root", "listen = \"127.0.0.1:" + rootPort + "\"");
      config("relay", "listen = \"127.0.0.1:" + relayPort + "\"\n  parents = [ " + rootParent
          + " ]");
      config("gateway", "parents = [ " + rootParent + " ]\n  services = [ { port = 8080, "
          + "target = \"127.0.0.1:" + service.getLocalPort() + "\" } ]");
      config("user", "parents = [ { address = \"127.0.0.1:" + relayPort + "\", key = \""
          + relay + "\" }, " + rootParent + " ]\n  forwards = [ { listen = \"127.0.0.1:"
          + forwardPort + "\", to = \"" + gateway + ".staex:8080\" } ]");
      run("root");
      Started relayNode = run("relay");
      Started gatewayNode = run("gateway");
      Started userNode = run("user");
      awaitStatus("root", STARTUP, s -> s.contains("\"viewSize\":4"));
      awaitStatus("user", s -> s.contains("\"activeParent\":\"" + relay + "\""));

      AtomicLong received = new AtomicLong();
      CompletableFuture<byte[]> digest = CompletableFuture.supplyAsync(
          () -> readAll(forwardPort, received), THREAD);
      Awaitility.await("the first " + KILL_AFTER + " bytes").atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(10)).until(() -> received.get() >= KILL_AFTER);
      long handshakes = number(status("gateway"), "handshakes");
      relayNode.kill();
      long killedAt = received.get();
      long t0 = System.nanoTime();
      log.info("relay killed with {} of {} bytes received", killedAt, LENGTH);
      assertThat(killedAt).as("the relay died with the stream in flow").isLessThan(LENGTH);

      byte[] got;
      try {
        got = digest.get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError("the stream broke after " + received.get() + " of " + LENGTH
            + " bytes (" + killedAt + " when the relay died)\nuser: " + tail(userNode)
            + "\ngateway: " + tail(gatewayNode), e.getCause());
      }
      log.info("the stream ended {} ms after the relay died",
          (System.nanoTime() - t0) / 1_000_000);
      assertThat(received.get()).as("bytes received").isEqualTo(LENGTH);
      assertThat(got).as("SHA-256 of the bytes received").isEqualTo(expectedDigest());
      served.get(30, TimeUnit.SECONDS);

      String user = awaitStatus("user", s -> s.contains("\"activeParent\":\"" + root + "\""));
      String gw = status("gateway");
      assertThat(number(gw, "handshakes")).as("handshakes at the gateway: the same session")
          .isEqualTo(handshakes);
      assertThat(number(gw, "recordsResent") + number(user, "recordsResent"))
          .as("records sent again: the relay's death lost some\n" + gw + "\n" + user)
          .isPositive();
      assertThat(number(user, "pathLost")).isZero();
      assertThat(number(gw, "pathLost")).isZero();
      assertThat(tablesWithinLimits(gw)).containsKey("retransmit_bytes");
    }
  }

  /** Sends {@link #LENGTH} bytes of the known sequence to the one client, then closes. */
  private static void serve(ServerSocket service) {
    try (Socket client = service.accept(); OutputStream out = client.getOutputStream()) {
      Random r = new Random(SEED);
      byte[] chunk = new byte[64 * 1024];
      for (int sent = 0; sent < LENGTH; sent += chunk.length) {
        r.nextBytes(chunk);
        out.write(chunk);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads the forward to its end; the SHA-256 of what came, counting it in {@code received}. */
  private static byte[] readAll(int forwardPort, AtomicLong received) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), forwardPort), 10_000);
      s.setSoTimeout(90_000); // longer than sessions.path-grace: a stuck stream fails, not hangs
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        sha.update(buf, 0, n);
        received.addAndGet(n);
      }
      return sha.digest();
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] expectedDigest() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random r = new Random(SEED);
    byte[] chunk = new byte[64 * 1024];
    for (int sent = 0; sent < LENGTH; sent += chunk.length) {
      r.nextBytes(chunk);
      sha.update(chunk);
    }
    return sha.digest();
  }

  private static String tail(Started node) {
    String[] lines = node.stderrText().split("\n");
    return String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - 30),
        lines.length));
  }
}
