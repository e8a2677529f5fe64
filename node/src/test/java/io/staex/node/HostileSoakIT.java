package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import io.staex.node.hostile.EchoServer;
import io.staex.node.hostile.HostileFlood;
import io.staex.node.hostile.HostileMember;
import io.staex.node.hostile.HostileRouting;
import io.staex.node.hostile.HostileSessions;
import io.staex.proxy.frame.NodeKey;
import io.staex.proxy.frame.SessionFrameType;
import io.staex.proxy.frame.UnreachableReason;
import io.staex.testing.ExternalTool.Started;
import io.staex.testing.Seeded;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's soak: every attack of {@link HostileNetworkIT} at once for 60 s against one small
 * network of {@code staex run} processes ({@code user → root ← gateway}), while one stream of
 * the user's moves data the whole time and a new one opens every second. At the end the
 * victims' tables in {@code status --json} are within their limits, the attacks were counted,
 * and the victims' resident memory did not run away.
 */
class HostileSoakIT extends ProcessTestBase {
  private static final Logger log = LoggerFactory.getLogger(HostileSoakIT.class);
  private static final Duration SOAK = Duration.ofSeconds(60);
  /**
   * How much a victim's RSS may grow from 10 s into the soak to its end. Their heaps are fixed
   * and touched at start ({@link #victims}): a table without bound ends in an OutOfMemoryError,
   * this catches memory outside the heap.
   */
  private static final long MAX_RSS_GROWTH_KIB = 64 * 1024;

