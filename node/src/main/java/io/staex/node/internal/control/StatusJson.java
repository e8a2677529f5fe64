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
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * {@code staex status --json}: one JSON object for scripts. Keys are lower camel case; every
 * section is present (an empty array when there is nothing); absent values are {@code null};
 * addresses are full; times are ISO-8601 UTC.
 */
final class StatusJson {
  private StatusJson() {}

  static String render(NodeStatus s) {
    Json j = new Json().beginObject();
    j.member("address", s.address().toString());
    j.member("network", s.network().toString());
    j.member("name", s.name().orElse(null));
    j.member("time", s.time().toString());
    j.member("uptimeSeconds", s.uptime().toSeconds());
    j.member("listen", s.listen().orElse(null));
    j.member("socks", s.socks().orElse(null));
    j.member("dns", s.dns().orElse(null));
    j.name("exit").beginObject()
        .member("enabled", s.exit().enabled())
        .member("streams", s.exit().streams())
        .member("open", s.exit().open())
        .member("failed", s.exit().failed())
        .member("bytesIn", s.exit().bytesIn())
        .member("bytesOut", s.exit().bytesOut());
    j.name("refused").beginObject();
    s.exit().refused().forEach((k, v) -> j.member(k, (long) v));
    j.endObject().endObject();
    j.member("activeParent", s.activeParent().map(Address::toString).orElse(null));
    j.name("certificate").beginObject()
        .member("notAfter", s.certificate().notAfter().toString())
        .member("expirySeconds", s.certificate().secondsLeft(s.time()))
        .member("warning", s.certificate().warning().orElse(null)).endObject();
    j.name("reloads").beginObject()
        .member("applied", s.reloads().applied())
        .member("refused", s.reloads().refused())
        .member("last", s.reloads().last().map(Object::toString).orElse(null))
        .member("lastResult", s.reloads().lastResult().orElse(null)).endObject();

    j.name("links").beginArray();
    for (LinkStatus l : s.links()) {
      j.beginObject().member("peer", l.peer().toString())
          .member("direction", l.direction().label()).member("state", l.state())
          .member("endpoint", l.endpoint().orElse(null));
      optional(j.name("bytesIn"), l.bytesIn());
      optional(j.name("bytesOut"), l.bytesOut());
      j.member("upSince", l.upSince().map(Object::toString).orElse(null));
      j.member("peerCertNotAfter", l.peerNotAfter().map(Object::toString).orElse(null));
      if (l.direction() == NodeStatus.Direction.PARENT) {
        NodeStatus.DialStatus d = l.dial();
        j.member("lastAttempt", d.lastAttempt().map(Object::toString).orElse(null))
            .member("lastError", d.lastError().orElse(null))
            .member("lastErrorAt", d.lastErrorAt().map(Object::toString).orElse(null))
            .member("nextAttempt", d.nextAttempt().map(Object::toString).orElse(null));
      }
      j.endObject();
    }
    j.endArray();

    j.name("routes").beginObject().member("viewSize", s.routes().viewSize());
    j.name("known").beginArray();
    s.routes().known().forEach(a -> j.value(a.toString()));
    j.endArray().endObject();

    NodeStatus.RelayStats r = s.relay();
    j.name("relay").beginObject().member("forwarded", r.forwarded())
        .member("delivered", r.delivered()).member("originated", r.originated())
        .member("unreachableSent", r.unreachableSent())
        .member("unreachableReceived", r.unreachableReceived())
        .member("rerouted", r.rerouted())
        .member("certificatesRenewed", r.certificatesRenewed());
    j.name("dropped").beginObject();
    new TreeMap<RelayCounters.Drop, Long>(r.dropped())
        .forEach((reason, n) -> j.member(StatusText.dropLabel(reason), n));
    j.endObject();
    j.name("routingDropped").beginObject();
    new TreeMap<>(r.routingDropped())
        .forEach((reason, n) -> j.member(StatusText.dropLabel(reason), n));
    j.endObject();
    j.name("routingMessages").beginObject().member("in", r.routingMessages().in())
        .member("out", r.routingMessages().out()).member("paced", r.routingMessages().paced());
    j.endObject().endObject();
    NodeStatus.DatagramStats g = s.datagrams();
    j.name("datagrams").beginObject().member("sent", g.sent())
        .member("received", g.received());
    j.name("dropped").beginObject().member("queue_full", g.droppedQueueFull())
        .member("no_stream", g.droppedNoStream()).member("too_big", g.droppedTooBig());
    j.endObject().endObject();
    NodeStatus.UdpStats u = s.udp();
    j.name("udp").beginObject().member("flowsOpen", u.flowsOpen())
        .member("flowsOpened", u.flowsOpened()).member("flowsIdleClosed", u.flowsIdleClosed())
        .member("datagramsIn", u.datagramsIn()).member("datagramsOut", u.datagramsOut());
    j.name("dropped").beginObject();
    for (String reason : NodeStatus.UdpStats.reasons()) {
      j.member(reason, u.dropped().getOrDefault(reason, 0L));
    }
    j.endObject().endObject();
    NodeStatus.NameStats n = s.names();
    j.name("names").beginObject().member("refusedClients", n.refusedClients())
        .member("rateLimited", n.rateLimitedNames()).member("malformed", n.malformedNames())
        .member("missCacheHits", n.missCacheHits()).endObject();
    NodeStatus.HelloStats h = s.hellos();
    j.name("hellos").beginObject().member("handshakes", h.handshakes())
        .member("cookiesSent", h.cookiesSent()).member("rateLimited", h.rateLimited())
        .member("overloaded", h.overloaded()).member("badCookies", h.badCookies())
        .member("cookiesDropped", h.cookiesDropped()).member("refused", h.refused())
        .member("replayed", h.replayed()).endObject();
    NodeStatus.AcceptStats acc = s.accepts();
    j.name("accepts").beginObject().member("startups", acc.startups());
    j.name("refused").beginObject().member("startups_full", acc.startupsFull())
        .member("early_drop", acc.earlyDropped()).member("prefix_full", acc.prefixFull())
        .member("rate_limited", acc.rateLimited()).member("max_links", acc.maxLinks()).endObject();
    j.member("firstMessageTimeouts", acc.firstMessageTimeouts())
        .member("handshakesRefused", acc.handshakesRefused())
        .member("versionRefused", acc.versionRefused()).endObject();
    NodeStatus.StreamStats st = s.streamStats();
    j.name("streamEvents").beginObject().member("opened", st.opened())
        .member("accepted", st.accepted()).member("refusedLimit", st.refusedLimit())
        .member("protocolErrors", st.protocolErrors())
        .member("framesNotHeld", st.framesNotHeld()).member("checked", st.streamsChecked());
    j.name("earlyBytes").beginObject().member("received", st.earlyBytesReceived())
        .member("discarded", st.earlyBytesDiscarded()).endObject();
    j.name("windowGrowths").beginObject().member("grown", st.windowGrowths())
        .member("limited", st.windowGrowthsLimited()).endObject().endObject();
    j.name("tables").beginObject();
    for (NodeStatus.TableSize t : s.tables()) {
      j.name(t.name()).beginObject().member("size", t.size()).member("limit", t.limit())
          .endObject();
    }
    j.endObject();
    NodeStatus.SessionStats ev = s.sessionStats();
    j.name("sessionEvents").beginObject().member("limitedPerPeer", ev.limitedPerPeer());
    j.name("unreachable").beginObject().member("verified", ev.unreachableVerified())
        .member("forged", ev.unreachableForged()).member("unverified", ev.unreachableUnverified())
        .endObject();
    j.member("closesUnverified", ev.closesUnverified());
    j.name("probes").beginObject().member("sent", ev.probes())
        .member("answered", ev.probesAnswered()).member("unanswered", ev.probesUnanswered())
        .endObject();
    j.name("probeAnswers").beginObject().member("sent", ev.probeAnswers())
        .member("limited", ev.probeAnswersLimited()).endObject();
    j.name("pings").beginObject().member("sent", ev.pings())
        .member("answered", ev.pingsAnswered()).endObject();
    j.name("retransmit").beginObject().member("recordsResent", ev.recordsResent())
        .member("duplicates", ev.duplicates());
    j.name("nacks").beginObject().member("sent", ev.nacksSent())
        .member("received", ev.nacksReceived()).member("ignored", ev.nacksIgnored())
        .endObject();
    j.name("acksRefused").beginObject().member("stale", ev.acksStale())
        .member("beyond", ev.acksBeyond()).endObject();
    j.name("acksSent").beginObject().member("alone", ev.acksAlone())
        .member("riding", ev.acksRiding()).endObject();
    j.member("pathDown", ev.pathDown()).member("pathLost", ev.pathLost())
        .member("nodeFull", ev.retransmitFull()).endObject()
        .endObject();
    NodeStatus.TrustStats t = s.trust();
    j.name("trust").beginObject().member("revocations", t.revocations())
        .member("revocationsApplied", t.applied());
    j.name("revocationsRefused").beginObject().member("invalid", t.invalid())
        .member("full", t.full()).endObject();
    j.name("linksClosed").beginObject().member("revoked", t.linksRevoked())
        .member("expired", t.linksExpired()).member("untrusted", t.linksUntrusted()).endObject();
    j.name("sessionsEnded").beginObject().member("revoked", t.sessionsRevoked())
        .member("expired", t.sessionsExpired()).member("untrusted", t.sessionsUntrusted())
        .endObject();
    j.endObject();

    j.name("sessions").beginArray();
    for (SessionStatus x : s.sessions()) {
      j.beginObject().member("peer", x.peer().toString()).member("initiator", x.initiator())
          .member("streams", x.streams()).member("bytesIn", x.bytesIn())
          .member("bytesOut", x.bytesOut()).endObject();
    }
    j.endArray();
    j.name("streams").beginArray();
    for (StreamStatus x : s.streams()) {
      j.beginObject().member("peer", x.peer().toString()).member("port", x.port())
          .member("direction", x.outgoing() ? "out" : "in").member("state", x.state())
          .member("bytesIn", x.bytesIn()).member("bytesOut", x.bytesOut())
          .member("ageMs", x.ageMillis()).member("quietMs", x.quietMillis()).endObject();
    }
    j.endArray();
    j.name("forwards").beginArray();
    for (ForwardStatus x : s.forwards()) {
      j.beginObject().member("listen", x.listen()).member("to", x.to())
          .member("origin", x.origin()).member("state", x.state()).endObject();
    }
    j.endArray();
    j.name("services").beginArray();
    for (ServiceStatus x : s.services()) {
      j.beginObject().member("port", x.port()).member("target", x.target());
      j.name("allow").beginArray();
      x.allow().forEach(a -> j.value(a.toString()));
      j.endArray().endObject();
    }
    j.endArray();
    j.name("lastErrors").beginArray();
    for (ErrorEvent e : s.lastErrors()) {
      j.beginObject().member("time", e.time().toString()).member("level", e.level())
          .member("message", e.message()).endObject();
    }
    j.endArray();
    NodeStatus.HttpProxyStats hp = s.httpProxy();
    io.staex.proxy.httpproxy.HttpProxyCounters hc = hp.counters();
    j.name("httpProxy").beginObject().member("listen", hp.listen().orElse(null))
        .member("accepted", hc.accepted()).member("shed", hc.shed())
        .member("requests", hc.requests()).member("connects", hc.connects())
        .member("absolute", hc.absolute()).member("pac", hc.pac());
    j.name("refused").beginObject();
    hc.refused().forEach((code, count) -> j.member(code, (long) count));
    j.endObject().member("tooLarge", hc.tooLarge()).member("bad", hc.bad()).endObject();
    return j.endObject().toString();
  }

  private static void optional(Json j, OptionalLong v) {
    if (v.isPresent()) {
      j.value(v.getAsLong());
    } else {
      j.nullValue();
    }
  }
}
