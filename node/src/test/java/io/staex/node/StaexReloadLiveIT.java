package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.node.hostile.EchoServer;
import io.staex.testing.ExternalTool.Result;
import io.staex.testing.ExternalTool.Started;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * What a reload used to leave for a restart, on real processes ({@code docs/node.md},
 * "Reload"): a renewed certificate, parents, trust; and the DNS pool {@code staex resolve}
 * reports after the resolver moved. A root, a gateway below it exposing an echo service, and a
 * user with both as parents forwarding to the gateway's service.
 */
class StaexReloadLiveIT extends ProcessTestBase {
  private static final int TIMEOUT_MILLIS = 20_000;

  @Test
  void reload_renewedCertificate_parents_trust_andTheMovedDnsPool() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    String root = newNode("root");
    String gateway = newNode("gateway");
    // The user's certificate ends in 10 days: within the 30-day warning.
    staex("keygen", "--out", "user.key").assertSuccess();
    staex("cert", "issue", "--network-key", "network.key", "--node-key", "user.key",
        "--name", "user", "--days", "10", "--out", "user.crt").assertSuccess();
    int rootPort = freePort();
    int gatewayPort = freePort();
    int forwardPort = freePort();
    int dnsA = freePort();
    int dnsB = freePort();
    String rootParent = "{ address = \"127.0.0.1:" + rootPort + "\", key = \"" + root + "\" }";
    String gatewayParent =
        "{ address = \"127.0.0.1:" + gatewayPort + "\", key = \"" + gateway + "\" }";
    String forward = "forwards = [ { listen = \"127.0.0.1:" + forwardPort
        + "\", to = \"gateway.staex:8080\" } ]";
    try (EchoServer echo = new EchoServer()) {
      config("root", "listen = \"127.0.0.1:" + rootPort + "\"");
      config("gateway", "listen = \"127.0.0.1:" + gatewayPort + "\"\n  parents = [ "
          + rootParent + " ]\n  services = [ { port = 8080, target = \"127.0.0.1:" + echo.port()
          + "\" } ]");
      // a session waits sessions.path-grace for a way back (step 4): 5 s, not 30, for the test
      String userBody = forward + "\n  sessions.path-grace = 5s"
          + "\n  dns { listen = \"127.0.0.1:%d\", pool = \"%s\" }";
      config("user", "parents = [ " + rootParent + ", " + gatewayParent + " ]\n  "
          + userBody.formatted(dnsA, "127.77.0.0/16"));
      run("root");
      Started gw = run("gateway");
      Started user = run("user");
      awaitStatus("user", STARTUP, s -> "up".equals(linkState(s, root))
          && "up".equals(linkState(s, gateway)));
      String before = awaitStatus("user", s -> s.contains("\"warning\":\""));
      String oldEnd = certificateEnd(before);

      try (Socket s = connect(forwardPort)) {
        assertThat(echo(s, "one")).isEqualTo("one");

        // 1. A renewed certificate: applied live, the stream keeps running.
        staex("cert", "renew", "--network-key", "network.key", "--cert", "user.crt",
            "--days", "400").assertSuccess();
        Result renewed = staex("reload", "-c", "user.conf").assertSuccess();
        assertThat(renewed.stdout()).contains("certificate: renewed").contains("needs restart: nothing");
        String after = status("user");
        assertThat(certificateEnd(after)).isNotEqualTo(oldEnd);
        assertThat(after).contains("\"warning\":null");
        assertThat(echo(s, "two")).as("the stream through the link keeps running")
            .isEqualTo("two");
        assertThat(user.stderrText()).contains("certificate renewed");
      }

      // 2. The DNS resolver moves to another address and pool: resolve reports the new pool.
      Name name = Name.fromString("gateway.staex.");
      assertThat(query(dnsA, name)).startsWith("127.77.");
      config("user", "parents = [ " + rootParent + ", " + gatewayParent + " ]\n  "
          + userBody.formatted(dnsB, "127.88.0.0/16"));
      staex("reload", "-c", "user.conf").assertSuccess();
      String given = query(dnsB, name);
      assertThat(given).startsWith("127.88.");
      Result resolved = staex("resolve", "--config", "user.conf", "gateway", "--json")
          .assertSuccess();
      assertThat(resolved.stdout()).as("the pool of the resolver running now")
          .contains("\"dns_address\":\"" + given + "\"");

      // 3. A parent removed: its link closes; the one still listed keeps its link.
      String rootUpSince = upSince(status("user"), root);
      config("user", "parents = [ " + rootParent + " ]\n  " + userBody.formatted(dnsB,
          "127.88.0.0/16"));
      Result r = staex("reload", "-c", "user.conf").assertSuccess();
      assertThat(r.stdout()).contains("parents: +0 -1 ~0");
      String oneParent = awaitStatus("user",
          s -> linkState(s, gateway) == null && "up".equals(linkState(s, root)));
      assertThat(upSince(oneParent, root)).as("the root's link was not made again")
          .isEqualTo(rootUpSince);
      awaitStatus("gateway", s -> linkState(s, user(s)) == null);
      try (Socket s = connect(forwardPort)) {
        assertThat(echo(s, "three")).as("through the root only").isEqualTo("three");

        // 4. The root's trust revokes the gateway: its link closes and status says why.
        config("root", "listen = \"127.0.0.1:" + rootPort + "\"\n  trust.revoked = [ \""
            + gateway + "\" ]");
        r = staex("reload", "-c", "root.conf").assertSuccess();
        assertThat(r.stdout()).contains("trust: applied").contains("links closed: 1");
        String rootStatus = status("root");
        assertThat(linkState(rootStatus, gateway)).isNull();
        assertThat(rootStatus).contains("reload: link to " + gateway + ": revoked")
            .contains("\"linksClosed\":{\"revoked\":1");
        // the next bytes find no way to the gateway: after sessions.path-grace without one the
        // session ends, and so does the stream
        s.getOutputStream().write("four".getBytes(StandardCharsets.UTF_8));
        assertThat(endOfStream(s)).as("the stream through the closed link ends").isTrue();
        Awaitility.await("the gateway's redials are refused by the root")
            .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
            .until(() -> "down".equals(linkState(status("gateway"), root))
                && status("root").contains("\"linksClosed\":{\"revoked\":1"));
        assertThat(gw.process().isAlive()).isTrue();
      }
    }
  }

  /**
   * A renewed certificate presented on live links (issue 16, protocol 4): the relay of the
   * chain {@code leaf → relay → root} starts with a certificate that ends 60 s after it was
   * issued; renewed and reloaded, it presents the new one on both its links, and both
   * neighbours keep those links past the old end: the same links (same up-since), none closed
   * for an expired certificate. Before, both ended the links at the old end and the relay and
   * the leaf dialled again.
   */
  @Test
  void renewedCertificate_presentedOnLiveLinks_theLinksOutliveTheOldEnd() throws Exception {
    Chain chain = chain();
    io.staex.crypto.Identity network =
        io.staex.crypto.KeyFiles.readPrivateKey(dir.resolve("network.key"));
    java.time.Instant issued = java.time.Instant.now();
    io.staex.crypto.Certificate shortLived = io.staex.crypto.Certificate.issue(network,
        io.staex.crypto.Address.parse(chain.relay()), java.util.Optional.of("relay"),
        java.util.Set.of(), issued.minusSeconds(60), issued.plusSeconds(60),
        new java.security.SecureRandom());
    network.destroy();
    shortLived.write(dir.resolve("relay.crt"), true);
    java.time.Instant oldEnd = shortLived.notAfter();
    run("root");
    Started relay = run("relay");
    run("leaf");
    awaitStatus("root", STARTUP, st -> "up".equals(linkState(st, chain.relay())));
    awaitStatus("leaf", STARTUP, st -> "up".equals(linkState(st, chain.relay())));
    assertThat(java.time.Instant.now()).as("the links came up before the old end, with time"
        + " to renew").isBefore(oldEnd.minusSeconds(10));
    String rootUp = upSince(status("root"), chain.relay());
    String leafUp = upSince(status("leaf"), chain.relay());
    assertThat(peerEnd(status("root"), chain.relay())).isEqualTo(oldEnd.toString());

    staex("cert", "renew", "--network-key", "network.key", "--cert", "relay.crt",
        "--days", "400").assertSuccess();
    assertThat(staex("reload", "-c", "relay.conf").assertSuccess().stdout())
        .contains("certificate: renewed");
    // both neighbours take it: their links to the relay now end at the new end
    awaitStatus("root", st -> !oldEnd.toString().equals(peerEnd(st, chain.relay())));
    awaitStatus("leaf", st -> !oldEnd.toString().equals(peerEnd(st, chain.relay())));

    Awaitility.await("the relay's old certificate ended").atMost(Duration.ofSeconds(70))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> java.time.Instant.now().isAfter(oldEnd.plusSeconds(3)));
    String root = status("root");
    String leaf = status("leaf");
    assertThat(linkState(root, chain.relay())).isEqualTo("up");
    assertThat(linkState(leaf, chain.relay())).isEqualTo("up");
    assertThat(upSince(root, chain.relay())).as("the root's link was not made again")
        .isEqualTo(rootUp);
    assertThat(upSince(leaf, chain.relay())).as("the leaf's link was not made again")
        .isEqualTo(leafUp);
    assertThat(root).contains("\"linksClosed\":{\"revoked\":0,\"expired\":0");
    assertThat(leaf).contains("\"linksClosed\":{\"revoked\":0,\"expired\":0");
    assertThat(relay.stderrText()).doesNotContain("closing the link");
    assertThat(number(root, "certificatesRenewed")).isEqualTo(1);
    assertThat(number(leaf, "certificatesRenewed")).isEqualTo(1);
  }

  /** The peer certificate's end of the link to {@code peer} in a status --json, or null. */
  private static String peerEnd(String json, String peer) {
    int at = json.indexOf("\"peer\":\"" + peer + "\"");
    if (at < 0) {
      return null;
    }
    Matcher m = Pattern.compile("\"peerCertNotAfter\":\"([^\"]+)\"").matcher(json);
    return m.find(at) ? m.group(1) : null;
  }

  /** The user's address: the one child of the gateway's, if any (else null). */
  private static String user(String gatewayStatus) {
    Matcher m = Pattern.compile("\"peer\":\"(\\w+)\",\"direction\":\"child\"")
        .matcher(gatewayStatus);
    return m.find() ? m.group(1) : "none";
  }

  /** The state of the link to {@code peer} in a status --json; null when it is not listed. */
  private static String linkState(String json, String peer) {
    Matcher m = Pattern.compile("\"peer\":\"" + Pattern.quote(peer)
        + "\",\"direction\":\"\\w+\",\"state\":\"(\\w+)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  private static String upSince(String json, String peer) {
    int at = json.indexOf("\"peer\":\"" + peer + "\"");
    assertThat(at).as(peer + " in " + json).isNotNegative();
    Matcher m = Pattern.compile("\"upSince\":\"([^\"]+)\"").matcher(json);
    assertThat(m.find(at)).isTrue();
    return m.group(1);
  }

  private static String certificateEnd(String json) {
    Matcher m = Pattern.compile("\"certificate\":\\{\"notAfter\":\"([^\"]+)\"").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return m.group(1);
  }

  /** The A record the resolver on {@code port} gives {@code name}. */
  private static String query(int port, Name name) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
    resolver.setPort(port);
    resolver.setTimeout(Duration.ofSeconds(10));
    Message answer = resolver.send(Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)));
    for (Record rec : answer.getSection(Section.ANSWER)) {
      if (rec instanceof ARecord a) {
        return a.getAddress().getHostAddress();
      }
    }
    throw new AssertionError("no A record for " + name + ": " + answer);
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(TIMEOUT_MILLIS);
    return s;
  }

  private static String echo(Socket s, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(b);
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    return new String(in.readNBytes(b.length), StandardCharsets.UTF_8);
  }

  private static boolean endOfStream(Socket s) throws IOException {
    try {
      return s.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }
}
