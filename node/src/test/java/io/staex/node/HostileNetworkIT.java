package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFiles;
import io.staex.node.hostile.EchoServer;
import io.staex.node.hostile.HostileFlood;
import io.staex.node.hostile.HostileMember;
import io.staex.node.hostile.HostileRouting;
import io.staex.node.hostile.HostileSessions;
import io.staex.node.hostile.HostileSessions.Outcome;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.RoutingAssembler;
import io.staex.routing.RoutingCodec;
import io.staex.routing.RoutingMessage;
import io.staex.testing.Seeded;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's hostile-node suite against real {@code staex run} processes: {@code user → root ←
 * gateway}, the user forwarding a port to the gateway's echo service, and an attacker linked to
 * the root: a {@link HostileMember} with a member certificate from {@code staex cert issue}, or
 * a non-member. Each test carries out one attack while the user opens new streams through its
 * forward, and checks that every stream works, that the attack was refused, and that the
 * refusals are counted in {@code staex status --json} / {@code --metrics}. The 60 s soak of all
 * of them at once is {@link HostileSoakIT}.
 */
class HostileNetworkIT extends ProcessTestBase {
  private static final Logger log = LoggerFactory.getLogger(HostileNetworkIT.class);
  /**
   * How long one stream through the forward may take, under attack, on a machine that may be
   * loaded (a locked-out user never gets in: the forward gives up after 30 s).
   */
  static final Duration STREAM = Duration.ofSeconds(20);
  /** The gateway's {@code limits.handshakes-per-second-per-source} (reference.conf). */
  private static final int DH_PER_SOURCE = 20;
  /** The gateway's {@code sessions.max-per-peer} (reference.conf). */
  private static final int MAX_PER_PEER = 16;

