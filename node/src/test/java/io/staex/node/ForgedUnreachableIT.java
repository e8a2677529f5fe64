package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.staex.node.hostile.HostileMember;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrameType;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.testing.ExternalTool;
import io.staex.testing.ExternalTool.Started;
import io.staex.testing.Seeded;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, attack 1, against real processes: the {@link #victims} {@code user → root ←
 * gateway}, and a member node (a {@link HostileMember} with a certificate from {@code staex cert
 * issue}) linked to the root.
 * While curl holds an HTTP stream open through the user's forward to the gateway, the member
 * sends the root {@code Unreachable{source=user, destination=gateway}} notices: without a quote,
 * and with quotes of made-up records and HELLOs. The root routes them to the user like real
 * ones; the user must count them as forged, and the stream must finish byte for byte.
 */
class ForgedUnreachableIT extends ProcessTestBase {
  @Test
  void forgedUnreachable_fromAMember_leavesAnOpenStreamAlone_andIsCounted() throws Exception {
    String curl = ExternalTool.require("curl").toString();
    byte[] file = new byte[256 * 1024];
    new java.util.Random(13).nextBytes(file);
    int half = file.length / 2;
    CountDownLatch sentHalf = new CountDownLatch(1);
    CountDownLatch attacked = new CountDownLatch(1);
    HttpServer http = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/file", ex -> {
      ex.sendResponseHeaders(200, file.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(file, 0, half);
        out.flush();
        sentHalf.countDown();
        // the second half only once the attack is over: the stream is open throughout
        if (!attacked.await(60, TimeUnit.SECONDS)) {
          throw new java.io.IOException("the test never finished its attack");
        }
        out.write(file, half, file.length - half);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    http.start();
    try {
      Victims v = victims(http.getAddress().getPort(), "");
      try (HostileMember mallory = HostileMember.link(dir.resolve("mallory.key"),
          dir.resolve("mallory.crt"), v.rootEndpoint(), v.root())) {
        mallory.awaitUp(CONVERGE);

        Path out = dir.resolve("got");
        Started download = start(List.of(curl, "-sS", "--fail", "--max-time", "60", "-o",
            out.toString(), "http://127.0.0.1:" + v.forwardPort() + "/file"));
        assertThat(sentHalf.await(CONVERGE.toSeconds(), TimeUnit.SECONDS))
            .as("the gateway's server sent the first half").isTrue();
        String before = awaitStatus("user", s -> s.contains("\"streams\":[{"));
        assertThat(before).contains("\"peer\":\"" + v.gateway() + "\"");

        // the attack: every notice names the user as the failed packet's source
        NodeKey victim = NodeKey.of(v.user());
        NodeKey target = NodeKey.of(v.gateway());
        SecureRandom guess = Seeded.random(13);
        mallory.send(forged(victim, target, UnreachableReason.LINK_DOWN, new byte[0]));
        mallory.send(forged(victim, target, UnreachableReason.NO_ROUTE,
            guessed(guess, SessionFrameType.RECORD)));
        mallory.send(forged(victim, target, UnreachableReason.TTL_EXPIRED,
            guessed(guess, SessionFrameType.HELLO)));
        String after = awaitStatus("user", s -> s.contains("\"forged\":3"));
        assertThat(after).contains("\"unreachable\":{\"verified\":0,\"forged\":3,"
            + "\"unverified\":0}").contains("\"streams\":[{");
        attacked.countDown();

        assertThat(download.process().waitFor(60, TimeUnit.SECONDS)).as("curl done").isTrue();
        assertThat(download.process().exitValue()).as(download.describe()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(file);
        assertThat(staex("status", "-c", "user.conf", "--metrics").assertSuccess().stdout())
            .contains("staex_unreachable_notices_total{result=\"forged\"} 3\n");
      }
    } finally {
      attacked.countDown();
      http.stop(0);
    }
  }

  static LinkFrame.Unreachable forged(
      NodeKey source, NodeKey destination, UnreachableReason reason, byte[] quote) {
    return new LinkFrame.Unreachable(FrameLimits.DEFAULT_TTL, reason, source, destination,
        List.of(), FrameBytes.copyOf(quote));
  }

  /** A quote as a node off the path must make it: the type right, the rest guessed. */
  static byte[] guessed(SecureRandom random, SessionFrameType type) {
    byte[] q = new byte[FrameLimits.MAX_UNREACHABLE_QUOTE];
    random.nextBytes(q);
    q[0] = (byte) type.code();
    return q;
  }
}
