package io.staex.resolver.internal;

import io.staex.crypto.Address;
import io.staex.crypto.Certificate;
import io.staex.crypto.AddressFormatException;
import io.staex.resolver.AddressPool;
import io.staex.resolver.NameAnswer;
import io.staex.resolver.NameResolver;
import io.staex.resolver.PoolExhaustedException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Turns one query's bytes into the response's bytes; no I/O of its own (names come from the
 * {@link NameResolver}, other names from the {@link Forwarder}), so both transports share it.
 *
 * <p>Order of checks: too short for an id → dropped; QR set (a response, possibly our own
 * reflected back) → dropped; a client not allowed to ask → REFUSED (dropped if unparseable, no
 * FORMERR to strangers); unparseable → FORMERR; opcode other than QUERY → NOTIMP; not
 * exactly one question → FORMERR; then by name: {@code .staex} names here, reverse names of the
 * pool here, everything else to the forwarder or REFUSED. Never throws; a failure inside
 * becomes SERVFAIL. Thread-safe.
 */
public final class QueryAnswerer {
  private static final Logger log = LoggerFactory.getLogger(QueryAnswerer.class);

  /** Largest UDP response without EDNS (RFC 1035 §4.2.1). */
  public static final int UDP_MAX_PLAIN = 512;
  /** Largest response over TCP (2-byte length prefix). */
  public static final int TCP_MAX = 65535;
  /** EDNS payload size we advertise and honour at most (the DNS flag day 2020 value). */
  static final int EDNS_PAYLOAD = 1232;

  private static final Name STAEX = Name.fromConstantString(Address.DOMAIN + ".");
  private static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");

  private final AddressPool pool;
  private final NameResolver names;
  private final Forwarder forwarder;
  private final ScheduledExecutorService timer;
  private final long answerTtl;
  private final Duration lookupTimeout;
  private final Predicate<InetAddress> clients;
  private final TokenBucket newNames;
  private final DnsCounters counters;

  /**
   * @param forwarder where names outside {@code .staex} go, or null to answer REFUSED
   * @param timer runs lookup timeouts; tasks are short and never block
   * @param clients which sources may ask
   * @param newNames one token per pool address handed out to a node that holds none
   */
  public QueryAnswerer(AddressPool pool, NameResolver names, Forwarder forwarder,
      ScheduledExecutorService timer, Duration answerTtl, Duration lookupTimeout,
      Predicate<InetAddress> clients, TokenBucket newNames, DnsCounters counters) {
    this.pool = pool;
    this.names = names;
    this.forwarder = forwarder;
    this.timer = timer;
    this.answerTtl = answerTtl.toSeconds();
    this.lookupTimeout = lookupTimeout;
    this.clients = clients;
    this.newNames = newNames;
    this.counters = counters;
  }