  /**
   * Attack 2: the member floods the gateway (through the root) with HELLOs and records claiming
   * the user, HELLOs claiming random sources, and junk HELLOs in its own name ({@link
   * HostileFlood}: 550 packets a second). The user's first session is opened during the flood. On the code before, the
   * HELLOs in the user's name reached the gateway and used up the user's HELLO budget there:
   * the user's own HELLO was dropped and its streams did not open.
   */
  @Test
  void spoofedSourceFlood_isDroppedAtTheRoot_andTheUsersNewStreamsAllOpen() throws Exception {
    try (EchoServer echo = new EchoServer()) {
      Victims v = victims(echo.port(), "");
      try (HostileMember mallory = linkedMallory(v)) {
        long t0 = System.nanoTime();
        long sent;
        try (HostileFlood flood = new HostileFlood(mallory, v.user(), v.gateway(),
            Seeded.random(2))) {
          Awaitility.await("the flood running").atMost(CONVERGE)
              .until(() -> flood.sent() >= 1_000);
          // the user has no session yet: its first stream needs a HELLO, in the flood
          Random data = new Random(2);
          for (int i = 0; i < 10; i++) {
            stream(v, data);
          }
          awaitStatus("root", s -> number(s, "hello_limited") > 0);
          sent = flood.sent();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String root = status("root");
        String gateway = status("gateway");
        log.info("flood of {} packets in {} s; root: {}; gateway: {}", sent, seconds, root,
            gateway);
        // those claiming the user or random sources: all dropped at the root (most of them:
        // the last ones sent may not have been read when the status was taken)
        assertThat(number(root, "spoofed_source"))
            .isGreaterThan(sent * HostileFlood.SPOOFED_PER_BATCH / HostileFlood.BATCH / 2);
        assertThat(number(root, "hello_limited")).isPositive();
        // the gateway saw only the member's own junk HELLOs (the root's per-link limit let
        // 200/s through) and did public-key work for at most its per-source budget of them
        assertThat(number(gateway, "handshakes"))
            .isLessThanOrEqualTo((long) (DH_PER_SOURCE * (seconds + 2)) + 2);
        assertThat(number(gateway, "cookiesSent")).isPositive();
        assertThat(countEntries(gateway, "sessions")).as(gateway).isEqualTo(1);
        assertThat(countWithPeer(gateway, "sessions", v.user())).isEqualTo(1);
        assertThat(staex("status", "-c", "root.conf", "--metrics").assertSuccess().stdout())
            .containsPattern("staex_relay_dropped_total\\{reason=\"spoofed_source\"\\} [1-9]")
            .containsPattern("staex_relay_dropped_total\\{reason=\"hello_limited\"\\} [1-9]");
        // refusals are logged at most once per interval, not once per packet
        assertThat(v.rootNode().stderrText().lines().filter(l -> l.contains("claiming")).count())
            .isLessThan(30);
      }
    }
  }

  /**
   * Attack 4: the member opens genuine sessions to the gateway (Noise IK HELLOs from its own
   * key, COOKIEs answered) until it holds {@code sessions.max-per-peer}; the next ones are
   * refused with CLOSE LIMIT and counted; the user's session and streams are not touched. On
   * the code before, every HELLO got a WELCOME.
   */
  @Test
  void memberOpeningMoreThanMaxPerPeerSessions_isRefusedPastTheCap_theUserIsNot()
      throws Exception {
    try (EchoServer echo = new EchoServer()) {
      Victims v = victims(echo.port(), "");
      try (HostileMember mallory = linkedMallory(v)) {
        Random data = new Random(4);
        stream(v, data);
        HostileSessions sessions = new HostileSessions(mallory, Seeded.random(4));

        List<Outcome> first = sessions.open(v.gateway(), MAX_PER_PEER + 4, Duration.ofMillis(100),
            Duration.ofSeconds(10));
        assertThat(first).as("answers to %s HELLOs", first.size())
            .containsExactlyElementsOf(answers(MAX_PER_PEER, 4));
        String gateway = awaitStatus("gateway", s -> number(s, "limitedPerPeer") == 4);
        assertThat(countWithPeer(gateway, "sessions", v.mallory())).isEqualTo(MAX_PER_PEER);
        assertThat(countWithPeer(gateway, "sessions", v.user())).isEqualTo(1);

        // a second wave gets nothing either, and the user keeps opening streams
        assertThat(sessions.open(v.gateway(), 5, Duration.ofMillis(100), Duration.ofSeconds(10)))
            .containsOnly(Outcome.REFUSED_LIMIT);
        for (int i = 0; i < 5; i++) {
          stream(v, data);
        }
        gateway = status("gateway");
        assertThat(countWithPeer(gateway, "sessions", v.mallory())).isEqualTo(MAX_PER_PEER);
        assertThat(staex("status", "-c", "gateway.conf", "--metrics").assertSuccess().stdout())
            .contains("staex_sessions_limited_per_peer_total 9\n");
        assertThat(staex("status", "-c", "gateway.conf").assertSuccess().stdout())
            .contains("sessions limited per peer 9");
      }
    }
  }

  /**
   * Forged routing messages from a member: REVOKEs of the user and the gateway not signed by the
   * network key, a state of the user signed by the member that makes the member the user's
   * parent, a state of a node of no network, withdrawals of nodes not below it. Nothing changes
   * for the victims; the revocations are counted as invalid. (Refused states and withdrawals
   * are counted only inside the routing node, not in the status: see docs/threat-model.md.)
   */
  @Test
  void forgedRevocationsStatesAndWithdrawals_changeNothing_revocationsAreCounted()
      throws Exception {
    try (EchoServer echo = new EchoServer()) {
      Victims v = victims(echo.port(), "");
      try (HostileMember mallory = linkedMallory(v)) {
        Random data = new Random(3);
        stream(v, data);
        Identity userKey = KeyFiles.readPrivateKey(dir.resolve("user.key"));
        Certificate userCert = Certificate.read(dir.resolve("user.crt"));

        mallory.sendRouting(HostileRouting.forgedRevoke(mallory, v.user()));
        mallory.sendRouting(HostileRouting.forgedRevoke(mallory, v.gateway()));
        mallory.sendRouting(HostileRouting.forgedStates(mallory, userKey, userCert,
            Seeded.random(3)));
        mallory.sendRouting(HostileRouting.forgedWithdraw(v.user(), v.gateway()));
        // the forged revocations counted as invalid, the forged states as untrusted routing
        // input (status: relay.routingDropped)
        // and the withdrawal of the user, held through the root's link to it, as ignored
        String root = awaitStatus("root", s -> number(s, "invalid") == 4
            && number(s, "state_untrusted") >= 2 && number(s, "withdraw_not_via") >= 1);
        assertThat(number(root, "revocations")).isZero();
        assertThat(number(root, "revocationsApplied")).isZero();
        assertThat(number(root, "viewSize")).as(root).isEqualTo(4);
        assertThat(countEntries(root, "links")).isEqualTo(3);
        assertThat(mallory.linkNow()).as("the member's link stays up").isPresent();

        // the user's state still routes the gateway's answers to the user, not to the member
        for (int i = 0; i < 5; i++) {
          stream(v, data);
        }
        assertThat(status("user")).contains("\"activeParent\":\"" + v.root() + "\"");
        assertThat(number(status("gateway"), "revocations")).isZero();
        assertThat(staex("status", "-c", "root.conf", "--metrics").assertSuccess().stdout())
            .contains("staex_revocations 0\n");
      }
    }
  }

  /**
   * Attack 5: a member of another network, B, which the root also trusts (a root shared by two
   * networks), asks the root for the names of this network's nodes with lookups it writes
   * itself, and once in the user's name (to have the answer read off the wire): it is told
   * nothing (the same miss, byte for byte, as for a name that exists nowhere) and the lookup in
   * another's name is dropped and counted. On the code before, the root answered with the
   * gateway's signed state: its address, parents and service ports.
   */
  @Test
  void memberOfAnotherNetwork_looksUpThisNetworksNamesAtASharedRoot_learnsNothing()
      throws Exception {
    String other = staex("network", "create", "--out", "other.key").assertSuccess().stdout()
        .strip();
    try (EchoServer echo = new EchoServer()) {
      Victims v = victims(echo.port(), "trust.networks = [ \"" + other + "\" ]");
      staex("cert", "issue", "--network-key", "other.key", "--node-key", "mallory.key",
          "--name", "mallory", "--out", "mallory.crt", "--force").assertSuccess();
      Address network = Address.parse(staex("addr", "network.key").assertSuccess().stdout()
          .strip());
      try (HostileMember mallory = linkedMallory(v)) {
        mallory.sendRouting(new RoutingMessage.LookupRequest(1, mallory.address(), network,
            "gateway", 32));
        mallory.sendRouting(new RoutingMessage.LookupRequest(2, mallory.address(), network,
            "nosuch", 32));
        mallory.sendRouting(new RoutingMessage.LookupRequest(3, v.user(), network, "gateway",
            32));
        List<RoutingMessage> answers = lookupAnswers(mallory, 2);

        assertThat(answers).as("the root's answers").hasSize(2)
            .allSatisfy(m -> assertThat(m).isInstanceOf(RoutingMessage.LookupMiss.class));
        RoutingMessage.LookupMiss ofGateway = (RoutingMessage.LookupMiss) answers.get(0);
        assertThat(RoutingCodec.encode(new RoutingMessage.LookupMiss(2, ofGateway.route(),
            ofGateway.network(), "nosuch"))).isEqualTo(RoutingCodec.encode(answers.get(1)));
        awaitStatus("root", s -> number(s, "lookup_forged") == 1);
        assertThat(mallory.linkNow()).as("the member's link stays up").isPresent();
        // this network's own user still resolves the name and reaches the gateway
        staex("ping", "--config", "user.conf", "gateway", "-c", "1").assertSuccess();
        stream(v, new Random(5));
      }
    }
  }

  /** The next {@code n} lookup answers the member gets, other routing messages skipped. */
  private static List<RoutingMessage> lookupAnswers(HostileMember member, int n)
      throws Exception {
    List<RoutingMessage> answers = new java.util.ArrayList<>();
    RoutingAssembler chunks = new RoutingAssembler();
    long deadline = System.nanoTime() + STREAM.toNanos();
    while (answers.size() < n && System.nanoTime() < deadline) {
      Optional<LinkFrame> frame = member.poll(Duration.ofSeconds(1));
      if (frame.isPresent() && frame.get() instanceof LinkFrame.Routing r) {
        byte[] whole = chunks.add(r);
        RoutingMessage m = whole == null ? null : RoutingCodec.decode(whole);
        if (m instanceof RoutingMessage.LookupReply || m instanceof RoutingMessage.LookupMiss) {
          answers.add(m);
        }
      }
    }
    return answers;
  }

  /**
   * Non-members try to link to the root: a key with a certificate of another network, one with
   * a self-made certificate, and a connection that sends a handshake message of random bytes.
   * Each is refused at the handshake, counted, and never gets a link to speak on.
   */
  @Test
  void nonMembers_areRefusedAtTheHandshake_andCounted() throws Exception {
    try (EchoServer echo = new EchoServer()) {
      Victims v = victims(echo.port(), "");
      SecureRandom random = Seeded.random(5);
      Identity otherNetwork = Identity.generate(random);
      Identity eve = Identity.generate(random);
      Identity self = Identity.generate(random);
      Instant now = Instant.now();
      Certificate foreign = Certificate.issue(otherNetwork, eve.address(), Optional.of("eve"),
          Set.of(), now.minusSeconds(60), now.plus(Duration.ofDays(1)), random);
      Certificate selfMade = Certificate.issue(self, self.address(), Optional.empty(), Set.of(),
          now.minusSeconds(60), now.plus(Duration.ofDays(1)), random);
      try (HostileMember foreigner = HostileMember.link(eve, foreign, v.rootEndpoint(), v.root());
          HostileMember selfSigned = HostileMember.link(self, selfMade, v.rootEndpoint(),
              v.root())) {
        junkHandshake(v.rootPort(), random);
        String root = awaitStatus("root", s -> number(s, "handshakesRefused") >= 5);
        assertThat(foreigner.linkNow()).isEmpty();
        assertThat(selfSigned.linkNow()).isEmpty();
        assertThat(countEntries(root, "links")).as(root).isEqualTo(2);
        assertThat(number(root, "viewSize")).isEqualTo(3);
        stream(v, new Random(5));
        assertThat(staex("status", "-c", "root.conf", "--metrics").assertSuccess().stdout())
            .containsPattern("staex_link_handshakes_refused_total ([5-9]|[1-9][0-9]+)\n");
        assertThat(staex("status", "-c", "root.conf").assertSuccess().stdout())
            .containsPattern("handshakes refused [1-9]");
      }
    }
  }

  /** One new stream through the user's forward, echoed by the gateway's service. */
  static void stream(Victims v, Random data) {
    try {
      EchoServer.roundTrip(v.forwardPort(), 4096, STREAM, data);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + v.logs() + "--- status\n"
          + v.statuses(), e);
    }
  }

