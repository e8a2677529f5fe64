package io.staex.node;

import io.staex.crypto.Address;
import io.staex.proxy.relay.RelayCounters;
import io.staex.routing.RoutingCounters;
import io.staex.proxy.session.SessionCounters;
import io.staex.proxy.stream.StreamCounters;
import io.staex.proxy.udp.UdpCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a running node is doing, as {@code staex status} shows it: a snapshot taken by {@link
 * NodeRuntime#status()}. Every section is a list of small records, so a layer that starts
 * reporting (sessions, streams, forwards) adds entries without changing the renderers' shape.
 *
 * @param address this node's address
 * @param network the network that certified it
 * @param name the name its certificate holds, if any
 * @param time when the snapshot was taken
 * @param uptime how long the node has run
 * @param listen where children connect; empty: this node takes no children
 * @param socks where the SOCKS5 proxy accepts clients; empty when it is off
 * @param dns where the .staex resolver answers; empty when it is off
 * @param activeParent the parent whose link is in use; empty at a root or with no parent up
 * @param links configured parents (up or down) and connected children
 * @param routes what the routing view holds
 * @param relay what the forwarding plane did
 * @param sessions end-to-end sessions (filled by the session layer)
 * @param streams streams inside them (filled by the session layer)
 * @param forwards local ports that lead into the overlay, from the config and {@code forwards-dir}
 * @param services overlay ports this node exposes
 * @param lastErrors the last warnings and errors, oldest first
 * @param datagrams what the stream layer did with datagrams
 * @param names what the resolver and the name lookups refused or limited
 * @param hellos what the session layer did with HELLOs (handshake openings), cookies included
 * @param accepts what the link server refused before or at the end of the handshake
 * @param sessionStats per-peer refusals, UNREACHABLE notices by what their quote proved, probes
 * @param trust signed revocations held, and the links and sessions revocation and expiry ended
 * @param certificate this node's own certificate: when it ends, and the warning from 30 days
 *     before
 * @param streamStats streams opened, accepted and refused, and the bytes that came with OPENs
 * @param tables how full each table the node keeps is, against the limit that bounds it
 * @param reloads configuration reloads since start, and the last one's outcome
 * @param exit this node's exit traffic and refusals ({@code exit.enabled})
 * @param udp UDP flows (forwards, services, SOCKS5 UDP ASSOCIATE): flows, datagrams, drops
 * @param httpProxy the HTTP proxy door: requests by kind, refusals by status
 */
public record NodeStatus(
    Address address,
    Address network,
    Optional<String> name,
    Instant time,
    Duration uptime,
    Optional<String> listen,
    Optional<String> socks,
    Optional<String> dns,
    Optional<Address> activeParent,
    List<LinkStatus> links,
    Routes routes,
    RelayStats relay,
    List<SessionStatus> sessions,
    List<StreamStatus> streams,
    List<ForwardStatus> forwards,
    List<ServiceStatus> services,
    List<ErrorEvent> lastErrors,
    DatagramStats datagrams,
    NameStats names,
    HelloStats hellos,
    AcceptStats accepts,
    SessionStats sessionStats,
    TrustStats trust,
    OwnCertificate certificate,
    StreamStats streamStats,
    List<TableSize> tables,
    Reloads reloads,
    ExitStats exit,
    UdpStats udp,
    HttpProxyStats httpProxy) {

  /**
   * The HTTP proxy door ({@code docs/http-proxy.md}): where it listens (empty when off) and
   * what it did since start.
   */
  public record HttpProxyStats(Optional<String> listen,
      io.staex.proxy.httpproxy.HttpProxyCounters counters) {
    public static final HttpProxyStats NONE = new HttpProxyStats(Optional.empty(),
        io.staex.proxy.httpproxy.HttpProxyCounters.NONE);

    public HttpProxyStats {
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(counters, "counters");
    }
  }

  /**
   * This node's exit traffic ({@code docs/exit.md}): exit streams connected, open now, failed
   * to connect, bytes of ended ones each way, refusals by reason label (every reason present).
   */
  public record ExitStats(boolean enabled, long streams, long open, long failed, long bytesIn,
      long bytesOut, java.util.Map<String, Long> refused) {
    public static final ExitStats NONE = new ExitStats(false, 0, 0, 0, 0, 0, java.util.Map.of());

    public ExitStats {
      refused = java.util.Map.copyOf(refused);
    }

    /** From the exit node's counters. */
    public static ExitStats of(boolean enabled, io.staex.proxy.exit.ExitCounters c) {
      java.util.Map<String, Long> r = new java.util.TreeMap<>();
      c.refused().forEach((k, v) -> r.put(k.label(), v));
      return new ExitStats(enabled, c.streams(), c.open(), c.failed(), c.bytesIn(),
          c.bytesOut(), r);
    }

    public long refusedTotal() {
      return refused.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public NodeStatus {
    Objects.requireNonNull(udp, "udp");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(socks, "socks");
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(activeParent, "activeParent");
    links = List.copyOf(links);
    Objects.requireNonNull(routes, "routes");
    Objects.requireNonNull(relay, "relay");
    sessions = List.copyOf(sessions);
    streams = List.copyOf(streams);
    forwards = List.copyOf(forwards);
    services = List.copyOf(services);
    lastErrors = List.copyOf(lastErrors);
    Objects.requireNonNull(datagrams, "datagrams");
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(hellos, "hellos");
    Objects.requireNonNull(accepts, "accepts");
    Objects.requireNonNull(sessionStats, "sessionStats");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(streamStats, "streamStats");
    tables = List.copyOf(tables);
    Objects.requireNonNull(reloads, "reloads");
    Objects.requireNonNull(exit, "exit");
    Objects.requireNonNull(httpProxy, "httpProxy");
  }

  /**
   * One table a node keeps whose size an attacker or a load could drive: its entries now and
   * the limit it never passes (beyond it, new entries are refused and counted, or the oldest
   * go).
   *
   * @param name what the table holds, e.g. {@code sessions}
   * @param size entries now
   * @param limit entries at most
   */
  public record TableSize(String name, long size, long limit) {
    public TableSize {
      Objects.requireNonNull(name, "name");
      if (size < 0 || limit < 0) {
        throw new IllegalArgumentException(name + ": size " + size + ", limit " + limit
            + " (expected: both >= 0)");
      }
    }
  }

  /**
   * The stream layer's counters since start (see {@link StreamCounters}).
   *
   * @param opened streams this node opened
   * @param accepted OPENs from peers that passed the limits
   * @param refusedLimit streams refused (either way) for a stream or session limit
   * @param protocolErrors streams reset because the peer broke the protocol
   * @param earlyBytesReceived bytes that came with OPENs before the service was connected (0-RTT)
   * @param earlyBytesDiscarded of those, bytes dropped because the stream ended first
   * @param windowGrowths times a stream's receive window grew
   * @param windowGrowthsLimited growths the node's budget for grown windows cut short
   * @param framesNotHeld frames from peers for streams this node does not hold, answered RESET
   * @param streamsChecked streams checked because their session's peer went quiet
   */
  public record StreamStats(long opened, long accepted, long refusedLimit, long protocolErrors,
      long earlyBytesReceived, long earlyBytesDiscarded, long windowGrowths,
      long windowGrowthsLimited, long framesNotHeld, long streamsChecked) {
    /** A snapshot of {@code counters}' stream part. */
    public static StreamStats of(StreamCounters c) {
      return new StreamStats(c.opened(), c.accepted(), c.refusedLimit(), c.protocolErrors(),
          c.earlyBytesReceived(), c.earlyBytesDiscarded(), c.windowGrowths(),
          c.windowGrowthsLimited(), c.framesNotHeld(), c.streamsChecked());
    }
  }

  /**
   * Configuration reloads ({@code staex reload}, SIGHUP) since start.
   *
   * @param applied reloads whose configuration was valid and applied
   * @param refused reloads refused because the configuration had problems (nothing changed)
   * @param last when the last one was asked for; empty before the first
   * @param lastResult its outcome: what changed, or why it was refused
   */
  public record Reloads(long applied, long refused, Optional<Instant> last,
      Optional<String> lastResult) {
    public static final Reloads NONE = new Reloads(0, 0, Optional.empty(), Optional.empty());

    public Reloads {
      Objects.requireNonNull(last, "last");
      Objects.requireNonNull(lastResult, "lastResult");
    }
  }

  /**
   * This node's certificate.
   *
   * @param notAfter when it ends: links and sessions need a new one by then
   * @param warning from 30 days before {@code notAfter}: what to do; empty before
   */
  public record OwnCertificate(Instant notAfter, Optional<String> warning) {
    public OwnCertificate {
      Objects.requireNonNull(notAfter, "notAfter");
      Objects.requireNonNull(warning, "warning");
    }

    /** Seconds from {@code now} to the end; negative once it has ended. */
    public long secondsLeft(Instant now) {
      return Duration.between(now, notAfter).toSeconds();
    }
  }

  /**
   * A configured parent's last dial, for why it is down.
   *
   * @param lastAttempt when the last dial began
   * @param lastError why the last dial or link failed, in words; empty while up or before a
   *     failure
   * @param lastErrorAt when that was
   * @param nextAttempt when the next dial is due; empty while dialling or up
   */
  public record DialStatus(Optional<Instant> lastAttempt, Optional<String> lastError,
      Optional<Instant> lastErrorAt, Optional<Instant> nextAttempt) {
    public DialStatus {
      Objects.requireNonNull(lastAttempt, "lastAttempt");
      Objects.requireNonNull(lastError, "lastError");
      Objects.requireNonNull(lastErrorAt, "lastErrorAt");
      Objects.requireNonNull(nextAttempt, "nextAttempt");
    }

    /** Nothing known yet. */
    public static final DialStatus NONE = new DialStatus(Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /**
   * What the session layer did with HELLOs since start (docs/sessions.md, "Under load").
   *
   * @param handshakes HELLOs it did the handshake's public-key work for, as responder
   * @param cookiesSent COOKIEs sent: HELLOs refused for want of a (valid) cookie, under load
   * @param rateLimited HELLOs over their source's budget ({@code
   *     limits.handshakes-per-second-per-source}): a COOKIE, or dropped if they had one
   * @param overloaded HELLOs without a cookie over the node's budget ({@code
   *     limits.handshakes-per-second}): a COOKIE
   * @param badCookies HELLOs whose cookie MAC did not check
   * @param cookiesDropped COOKIEs received that answered no handshake of this node's
   * @param refused handshakes refused by the trust policy or a source that is not the key
   * @param replayed HELLOs whose handshake time was not after the last (replays)
   */
  public record HelloStats(long handshakes, long cookiesSent, long rateLimited, long overloaded,
      long badCookies, long cookiesDropped, long refused, long replayed) {
    /** A snapshot of {@code counters}' HELLO part. */
    public static HelloStats of(SessionCounters c) {
      return new HelloStats(c.handshakes(), c.cookiesSent(), c.rateLimited(), c.overloaded(),
          c.badCookies(), c.cookiesDropped(), c.refused(), c.replayedHellos());
    }
  }

  /**
   * The link server's pre-authentication limits since start (zeros without {@code listen}).
   *
   * @param startups connections whose handshake has not finished, now
   * @param startupsFull refused at once: {@code limits.link-startups-full} in progress
   * @param earlyDropped dropped at once by random early drop (between {@code
   *     link-startups-start} and {@code link-startups-full})
   * @param prefixFull refused at once: the source's /24 or /64 held {@code
   *     link-startups-per-prefix}
   * @param rateLimited refused at once: the source's /24 or /64 was over {@code
   *     handshakes-per-second-per-source}
   * @param maxLinks refused: {@code max-links} links established
   * @param firstMessageTimeouts closed: no first handshake message within {@code
   *     link-first-message-timeout}
   * @param handshakesRefused closed: the handshake failed (not Noise, a certificate of a network
   *     not trusted here, a revoked or expired one); a non-member trying to link
   * @param versionRefused of those, handshakes of peers that speak another protocol version
   */
  public record AcceptStats(int startups, long startupsFull, long earlyDropped, long prefixFull,
      long rateLimited, long maxLinks, long firstMessageTimeouts, long handshakesRefused,
      long versionRefused) {
    /** Every refusal (first-message timeouts are not refusals: the connection was accepted). */
    public long refusedTotal() {
      return startupsFull + earlyDropped + prefixFull + rateLimited + maxLinks;
    }
  }

  /**
   * What the DNS resolver and the certified-name lookups refused or limited since start (zeros
   * for a resolver that is off).
   *
   * @param refusedClients DNS queries from sources outside {@code dns.allow}, answered REFUSED
   * @param rateLimitedNames new names past {@code dns.max-new-names-per-second}, SERVFAIL
   * @param malformedNames names that can't be certified, refused without a lookup (DNS and
   *     SOCKS/forwards through the name lookups)
   * @param missCacheHits lookups answered from the miss cache instead of asking the tree
   */
  public record NameStats(long refusedClients, long rateLimitedNames, long malformedNames,
      long missCacheHits) {}

  /**
   * What the network tried to end and what the session layer refused (see {@link
   * SessionCounters}).
   *
   * @param limitedPerPeer sessions refused by {@code sessions.max-per-peer}
   * @param unreachableVerified UNREACHABLE notices whose quote matched a packet sent: a
   *     handshaking session ended, an established one waits for its path
   * @param unreachableForged notices whose quote matched nothing sent: ignored
   * @param unreachableUnverified notices about a packet too old to check: counted only
   * @param closesUnverified unauthenticated CLOSE frames for established sessions: probed
   * @param probes probes sent
   * @param probesAnswered probes answered (the session went on)
   * @param probesUnanswered probes not answered in time (the session ended)
   * @param probeAnswers peers' probes (their session checks and pings) answered
   * @param probeAnswersLimited peers' probes left unanswered: over {@code
   *     limits.probe-answers-per-second-per-peer}
   * @param pings pings this node sent ({@code staex ping})
   * @param pingsAnswered pings answered in time
   * @param recordsResent records sent again (a retransmission timeout or a peer's NACK)
   * @param duplicates records that came again (sent again before this node's ACK arrived)
   * @param nacksSent NACKs sent: records came after a gap
   * @param nacksReceived NACKs from peers
   * @param nacksIgnored peers' NACKs within half a retransmission timeout of the last resend
   * @param acksStale peers' ACKs behind an earlier one: dropped
   * @param acksBeyond peers' ACKs of records never sent: the session ended
   * @param pathDown times an established session's path went down (it waited)
   * @param pathLost sessions ended because no path came back within {@code sessions.path-grace}
   * @param retransmitFull times the sessions together reached {@code
   *     limits.retransmit-bytes-total} of records kept for ACKs (their streams waited)
   * @param acksAlone ACKs sent in a record of their own
   * @param acksRiding ACKs sent in front of stream frames, in a record that went anyway
   */
  public record SessionStats(long limitedPerPeer, long unreachableVerified,
      long unreachableForged, long unreachableUnverified, long closesUnverified, long probes,
      long probesAnswered, long probesUnanswered, long probeAnswers, long probeAnswersLimited,
      long pings, long pingsAnswered, long recordsResent, long duplicates, long nacksSent,
      long nacksReceived, long nacksIgnored, long acksStale, long acksBeyond, long pathDown,
      long pathLost, long retransmitFull, long acksAlone, long acksRiding) {
    /** A snapshot of {@code counters}. */
    public static SessionStats of(SessionCounters c) {
      return new SessionStats(c.limitedPerPeer(), c.unreachableVerified(),
          c.unreachableForged(), c.unreachableUnverified(), c.closesUnverified(), c.probes(),
          c.probesAnswered(), c.probesUnanswered(), c.probeAnswers(), c.probeAnswersLimited(),
          c.pings(), c.pingsAnswered(), c.recordsResent(), c.duplicates(), c.nacksSent(),
          c.nacksReceived(), c.nacksIgnored(), c.acksStale(), c.acksBeyond(), c.pathDown(),
          c.pathLost(), c.retransmitFull(), c.acksAlone(), c.acksRiding());
    }

    /** ACKs and NACKs of peers refused: stale ones and ones of records never sent. */
    public long acksRefused() {
      return acksStale + acksBeyond;
    }
  }

  /**
   * Revocations and what they ended.
   *
   * @param revocations signed revocations held now
   * @param applied revocations applied since start (received or handed over by the operator)
   * @param invalid revocations refused: bad signature, or a network not trusted here
   * @param full revocations refused because {@code staex.trust.max-revocations} were held
   * @param linksRevoked live links closed because a revocation covered the peer
   * @param linksExpired live links closed at the peer certificate's not-after
   * @param sessionsRevoked sessions ended because a revocation covered the peer
   * @param sessionsExpired sessions ended at the peer certificate's not-after
   * @param linksUntrusted live links closed because a reloaded {@code staex.trust} no longer
   *     trusts the peer's network nor pins its key
   * @param sessionsUntrusted sessions ended for the same reason
   */
  public record TrustStats(long revocations, long applied, long invalid, long full,
      long linksRevoked, long linksExpired, long sessionsRevoked, long sessionsExpired,
      long linksUntrusted, long sessionsUntrusted) {}

  /**
   * The stream layer's datagram counters (see {@link StreamCounters}).
   *
   * @param droppedQueueFull the oldest dropped from the full queue while the relay was congested
   * @param droppedNoStream for a stream unknown, not connected yet, or finished (either way)
   * @param droppedTooBig larger than a record holds, not sent
   */
  public record DatagramStats(long sent, long received, long droppedQueueFull,
      long droppedNoStream, long droppedTooBig) {
    /** A snapshot of {@code counters}' datagram part. */
    public static DatagramStats of(StreamCounters counters) {
      return new DatagramStats(counters.datagramsSent(), counters.datagramsReceived(),
          counters.datagramsDroppedQueueFull(), counters.datagramsDroppedNoStream(),
          counters.datagramsDroppedTooBig());
    }

    /** All drops. */
    public long droppedTotal() {
      return droppedQueueFull + droppedNoStream + droppedTooBig;
    }
  }

  /**
   * UDP flows ({@link UdpCounters}, {@code docs/udp.md}).
   *
   * @param flowsOpen open now
   * @param flowsOpened since start
   * @param flowsIdleClosed ended by the idle timeout
   * @param datagramsIn from local sockets into the overlay
   * @param datagramsOut from the overlay to local sockets
   * @param dropped by reason label ({@code flow_limit}, {@code too_big}, …), every reason
   */
  public record UdpStats(long flowsOpen, long flowsOpened, long flowsIdleClosed,
      long datagramsIn, long datagramsOut, Map<String, Long> dropped) {
    /** Nothing ever. */
    public static final UdpStats NONE = of(new UdpCounters());

    public UdpStats {
      dropped = Map.copyOf(dropped);
    }

    /** A snapshot of {@code c}. */
    public static UdpStats of(UdpCounters c) {
      Map<String, Long> d = new java.util.LinkedHashMap<>();
      c.drops().forEach((k, v) -> d.put(k.label(), v));
      return new UdpStats(c.flowsOpen(), c.flowsOpened(), c.flowsIdleClosed(), c.datagramsIn(),
          c.datagramsOut(), d);
    }

    /** All drops. */
    public long droppedTotal() {
      return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The reason labels in a stable order (declaration order). */
    public static List<String> reasons() {
      return java.util.Arrays.stream(UdpCounters.Drop.values()).map(UdpCounters.Drop::label)
          .toList();
    }
  }

  /** Which end of a link this node is. */
  public enum Direction {
    /** We dialled it: one of our configured parents. */
    PARENT,
    /** It dialled us. */
    CHILD;

    /** Lower-case, for text, JSON and metric labels. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One neighbour.
   *
   * @param peer its address
   * @param direction parent or child
   * @param up whether the link is established now (a configured parent may be down)
   * @param endpoint where a parent is dialled; empty for a child
   * @param bytesIn bytes received (sealed records on the wire) since the link came up
   * @param bytesOut bytes sent since the link came up
   * @param upSince when the link came up; empty while down
   * @param peerNotAfter the end of the peer's certificate; empty while down
   * @param dial a parent's last dial and why it failed; {@link DialStatus#NONE} for a child
   */
  public record LinkStatus(
      Address peer, Direction direction, boolean up, Optional<String> endpoint,
      OptionalLong bytesIn, OptionalLong bytesOut, Optional<Instant> upSince,
      Optional<Instant> peerNotAfter, DialStatus dial) {
    public LinkStatus {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(bytesIn, "bytesIn");
      Objects.requireNonNull(bytesOut, "bytesOut");
      Objects.requireNonNull(upSince, "upSince");
      Objects.requireNonNull(peerNotAfter, "peerNotAfter");
      Objects.requireNonNull(dial, "dial");
    }

    /** A link without the times and the dial (tests, renderers' fixtures). */
    public LinkStatus(Address peer, Direction direction, boolean up, Optional<String> endpoint,
        OptionalLong bytesIn, OptionalLong bytesOut) {
      this(peer, direction, up, endpoint, bytesIn, bytesOut, Optional.empty(), Optional.empty(),
          DialStatus.NONE);
    }

    /** {@code up} or {@code down}. */
    public String state() {
      return up ? "up" : "down";
    }
  }

  /**
   * The routing view.
   *
   * @param viewSize node states known, this node's own included
   * @param known some of their addresses, in address order, at most {@link #MAX_SHOWN}
   */
  public record Routes(int viewSize, List<Address> known) {
    /** The most addresses a status shows. */
    public static final int MAX_SHOWN = 50;

    public Routes {
      known = List.copyOf(known);
    }
  }

  /**
   * The forwarding plane's counters (see {@link RelayCounters}).
   *
   * @param rerouted packets forwarded around a down next hop (local repair)
   * @param certificatesRenewed renewed certificates neighbours presented on live links and this
   *     node took (each moves that link's end; refused ones are the drop {@code
   *     certificate_refused})
   * @param dropped frames dropped, by reason; every reason present
   * @param routingDropped routing inputs the routing node dropped, by reason (forged or stale
   *     states, invalid revocations, over a neighbour's budget …); every reason present
   * @param routingMessages routing messages the routing node took in and sent, and how many of
   *     its own it held back for a neighbour's budget
   */
  public record RelayStats(
      long forwarded, long delivered, long originated, long unreachableSent,
      long unreachableReceived, long rerouted, long certificatesRenewed,
      Map<RelayCounters.Drop, Long> dropped, Map<RoutingCounters.Drop, Long> routingDropped,
      RoutingMessages routingMessages) {
    public RelayStats {
      dropped = Map.copyOf(dropped);
      routingDropped = Map.copyOf(routingDropped);
    }

    /** A snapshot of {@code counters} and of the routing node's {@code routing} counters. */
    public static RelayStats of(RelayCounters counters, RoutingCounters routing) {
      Map<RelayCounters.Drop, Long> dropped = new EnumMap<>(RelayCounters.Drop.class);
      for (RelayCounters.Drop d : RelayCounters.Drop.values()) {
        dropped.put(d, counters.dropped(d));
      }
      Map<RoutingCounters.Drop, Long> routingDropped = new EnumMap<>(RoutingCounters.Drop.class);
      for (RoutingCounters.Drop d : RoutingCounters.Drop.values()) {
        routingDropped.put(d, routing.dropped(d));
      }
      return new RelayStats(counters.forwarded(), counters.delivered(), counters.originated(),
          counters.unreachableSent(), counters.unreachableReceived(), counters.rerouted(),
          counters.linkCertificatesRenewed(), dropped, routingDropped,
          new RoutingMessages(routing.messagesIn(), routing.messagesOut(),
              routing.messagesPaced()));
    }

    /** All drops. */
    public long droppedTotal() {
      return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * The routing node's messages.
   *
   * @param in taken in from neighbours (before any check)
   * @param out sent to neighbours
   * @param paced this node's own held back because they did not fit their neighbour's budget
   *     yet; they went later, merged with what followed them (a cold start or a failover below
   *     a busy node; always 0 on a small network)
   */
  public record RoutingMessages(long in, long out, long paced) {}

  /**
   * One end-to-end session (the session layer fills these).
   *
   * @param peer the other end
   * @param initiator whether this node opened it
   * @param streams open streams in it
   * @param bytesIn payload bytes received
   * @param bytesOut payload bytes sent
   */
  public record SessionStatus(
      Address peer, boolean initiator, int streams, long bytesIn, long bytesOut) {
    public SessionStatus {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * One stream (the session layer fills these).
   *
   * @param peer the session's other end
   * @param port the overlay port
   * @param outgoing whether this node opened it
   * @param state {@code opening}, {@code accepting}, {@code open}, {@code half-closed-local},
   *     {@code half-closed-remote} or {@code closing} ({@code StreamInfo})
   * @param bytesIn bytes received
   * @param bytesOut bytes sent
   * @param ageMillis since it was opened
   * @param quietMillis since the peer last sent a frame for it (datagrams too): a stream
   *     quiet for long on a session whose peer sends nothing may be open here only (issue 14)
   */
  public record StreamStatus(Address peer, int port, boolean outgoing, String state,
      long bytesIn, long bytesOut, long ageMillis, long quietMillis) {
    public StreamStatus {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * One port forward.
   *
   * @param listen the local address
   * @param to {@code <address>.staex:port} or {@code <name>.staex:port}
   * @param origin {@code config} or the file of {@code forwards-dir} it came from
   * @param state e.g. {@code listening}, or why not
   */
  public record ForwardStatus(String listen, String to, String origin, String state) {
    public ForwardStatus {
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * One exposed service.
   *
   * @param port the overlay port
   * @param target where its streams are connected
   * @param allow who may open streams; empty: the own network
   */
  public record ServiceStatus(int port, String target, List<Address> allow) {
    public ServiceStatus {
      Objects.requireNonNull(target, "target");
      allow = List.copyOf(allow);
    }
  }

  /**
   * One recorded warning or error.
   *
   * @param time when
   * @param level {@code WARN} or {@code ERROR}
   * @param message what, one line
   */
  public record ErrorEvent(Instant time, String level, String message) {
    public ErrorEvent {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(message, "message");
    }
  }
}