  /**
   * The response to {@code wire} from {@code client}, or null to drop it. Over UDP it is
   * truncated (TC set) to 512 bytes, or to the query's EDNS payload size up to 1232; over TCP to
   * 65535.
   */
  public CompletableFuture<byte[]> answer(byte[] wire, boolean udp, InetAddress client) {
    if (wire.length < 2 || (wire.length >= 3 && (wire[2] & 0x80) != 0)) {
      return null;
    }
    boolean allowed = clients.test(client);
    if (!allowed) {
      counters.refusedClients.increment();
    }
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException | RuntimeException e) {
      log.debug("unparseable query ({} bytes) from {}: {}", wire.length, client, e.toString());
      return allowed ? CompletableFuture.completedFuture(formErr(wire).toWire()) : null;
    }
    if (!allowed) {
      log.debug("refusing {} from {}: not in dns.allow", describe(query), client);
      Message refused = new Message(query.getHeader().getID());
      refused.getHeader().setFlag(Flags.QR);
      refused.getHeader().setRcode(Rcode.REFUSED);
      // A truncated (TC) query parses with its header's counts but without the records.
      if (query.getHeader().getCount(Section.QUESTION) == 1 && query.getQuestion() != null) {
        refused.addRecord(query.getQuestion(), Section.QUESTION);
      }
      return CompletableFuture.completedFuture(refused.toWire(UDP_MAX_PLAIN));
    }
    int max = udp ? udpLimit(query) : TCP_MAX;
    CompletableFuture<Message> response;
    try {
      response = respond(query);
    } catch (RuntimeException e) {
      log.warn("answering {} failed", describe(query), e);
      response = CompletableFuture.completedFuture(reply(query, Rcode.SERVFAIL));
    }
    return response.handle((m, e) -> {
      if (e != null) {
        log.warn("answering {} failed", describe(query), e);
        m = reply(query, Rcode.SERVFAIL);
      }
      return m.toWire(max);
    });
  }

  private CompletableFuture<Message> respond(Message query) {
    int opcode = query.getHeader().getOpcode();
    if (opcode != Opcode.QUERY) {
      return done(reply(query, Rcode.NOTIMP));
    }
    Record question = query.getQuestion();
    if (query.getHeader().getCount(Section.QUESTION) != 1 || question == null) {
      return done(reply(query, Rcode.FORMERR));
    }
    Name name = question.getName();
    if (name.subdomain(STAEX)) {
      // Never forwarded, whatever the class: .staex names must not leak onto the Internet.
      return question.getDClass() == DClass.IN ? staex(query, question)
          : done(reply(query, Rcode.REFUSED));
    }
    if (question.getType() == Type.PTR && name.subdomain(IN_ADDR_ARPA)) {
      CompletableFuture<Message> reverse = reverse(query, question);
      if (reverse != null) {
        return reverse;
      }
    }
    if (forwarder == null || question.getType() == Type.AXFR
        || question.getType() == Type.IXFR) {
      return done(reply(query, Rcode.REFUSED));
    }
    return within(() -> forwarder.forward(query), query).thenApply(upstream -> {
      upstream.getHeader().setID(query.getHeader().getID());
      return upstream;
    });
  }

  private CompletableFuture<Message> staex(Message query, Record question) {
    Name name = question.getName();
    int depth = name.labels() - STAEX.labels();
    if (depth == 0) {
      return done(authoritative(query, Rcode.NOERROR));
    }
    if (depth > 1) {
      counters.malformedNames.increment();
      return done(authoritative(query, Rcode.NXDOMAIN));
    }
    String label = name.getLabelString(0).toLowerCase(Locale.ROOT);
    if (label.length() == Address.TEXT_LENGTH) {
      try {
        return done(found(query, question, Address.parse(label)));
      } catch (AddressFormatException e) {
        if (e.reason() != AddressFormatException.Reason.ALPHABET) {
          // Base32 of the right length: a mistyped address, never someone's name.
          return done(authoritative(query, Rcode.NXDOMAIN));
        }
      }
    }
    String problem = Certificate.nameProblem(label);
    if (problem != null) {
      // Nothing can be certified under it: no lookup, no 3 s wait for a SERVFAIL.
      counters.malformedNames.increment();
      log.debug("{}: not a name ({}): NXDOMAIN", question.getName(), problem);
      return done(authoritative(query, Rcode.NXDOMAIN));
    }
    return within(() -> names.resolve(label).thenApply(a -> named(query, question, a)), query);
  }

  private Message named(Message query, Record question, NameAnswer answer) {
    if (answer instanceof NameAnswer.Found) {
      return found(query, question, ((NameAnswer.Found) answer).node());
    }
    if (answer instanceof NameAnswer.Ambiguous) {
      List<Address> networks = ((NameAnswer.Ambiguous) answer).networks();
      String which = networks.stream().map(Address::shortText).collect(Collectors.joining(", "));
      log.warn("{} is claimed by {} trusted networks ({}): answering SERVFAIL",
          question.getName(), networks.size(), which);
      Message response = authoritative(query, Rcode.SERVFAIL);
      addExtendedError(query, response, "ambiguous: " + question.getName()
          + " is certified by " + networks.size() + " trusted networks");
      return response;
    }
    return authoritative(query, Rcode.NXDOMAIN);
  }

  private Message found(Message query, Record question, Address node) {
    Message response = authoritative(query, Rcode.NOERROR);
    if (question.getType() == Type.A || question.getType() == Type.ANY) {
      try {
        Optional<Inet4Address> ip = pool.assign(node, newNames::tryTake);
        if (ip.isEmpty()) {
          counters.rateLimitedNames.increment();
          log.debug("{}: new names over dns.max-new-names-per-second: SERVFAIL",
              question.getName());
          Message limited = authoritative(query, Rcode.SERVFAIL);
          addExtendedError(query, limited,
              "rate limited: too many new names (dns.max-new-names-per-second)");
          return limited;
        }
        response.addRecord(new ARecord(question.getName(), DClass.IN, answerTtl, ip.get()),
            Section.ANSWER);
      } catch (PoolExhaustedException e) {
        log.warn("{}: answering SERVFAIL for {}", e.getMessage(), question.getName());
        Message failed = authoritative(query, Rcode.SERVFAIL);
        addExtendedError(query, failed, e.getMessage());
        return failed;
      }
    }
    return response;
  }

  /** PTR for a pool address, or null when the address is outside the pool. */
  private CompletableFuture<Message> reverse(Message query, Record question) {
    InetAddress ip;
    try {
      ip = fromReverse(question.getName());
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (ip == null || !pool.contains(ip)) {
      return null;
    }
    return done(pool.peek(ip).map(node -> {
      Message response = authoritative(query, Rcode.NOERROR);
      try {
        Name target = Name.fromString(node.hostName() + ".");
        response.addRecord(new PTRRecord(question.getName(), DClass.IN, answerTtl, target),
            Section.ANSWER);
      } catch (TextParseException e) {
        throw new IllegalStateException("an address is always a valid DNS name", e);
      }
      return response;
    }).orElseGet(() -> authoritative(query, Rcode.NXDOMAIN)));
  }

  /** The IPv4 address of {@code d.c.b.a.in-addr.arpa.}, or null if it has not four labels. */
  private static InetAddress fromReverse(Name name) throws IOException {
    if (name.labels() != IN_ADDR_ARPA.labels() + 4) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String label = name.getLabelString(3 - i);
      if (!label.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(label) > 255) {
        return null;
      }
      b[i] = (byte) Integer.parseInt(label);
    }
    InetAddress ip = InetAddress.getByAddress(b);
    return ReverseMap.fromAddress(ip).equals(name) ? ip : null;
  }

  /** The lookup's result, or SERVFAIL if it fails, throws or takes longer than the timeout. */
  private CompletableFuture<Message> within(
      Supplier<CompletionStage<Message>> lookup, Message query) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    ScheduledFuture<?> timeout = timer.schedule(() -> {
      if (result.complete(reply(query, Rcode.SERVFAIL))) {
        log.debug("{}: no answer within {}: SERVFAIL", describe(query), lookupTimeout);
      }
    }, lookupTimeout.toNanos(), TimeUnit.NANOSECONDS);
    CompletionStage<Message> stage;
    try {
      stage = lookup.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((m, e) -> {
      timeout.cancel(false);
      if (e != null) {
        log.debug("{}: lookup failed: {}", describe(query), e.toString());
      }
      result.complete(e == null ? m : reply(query, Rcode.SERVFAIL));
    });
    return result;
  }

  /** A response with the query's id, question, RD and EDNS, and {@code rcode}. */
  static Message reply(Message query, int rcode) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.getHeader().setRcode(rcode);
    Record question = query.getQuestion();
    if (question != null && query.getHeader().getCount(Section.QUESTION) == 1) {
      response.addRecord(question, Section.QUESTION);
    }
    if (query.getOPT() != null) {
      response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
    }
    return response;
  }

  private static Message authoritative(Message query, int rcode) {
    Message response = reply(query, rcode);
    response.getHeader().setFlag(Flags.AA);
    return response;
  }

  /** RFC 8914 Extended DNS Error "Other" with {@code text}, if the client speaks EDNS. */
  private static void addExtendedError(Message query, Message response, String text) {
    if (query.getOPT() == null) {
      return;
    }
    response.removeAllRecords(Section.ADDITIONAL);
    List<EDNSOption> options =
        List.of(new ExtendedErrorCodeOption(ExtendedErrorCodeOption.OTHER, text));
    response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0, 0, options), Section.ADDITIONAL);
  }

  /** FORMERR for bytes that do not parse: the id and opcode, nothing else. */
  private static Message formErr(byte[] wire) {
    Message response = new Message(((wire[0] & 0xff) << 8) | (wire[1] & 0xff));
    response.getHeader().setFlag(Flags.QR);
    if (wire.length >= 3) {
      response.getHeader().setOpcode((wire[2] >>> 3) & 0xf);
    }
    response.getHeader().setRcode(Rcode.FORMERR);
    return response;
  }

  private static int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    return opt == null ? UDP_MAX_PLAIN
        : Math.max(UDP_MAX_PLAIN, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD));
  }

  private static CompletableFuture<Message> done(Message m) {
    return CompletableFuture.completedFuture(m);
  }

  private static String describe(Message query) {
    Record q = query.getQuestion();
    return q == null ? "query " + query.getHeader().getID()
        : Type.string(q.getType()) + " " + q.getName();
  }
}
