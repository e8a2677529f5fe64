package io.staex.node.internal.control;

import io.staex.crypto.Address;
import io.staex.node.NodeStatus;
import io.staex.node.NodeStatus.ErrorEvent;
import io.staex.node.NodeStatus.ForwardStatus;
import io.staex.node.NodeStatus.LinkStatus;
import io.staex.node.NodeStatus.ServiceStatus;
import io.staex.node.NodeStatus.SessionStatus;
import io.staex.node.NodeStatus.StreamStatus;
import io.staex.proxy.relay.RelayCounters;
import io.staex.routing.RoutingCounters;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * {@code staex status}: the status as aligned text for a terminal. Full addresses where a user
 * copies them (the node, the network, the routes), short ones in tables.
 */
final class StatusText {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private StatusText() {}

  static String render(NodeStatus s) {
    StringBuilder out = new StringBuilder();
    field(out, "node", s.address() + s.name().map(n -> "  (" + n + ".staex)").orElse(""));
    field(out, "network", s.network().toString());
    field(out, "uptime", uptime(s.uptime()));
    NodeStatus.OwnCertificate cert = s.certificate();
    long left = cert.secondsLeft(s.time());
    field(out, "cert", "valid until " + TIME.format(cert.notAfter())
        + (left >= 0 ? " (" + uptime(Duration.ofSeconds(left)) + " left)" : " (ended)"));
    cert.warning().ifPresent(w -> out.append("  WARNING: ").append(w).append('\n'));
    s.reloads().last().ifPresent(at -> field(out, "reload", TIME.format(at) + ": "
        + s.reloads().lastResult().orElse("")));
    field(out, "listen", s.listen().orElse("- (takes no children)"));
    s.socks().ifPresent(a -> field(out, "socks", a + "  (SOCKS5)"));
    if (s.exit().enabled() || s.exit().refusedTotal() > 0) {
      StringBuilder r = new StringBuilder();
      s.exit().refused().forEach((k, v) -> {
        if (v > 0) {
          r.append(r.length() == 0 ? ", refused " : " ").append(k).append(' ').append(v);
        }
      });
      field(out, "exit", s.exit().streams() + " streams (" + s.exit().open() + " open, "
          + s.exit().failed() + " failed), " + s.exit().bytesIn() + " B in, "
          + s.exit().bytesOut() + " B out" + r);
    }
    s.dns().ifPresent(a -> field(out, "dns", a + "  (.staex names, UDP and TCP)"));
    field(out, "parent", s.activeParent().map(Address::toString)
        .orElse(s.links().stream().anyMatch(l -> l.direction() == NodeStatus.Direction.PARENT)
            ? "- (no parent up)" : "- (root)"));

    out.append('\n');
    section(out, "links", s.links().size());
    List<String> header =
        List.of("PEER", "DIRECTION", "STATE", "ENDPOINT", "FOR", "IN", "OUT", "PEER CERT ENDS");
    table(out, header, s.links().stream().map(l -> row(l, s.time()))
        .collect(Collectors.toList()));
    for (LinkStatus l : s.links()) {
      if (l.direction() == NodeStatus.Direction.PARENT && !l.up()) {
        out.append("  parent ").append(l.peer().shortText()).append(" down: ")
            .append(why(l.dial(), s.time())).append('\n');
      }
    }

    out.append('\n');
    section(out, "routes", s.routes().viewSize());
    for (Address a : s.routes().known()) {
      out.append("  ").append(a).append(a.equals(s.address()) ? "  (this node)" : "").append('\n');
    }
    if (s.routes().viewSize() > s.routes().known().size()) {
      out.append("  … and ").append(s.routes().viewSize() - s.routes().known().size())
          .append(" more\n");
    }

    out.append('\n');
    NodeStatus.RelayStats r = s.relay();
    out.append("relay     forwarded ").append(r.forwarded()).append("  delivered ")
        .append(r.delivered()).append("  originated ").append(r.originated())
        .append("  unreachable sent ").append(r.unreachableSent()).append(" received ")
        .append(r.unreachableReceived()).append("  rerouted ").append(r.rerouted())
        .append("  dropped ").append(r.droppedTotal())
        .append(r.certificatesRenewed() == 0 ? ""
            : "  certificates renewed " + r.certificatesRenewed())
        .append('\n');
    for (Map.Entry<RelayCounters.Drop, Long> d : new java.util.TreeMap<>(r.dropped()).entrySet()) {
      if (d.getValue() > 0) {
        out.append("  dropped ").append(dropLabel(d.getKey())).append(": ").append(d.getValue())
            .append('\n');
      }
    }
    NodeStatus.RoutingMessages m = r.routingMessages();
    out.append("routing   messages in ").append(m.in()).append("  out ").append(m.out())
        .append(m.paced() == 0 ? "" : "  held back for a neighbour's budget " + m.paced())
        .append('\n');
    for (Map.Entry<RoutingCounters.Drop, Long> d
        : new java.util.TreeMap<>(r.routingDropped()).entrySet()) {
      if (d.getValue() > 0) {
        out.append("  routing dropped ").append(dropLabel(d.getKey())).append(": ")
            .append(d.getValue()).append('\n');
      }
    }
    NodeStatus.DatagramStats g = s.datagrams();
    out.append("datagrams sent ").append(g.sent()).append("  received ").append(g.received())
        .append("  dropped ").append(g.droppedTotal()).append('\n');
    if (g.droppedTotal() > 0) {
      out.append("  dropped queue_full: ").append(g.droppedQueueFull()).append("  no_stream: ")
          .append(g.droppedNoStream()).append("  too_big: ").append(g.droppedTooBig())
          .append('\n');
    }
    NodeStatus.UdpStats u = s.udp();
    if (u.flowsOpened() + u.droppedTotal() > 0) {
      out.append("udp       flows ").append(u.flowsOpen()).append(" open, ")
          .append(u.flowsOpened()).append(" opened (").append(u.flowsIdleClosed())
          .append(" idle)  datagrams in ").append(u.datagramsIn()).append("  out ")
          .append(u.datagramsOut()).append("  dropped ").append(u.droppedTotal()).append('\n');
      if (u.droppedTotal() > 0) {
        for (String reason : NodeStatus.UdpStats.reasons()) {
          long n = u.dropped().getOrDefault(reason, 0L);
          if (n > 0) {
            out.append("  ").append(reason).append(": ").append(n);
          }
        }
        out.append('\n');
      }
    }
    NodeStatus.HelloStats h = s.hellos();
    out.append("hellos    handshakes ").append(h.handshakes()).append("  cookies sent ")
        .append(h.cookiesSent()).append("  refused ").append(h.rateLimited() + h.overloaded()
            + h.badCookies() + h.refused() + h.replayed()).append('\n');
    if (h.cookiesSent() + h.badCookies() + h.cookiesDropped() > 0) {
      out.append("  rate_limited: ").append(h.rateLimited()).append("  overloaded: ")
          .append(h.overloaded()).append("  bad_cookie: ").append(h.badCookies())
          .append("  cookies dropped: ").append(h.cookiesDropped()).append('\n');
    }
    NodeStatus.AcceptStats a = s.accepts();
    out.append("accepts   startups ").append(a.startups()).append("  refused ")
        .append(a.refusedTotal()).append("  first-message timeouts ")
        .append(a.firstMessageTimeouts()).append("  handshakes refused ")
        .append(a.handshakesRefused()).append(a.versionRefused() > 0
            ? " (other protocol version " + a.versionRefused() + ")" : "").append('\n');
    if (a.refusedTotal() > 0) {
      out.append("  refused startups_full: ").append(a.startupsFull()).append("  early_drop: ")
          .append(a.earlyDropped()).append("  prefix_full: ").append(a.prefixFull())
          .append("  rate_limited: ").append(a.rateLimited()).append("  max_links: ")
          .append(a.maxLinks()).append('\n');
    }
    NodeStatus.StreamStats st = s.streamStats();
    out.append("streams   opened ").append(st.opened()).append("  accepted ")
        .append(st.accepted()).append("  refused by limits ").append(st.refusedLimit())
        .append("  protocol errors ").append(st.protocolErrors()).append("  early bytes ")
        .append(st.earlyBytesReceived()).append(" (discarded ")
        .append(st.earlyBytesDiscarded()).append(")  windows grown ").append(st.windowGrowths())
        .append(" (limited ").append(st.windowGrowthsLimited()).append(")  not held ")
        .append(st.framesNotHeld()).append("  checked ").append(st.streamsChecked())
        .append('\n');
    out.append("tables   ");
    for (NodeStatus.TableSize t : s.tables()) {
      out.append(' ').append(t.name()).append(' ').append(t.size()).append('/')
          .append(t.limit());
    }
    out.append('\n');
    NodeStatus.SessionStats ev = s.sessionStats();
    out.append("unreachable notices verified ").append(ev.unreachableVerified())
        .append("  forged ").append(ev.unreachableForged()).append("  unverified ")
        .append(ev.unreachableUnverified()).append('\n');
    out.append("sessions limited per peer ").append(ev.limitedPerPeer())
        .append("  closes unverified ").append(ev.closesUnverified()).append("  probes ")
        .append(ev.probes()).append(" (answered ").append(ev.probesAnswered())
        .append(", unanswered ").append(ev.probesUnanswered()).append(")\n");
    out.append("probes of peers answered ").append(ev.probeAnswers()).append("  limited ")
        .append(ev.probeAnswersLimited()).append("  pings sent ").append(ev.pings())
        .append(" (answered ").append(ev.pingsAnswered()).append(")\n");
    out.append("retransmit records resent ").append(ev.recordsResent()).append("  duplicates ")
        .append(ev.duplicates()).append("  nacks sent ").append(ev.nacksSent())
        .append(" received ").append(ev.nacksReceived()).append(" (ignored ")
        .append(ev.nacksIgnored()).append(")  acks sent alone ").append(ev.acksAlone())
        .append(" riding ").append(ev.acksRiding()).append("  refused ").append(ev.acksRefused())
        .append("  paths down ").append(ev.pathDown()).append("  sessions ended by path-grace ")
        .append(ev.pathLost()).append("  node cap reached ").append(ev.retransmitFull())
        .append('\n');

    NodeStatus.TrustStats t = s.trust();
    out.append("revocations held ").append(t.revocations()).append("  applied ")
        .append(t.applied()).append("  refused invalid ").append(t.invalid()).append(" full ")
        .append(t.full()).append('\n');
    out.append("  closed for revoked peers: links ").append(t.linksRevoked()).append("  sessions ")
        .append(t.sessionsRevoked()).append("; for expired certificates: links ")
        .append(t.linksExpired()).append("  sessions ").append(t.sessionsExpired())
        .append("; for networks no longer trusted: links ").append(t.linksUntrusted())
        .append("  sessions ").append(t.sessionsUntrusted()).append('\n');

    NodeStatus.HttpProxyStats hp = s.httpProxy();
    io.staex.proxy.httpproxy.HttpProxyCounters hc = hp.counters();
    if (hp.listen().isPresent() || hc.requests() > 0) {
      out.append("http-proxy ").append(hp.listen().orElse("-")).append("  requests ")
          .append(hc.requests()).append(" (").append(hc.connects()).append(" CONNECT, ")
          .append(hc.absolute()).append(" absolute, ").append(hc.pac()).append(" PAC)  refused");
      hc.refused().forEach((code, count) -> out.append(' ').append(code).append(": ")
          .append(count));
      out.append("  bad ").append(hc.bad() + hc.tooLarge()).append('\n');
    }

    out.append('\n');
    section(out, "sessions", s.sessions().size());
    table(out, List.of("PEER", "SIDE", "STREAMS", "IN", "OUT"),
        s.sessions().stream().map(StatusText::row).collect(Collectors.toList()));
    section(out, "streams", s.streams().size());
    table(out, List.of("PEER", "PORT", "SIDE", "STATE", "AGE", "QUIET", "IN", "OUT"),
        s.streams().stream().map(StatusText::row).collect(Collectors.toList()));
    section(out, "forwards", s.forwards().size());
    table(out, List.of("LISTEN", "TO", "FROM", "STATE"),
        s.forwards().stream().map(StatusText::row).collect(Collectors.toList()));
    section(out, "services", s.services().size());
    table(out, List.of("PORT", "TARGET", "ALLOW"),
        s.services().stream().map(StatusText::row).collect(Collectors.toList()));

    out.append('\n');
    section(out, "errors", s.lastErrors().size());
    for (ErrorEvent e : s.lastErrors()) {
      out.append("  ").append(TIME.format(e.time())).append(' ').append(e.level()).append(' ')
          .append(e.message()).append('\n');
    }
    return out.toString();
  }

