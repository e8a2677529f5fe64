package io.staex.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.staex.crypto.Address;
import io.staex.resolver.internal.DnsCounters;
import io.staex.resolver.internal.Forwarder;
import io.staex.resolver.internal.QueryAnswerer;
import io.staex.resolver.internal.TokenBucket;
import io.staex.testing.fixtures.Identities;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Coverage-guided fuzzing of the resolver's query handling: dnsjava's {@link Message} parse and
 * {@link QueryAnswerer} on whatever a local client sends, over UDP and TCP alike, with a name
 * table, a forwarder that answers at once, and an allowed and a refused client. Replays the
 * seeds below and {@code DnsQueryFuzzTestInputs/} under {@code mvn test}; {@code bench/fuzz.sh}
 * fuzzes it.
 */
class DnsQueryFuzzTest {
  private static final Address CAMERA = Identities.address(1);
  private static final InetAddress ALLOWED = InetAddress.getLoopbackAddress();
  private static final InetAddress REFUSED = refused();
  private static final QueryAnswerer ANSWERER = answerer();

  private static QueryAnswerer answerer() {
    InMemoryNameResolver names = new InMemoryNameResolver()
        .put("camera1", new NameAnswer.Found(CAMERA))
        .put("twice", new NameAnswer.Ambiguous(
            List.of(Identities.address(2), Identities.address(3))))
        .hang("slow");
    Forwarder upstream = query -> {
      Message reply = new Message(query.getHeader().getID());
      reply.getHeader().setFlag(Flags.QR);
      Record question = query.getQuestion();
      if (question != null) {
        reply.addRecord(question, Section.QUESTION);
        reply.addRecord(new ARecord(question.getName(), DClass.IN, 60, ALLOWED), Section.ANSWER);
      }
      return CompletableFuture.completedFuture(reply);
    };
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dns-fuzz-timer");
      t.setDaemon(true);
      return t;
    });
    return new QueryAnswerer(
        new AddressPool(TestDnsSettings.POOL, Duration.ofHours(1), Clock.systemUTC()), names,
        upstream, timer, Duration.ofSeconds(60), Duration.ofMillis(50), ALLOWED::equals,
        new TokenBucket(1_000_000, 1_000_000, System::nanoTime), new DnsCounters());
  }

  private static InetAddress refused() {
    try {
      return InetAddress.getByAddress(new byte[] {10, 9, 9, 9});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("four bytes are an address", e);
    }
  }

  /** Queries for a node's address, a name, a reverse name, a name outside, with EDNS. */
  static Stream<byte[]> queries() throws IOException {
    Message withEdns = query(CAMERA.hostName() + ".", Type.A);
    withEdns.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    return Stream.of(
        query(CAMERA.hostName() + ".", Type.A),
        query("camera1.staex.", Type.AAAA),
        query("twice.staex.", Type.A),
        query("1.0.77.127.in-addr.arpa.", Type.PTR),
        query("example.com.", Type.MX),
        withEdns).map(Message::toWire);
  }

  private static Message parseOrNull(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Message query(String name, int type) throws IOException {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  /**
   * Any bytes: nothing for a response (QR set) or fewer than 2 bytes, else a response that
   * parses, has the query's id and QR set, and fits its transport; FORMERR (or NOTIMP) for a
   * query without a question. Never an exception.
   */
  @MethodSource("queries")
  @FuzzTest
  void answer(byte[] wire) throws Exception {
    boolean dropped = wire.length < 2 || (wire.length >= 3 && (wire[2] & 0x80) != 0);
    Message parsed = parseOrNull(wire);
    for (boolean udp : new boolean[] {true, false}) {
      for (InetAddress client : new InetAddress[] {ALLOWED, REFUSED}) {
        CompletableFuture<byte[]> answer = ANSWERER.answer(wire.clone(), udp, client);
        if (dropped) {
          assertThat(answer).isNull();
          continue;
        }
        if (answer == null) {
          assertThat(client).as("only a refused client's garbage is dropped").isEqualTo(REFUSED);
          continue;
        }
        byte[] response = answer.get(10, TimeUnit.SECONDS);
        assertThat(response.length).isLessThanOrEqualTo(udp ? 1232 : 65535);
        Message m = new Message(response);
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(m.getHeader().getID()).isEqualTo((wire[0] & 0xff) << 8 | (wire[1] & 0xff));
        if (client.equals(ALLOWED) && parsed != null && parsed.getQuestion() == null) {
          // e.g. a truncated (TC) query, whose header counts a question its body lacks
          assertThat(Rcode.string(m.getRcode())).as("no question").isIn("FORMERR", "NOTIMP");
        }
      }
    }
  }
}