  @Test
  void everyAttackAtOnceFor60Seconds_victimsKeepWorking_tablesStayBounded() throws Exception {
    try (EchoServer echo = new EchoServer()) {
      Victims v = victims(echo.port(), "");
      SecureRandom random = Seeded.random(60);
      Instant now = Instant.now();
      Identity otherNetwork = Identity.generate(random);
      Identity eve = Identity.generate(random);
      Certificate foreign = Certificate.issue(otherNetwork, eve.address(), Optional.empty(),
          Set.of(), now.minusSeconds(60), now.plus(Duration.ofDays(1)), random);
      Identity self = Identity.generate(random);
      Certificate selfMade = Certificate.issue(self, self.address(), Optional.empty(), Set.of(),
          now.minusSeconds(60), now.plus(Duration.ofDays(1)), random);
      Identity userKey = KeyFiles.readPrivateKey(dir.resolve("user.key"));
      Certificate userCert = Certificate.read(dir.resolve("user.crt"));

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicReference<Throwable> victimFailure = new AtomicReference<>();
      AtomicLong streamedBytes = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      try (HostileMember mallory = HostileMember.link(dir.resolve("mallory.key"),
              dir.resolve("mallory.crt"), v.rootEndpoint(), v.root());
          // non-members: they redial by themselves, every refusal at most a second apart
          HostileMember foreigner = HostileMember.link(eve, foreign, v.rootEndpoint(), v.root());
          HostileMember selfSigned = HostileMember.link(self, selfMade, v.rootEndpoint(),
              v.root())) {
        mallory.awaitUp(CONVERGE);
        mallory.announce(v.root());
        awaitStatus("root", s -> s.contains("\"viewSize\":4"));

        long t0 = System.nanoTime();
        try (HostileFlood flood = new HostileFlood(mallory, v.user(), v.gateway(), random);
            Socket longStream = new Socket()) {
          // the victim's long stream, 16 KiB out and back again and again, opens its session
          // in the flood, once the flood has drained the user's HELLO budget on the code before
          // issue 13 (where the HELLOs in the user's name then kept it out)
          Awaitility.await("the flood running").atMost(CONVERGE)
              .until(() -> flood.sent() >= 1_000);
          longStream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
              v.forwardPort()), 10_000);
          longStream.setSoTimeout((int) HostileNetworkIT.STREAM.toMillis());
          threads.add(thread("victim-long-stream", running, victimFailure, () -> {
            byte[] chunk = new byte[16 * 1024];
            new Random(streamedBytes.get()).nextBytes(chunk);
            EchoServer.exchange(longStream, chunk);
            streamedBytes.addAndGet(chunk.length);
          }));
          EchoServer.roundTrip(v.forwardPort(), 1024, HostileNetworkIT.STREAM, new Random(1));
          HostileSessions sessions = new HostileSessions(mallory, Seeded.random(61));
          AtomicReference<Throwable> attackFailure = new AtomicReference<>();
          // an attacker whose link the node closes dials again (HostileMember does) and goes
          // on: a step that finds the link down waits a little and is counted
          AtomicLong linkDown = new AtomicLong();
          threads.add(thread("genuine-sessions", running, attackFailure, redialling(linkDown,
              () -> sessions.open(v.gateway(), 1, Duration.ZERO, Duration.ofMillis(250)))));
          SecureRandom routingRandom = Seeded.random(62);
          NodeKey victimKey = NodeKey.of(v.user());
          NodeKey gatewayKey = NodeKey.of(v.gateway());
          threads.add(thread("forged-routing", running, attackFailure, redialling(linkDown, () -> {
            mallory.sendRouting(HostileRouting.forgedRevoke(mallory, v.user()));
            mallory.sendRouting(HostileRouting.forgedStates(mallory, userKey, userCert,
                routingRandom));
            mallory.sendRouting(HostileRouting.forgedWithdraw(v.user(), v.gateway()));
            // UNREACHABLE notices in the user's name about its packets to the gateway: before
            // issue 13 the first one ended the user's session and reset the long stream
            mallory.send(ForgedUnreachableIT.forged(victimKey, gatewayKey,
                UnreachableReason.LINK_DOWN, new byte[0]),
                ForgedUnreachableIT.forged(victimKey, gatewayKey, UnreachableReason.NO_ROUTE,
                    ForgedUnreachableIT.guessed(routingRandom, SessionFrameType.RECORD)));
            mallory.announce(v.root()); // the member stays a child of the root
            LockSupport.parkNanos(1_000_000_000L);
          })));
          SecureRandom junkRandom = Seeded.random(63);
          threads.add(thread("junk-handshakes", running, attackFailure, () -> {
            HostileNetworkIT.junkHandshake(v.rootPort(), junkRandom);
            LockSupport.parkNanos(200_000_000L);
          }));

          // the victim opens a new stream every second; 10 s in, the RSS baseline
          Random data = new Random(64);
          long[] rssBefore = null;
          int opened = 0;
          long end = t0 + SOAK.toNanos();
          while (System.nanoTime() < end) {
            long next = System.nanoTime() + 1_000_000_000L;
            HostileNetworkIT.stream(v, data);
            opened++;
            assertThat(victimFailure.get()).as("the victim's long stream").isNull();
            if (rssBefore == null && System.nanoTime() - t0 > 10_000_000_000L) {
              rssBefore = rss(v);
            }
            LockSupport.parkNanos(next - System.nanoTime());
          }
          long[] rssAfter = rss(v);
          running.set(false);
          for (Thread t : threads) {
            t.join(15_000);
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          assertThat(victimFailure.get()).as("the victim's long stream").isNull();
          assertThat(attackFailure.get()).as("an attack thread").isNull();

          String root = status("root");
          String gateway = status("gateway");
          String user = status("user");
          log.info("soak of {} s: flood {} packets, {} new streams, {} bytes on the long stream;"
              + " RSS KiB root/gateway/user {} -> {}; attack steps that found the member's link"
              + " down {}, flood records {}", seconds, flood.sent(), opened,
              streamedBytes.get(), java.util.Arrays.toString(rssBefore),
              java.util.Arrays.toString(rssAfter), linkDown.get(), flood.sendFailures());
          log.info("root {}", root);
          log.info("gateway {}", gateway);
          log.info("user {}", user);

          // the victims kept working
          assertThat(opened).isGreaterThanOrEqualTo(30);
          assertThat(streamedBytes.get()).isGreaterThan(1 << 20);
          assertThat(countWithPeer(user, "sessions", v.gateway())).isEqualTo(1);
          assertThat(status("user")).contains("\"activeParent\":\"" + v.root() + "\"");

          // the tables stayed within their limits, and the ones the attacks aim at small
          for (String json : List.of(root, gateway, user)) {
            java.util.Map<String, Long> tables = tablesWithinLimits(json);
            assertThat(tables.get("lookups")).as("lookups waiting").isLessThanOrEqualTo(4);
            assertThat(tables.get("revocations")).as("revocations held").isZero();
          }
          assertThat(number(root, "viewSize")).as("root's view").isEqualTo(4);
          assertThat(number(gateway, "viewSize")).as("gateway's view").isLessThanOrEqualTo(4);
          assertThat(number(user, "viewSize")).as("user's view").isLessThanOrEqualTo(4);
          assertThat(countWithPeer(gateway, "sessions", v.mallory()))
              .as("the member's sessions at the gateway").isEqualTo(16);
          assertThat(countEntries(gateway, "sessions")).as("the gateway's sessions")
              .isEqualTo(17);
          assertThat(countEntries(root, "links")).as("the root's links").isEqualTo(3);
          assertThat(countEntries(root, "sessions")).as("the root's sessions").isZero();
          assertThat(number(root, "startups")).as("the root's startups").isLessThan(64);
          assertThat(number(root, "revocations")).isZero();

          // every attack was refused and counted
          assertThat(number(root, "spoofed_source")).isGreaterThan(
              flood.sent() * HostileFlood.SPOOFED_PER_BATCH / HostileFlood.BATCH / 2);
          assertThat(number(root, "hello_limited")).isPositive();
          assertThat(number(root, "invalid")).as("forged revocations").isPositive();
          assertThat(number(root, "handshakesRefused")).as("non-members").isPositive();
          assertThat(number(gateway, "limitedPerPeer")).isPositive();
          assertThat(number(user, "forged")).as("forged UNREACHABLEs the user ignored")
              .isPositive();
          // per source: 20/s without a cookie (the flood's junk in the member's name), 20/s
          // with one (the member's genuine HELLOs, at most 4/s here), plus the user's
          assertThat(number(gateway, "handshakes")).as("the gateway's DH")
              .isLessThanOrEqualTo((long) (24 * (seconds + 2)) + 2);

          // and nobody's memory ran away
          assertThat(rssBefore).as("RSS 10 s in").isNotNull();
          for (int i = 0; i < rssAfter.length; i++) {
            assertThat(rssAfter[i] - rssBefore[i]).as("RSS growth of victim %d, KiB", i)
                .isLessThan(MAX_RSS_GROWTH_KIB);
          }
        }
      } finally {
        running.set(false);
      }
    }
  }

  /** One step of an attack or of the victim, repeated on a thread until {@code running} ends. */
  private interface Step {
    void run() throws Exception;
  }

  /** {@code step}, but a member's link found down is counted and waited out, not a failure. */
  private static Step redialling(AtomicLong linkDown, Step step) {
    return () -> {
      try {
        step.run();
      } catch (IllegalStateException e) {
        linkDown.incrementAndGet();
        LockSupport.parkNanos(100_000_000L);
      }
    };
  }

  private static Thread thread(String name, AtomicBoolean running,
      AtomicReference<Throwable> failure, Step step) {
    Thread t = new Thread(() -> {
      try {
        while (running.get()) {
          step.run();
        }
      } catch (Exception | AssertionError e) {
        if (running.get()) {
          failure.compareAndSet(null, e);
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** VmRSS of the root, gateway and user processes, KiB. */
  private static long[] rss(Victims v) throws IOException {
    List<Started> nodes = List.of(v.rootNode(), v.gatewayNode(), v.userNode());
    long[] out = new long[nodes.size()];
    for (int i = 0; i < out.length; i++) {
      Path status = Path.of("/proc", Long.toString(nodes.get(i).process().pid()), "status");
      out[i] = Files.readAllLines(status).stream().filter(l -> l.startsWith("VmRSS:"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }
    return out;
  }
}