  static String dropLabel(Enum<?> d) {
    return d.name().toLowerCase(java.util.Locale.ROOT);
  }

  static String uptime(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format("%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60);
    }
    return String.format("%dd%02dh%02dm", s / 86400, s % 86400 / 3600, s % 3600 / 60);
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(String.format("%-9s %s%n", name, value));
  }

  private static void section(StringBuilder out, String name, int count) {
    out.append(String.format("%-9s %s%n", name, count == 0 ? "none" : String.valueOf(count)));
  }

  /** Rows under a header, each column as wide as its widest cell, indented two spaces. */
  static void table(StringBuilder out, List<String> header, List<List<String>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] width = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.size(); i++) {
        boolean last = i == row.size() - 1;
        line.append(last ? row.get(i) : String.format("%-" + width[i] + "s  ", row.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private static List<String> row(LinkStatus l, java.time.Instant now) {
    return List.of(l.peer().shortText(), l.direction().label(), l.state(),
        l.endpoint().orElse("-"),
        l.upSince().map(t -> uptime(Duration.between(t, now))).orElse("-"),
        bytes(l.bytesIn()), bytes(l.bytesOut()),
        l.peerNotAfter().map(TIME::format).orElse("-"));
  }

  /** Why a parent is down: the last error, when, and when the next dial is. */
  static String why(NodeStatus.DialStatus d, java.time.Instant now) {
    StringBuilder w = new StringBuilder();
    w.append(d.lastError().orElse(d.lastAttempt().isPresent() ? "dialling" : "not dialled yet"));
    d.lastErrorAt().ifPresent(t -> w.append(" (").append(ago(t, now)).append(')'));
    d.lastAttempt().ifPresent(t -> w.append("; last dial ").append(ago(t, now)));
    d.nextAttempt().ifPresent(t -> w.append(", next ").append(t.isAfter(now)
        ? "in " + uptime(Duration.between(now, t)) : "now"));
    return w.toString();
  }

  private static String ago(java.time.Instant t, java.time.Instant now) {
    return t.isAfter(now) ? TIME.format(t) : uptime(Duration.between(t, now)) + " ago";
  }

  private static List<String> row(SessionStatus x) {
    return List.of(x.peer().shortText(), x.initiator() ? "opened" : "accepted",
        String.valueOf(x.streams()), String.valueOf(x.bytesIn()), String.valueOf(x.bytesOut()));
  }

  private static List<String> row(StreamStatus x) {
    return List.of(x.peer().shortText(), String.valueOf(x.port()),
        x.outgoing() ? "opened" : "accepted", x.state(), seconds(x.ageMillis()),
        seconds(x.quietMillis()), String.valueOf(x.bytesIn()), String.valueOf(x.bytesOut()));
  }

  /** Milliseconds as whole seconds, {@code 12s}. */
  private static String seconds(long millis) {
    return millis / 1000 + "s";
  }

  private static List<String> row(ForwardStatus x) {
    return List.of(x.listen(), shortTarget(x.to()), x.origin(), x.state());
  }

  private static List<String> row(ServiceStatus x) {
    return List.of(String.valueOf(x.port()), x.target(), x.allow().isEmpty() ? "own network"
        : x.allow().stream().map(Address::shortText).collect(Collectors.joining(",")));
  }

  /** {@code <address>.staex:80} shortened to {@code abcdefgh….staex:80}; names stay. */
  static String shortTarget(String to) {
    int dot = to.indexOf('.');
    if (dot == Address.TEXT_LENGTH) {
      return to.substring(0, 8) + "…" + to.substring(dot);
    }
    return to;
  }

  private static String bytes(OptionalLong b) {
    return b.isPresent() ? String.valueOf(b.getAsLong()) : "-";
  }
}