  /** Links {@code mallory} to the root as a child, announced; the root's view holds it. */
  private HostileMember linkedMallory(Victims v) throws Exception {
    HostileMember mallory = HostileMember.link(dir.resolve("mallory.key"),
        dir.resolve("mallory.crt"), v.rootEndpoint(), v.root());
    mallory.awaitUp(CONVERGE);
    mallory.announce(v.root());
    awaitStatus("root", s -> s.contains("\"viewSize\":4"));
    return mallory;
  }

  private static List<Outcome> answers(int welcomed, int refused) {
    List<Outcome> out = new java.util.ArrayList<>();
    for (int i = 0; i < welcomed; i++) {
      out.add(Outcome.WELCOME);
    }
    for (int i = 0; i < refused; i++) {
      out.add(Outcome.REFUSED_LIMIT);
    }
    return out;
  }

  /**
   * A connection that sends the link server one well-framed first handshake message of random
   * bytes (a 2-byte length, then that many bytes), and waits for it to be closed.
   */
  static void junkHandshake(int port, SecureRandom random) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      byte[] junk = new byte[2 + 96];
      random.nextBytes(junk);
      junk[0] = 0;
      junk[1] = 96;
      OutputStream out = s.getOutputStream();
      out.write(junk);
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(in.read()).as("the root closes the connection").isEqualTo(-1);
    }
  }
}
