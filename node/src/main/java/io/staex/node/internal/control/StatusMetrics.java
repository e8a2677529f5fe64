package io.staex.node.internal.control;

import static io.staex.node.internal.control.PromText.counter;
import static io.staex.node.internal.control.PromText.family;
import static io.staex.node.internal.control.PromText.gauge;

import io.staex.node.NodeStatus;
import io.staex.node.NodeStatus.Direction;
import io.staex.node.NodeStatus.LinkStatus;
import io.staex.proxy.relay.RelayCounters;
import io.staex.routing.RoutingCounters;

/**
 * {@code staex status --metrics}: the status in the Prometheus text exposition format 0.0.4,
 * one {@code # HELP} and {@code # TYPE} per metric family, names prefixed {@code staex_},
 * counters suffixed {@code _total}.
 */
public final class StatusMetrics {
  private StatusMetrics() {}

  private static void acceptRefused(StringBuilder out, String reason, long n) {
    out.append("staex_link_accepts_refused_total{reason=\"").append(reason).append("\"} ")
        .append(n).append('\n');
  }

  /** {@code s} in the text format; the metrics endpoint serves it too ({@code MetricsServer}). */
  public static String render(NodeStatus s) {
    StringBuilder out = new StringBuilder();
    gauge(out, "staex_uptime_seconds", "Seconds since the node started.", s.uptime().toSeconds());
    family(out, "staex_links", "gauge", "Links up, by direction.");
    for (Direction d : Direction.values()) {
      long n = s.links().stream().filter(l -> l.up() && l.direction() == d).count();
      out.append("staex_links{direction=\"").append(d.label()).append("\"} ").append(n)
          .append('\n');
    }
    gauge(out, "staex_parents_configured", "Parents in the configuration.",
        s.links().stream().filter(l -> l.direction() == Direction.PARENT).count());
    gauge(out, "staex_active_parent", "1 when a parent link is in use, else 0.",
        s.activeParent().isPresent() ? 1 : 0);
    gauge(out, "staex_routes_known", "Node states in the routing view, this node's included.",
        s.routes().viewSize());
    NodeStatus.RelayStats r = s.relay();
    counter(out, "staex_relay_forwarded_total", "Packets and notices forwarded for other nodes.",
        r.forwarded());
    counter(out, "staex_relay_delivered_total", "Packets delivered to this node.", r.delivered());
    counter(out, "staex_relay_originated_total", "Packets this node sent.", r.originated());
    counter(out, "staex_relay_unreachable_sent_total", "Unreachable notices created here.",
        r.unreachableSent());
    counter(out, "staex_relay_unreachable_received_total",
        "Unreachable notices about packets this node sent.", r.unreachableReceived());
    counter(out, "staex_relay_rerouted_total",
        "Packets forwarded around a down next hop of their source route.", r.rerouted());
    counter(out, "staex_link_certificates_renewed_total",
        "Renewed certificates neighbours presented on live links and this node took.",
        r.certificatesRenewed());
    family(out, "staex_relay_dropped_total", "counter", "Frames dropped, by reason.");
    for (RelayCounters.Drop d : RelayCounters.Drop.values()) {
      out.append("staex_relay_dropped_total{reason=\"").append(StatusText.dropLabel(d))
          .append("\"} ").append(r.dropped().getOrDefault(d, 0L)).append('\n');
    }
    family(out, "staex_routing_messages_total", "counter",
        "Routing messages taken in from and sent to neighbours, by direction.");
    out.append("staex_routing_messages_total{direction=\"in\"} ")
        .append(r.routingMessages().in()).append('\n');
    out.append("staex_routing_messages_total{direction=\"out\"} ")
        .append(r.routingMessages().out()).append('\n');
    counter(out, "staex_routing_messages_paced_total",
        "Routing messages of this node held back until they fit their neighbour's budget.",
        r.routingMessages().paced());
    family(out, "staex_routing_dropped_total", "counter",
        "Routing inputs dropped (forged, stale, over a neighbour's budget), by reason.");
    for (RoutingCounters.Drop d : RoutingCounters.Drop.values()) {
      out.append("staex_routing_dropped_total{reason=\"").append(StatusText.dropLabel(d))
          .append("\"} ").append(r.routingDropped().getOrDefault(d, 0L)).append('\n');
    }
    NodeStatus.DatagramStats g = s.datagrams();
    counter(out, "staex_datagrams_sent_total", "Datagrams this node's streams sent.", g.sent());
    counter(out, "staex_datagrams_received_total", "Datagrams delivered to this node's streams.",
        g.received());
    family(out, "staex_datagrams_dropped_total", "counter", "Datagrams dropped, by reason.");
    out.append("staex_datagrams_dropped_total{reason=\"queue_full\"} ")
        .append(g.droppedQueueFull()).append('\n');
    out.append("staex_datagrams_dropped_total{reason=\"no_stream\"} ")
        .append(g.droppedNoStream()).append('\n');
    out.append("staex_datagrams_dropped_total{reason=\"too_big\"} ")
        .append(g.droppedTooBig()).append('\n');
    NodeStatus.ExitStats x = s.exit();
    counter(out, "staex_exit_streams_total", "Exit streams this node connected to a destination.",
        x.streams());
    counter(out, "staex_exit_failed_total", "Exit streams allowed whose connect failed.",
        x.failed());
    counter(out, "staex_exit_bytes_in_total", "Bytes from exit users to destinations (ended"
        + " streams).", x.bytesIn());
    counter(out, "staex_exit_bytes_out_total", "Bytes from destinations to exit users (ended"
        + " streams).", x.bytesOut());
    family(out, "staex_exit_refused_total", "counter", "Exit streams refused, by reason.");
    for (io.staex.proxy.exit.ExitRefusal why : io.staex.proxy.exit.ExitRefusal.values()) {
      out.append("staex_exit_refused_total{reason=\"").append(why.label().replace('-', '_'))
          .append("\"} ").append(x.refused().getOrDefault(why.label(), 0L)).append('\n');
    }
    NodeStatus.UdpStats u = s.udp();
    family(out, "staex_udp_flows", "gauge", "UDP flows open now.");
    out.append("staex_udp_flows ").append(u.flowsOpen()).append('\n');
    counter(out, "staex_udp_flows_opened_total", "UDP flows opened.", u.flowsOpened());
    counter(out, "staex_udp_flows_idle_closed_total", "UDP flows ended by the idle timeout.",
        u.flowsIdleClosed());
    counter(out, "staex_udp_datagrams_in_total",
        "Datagrams from local UDP sockets sent into the overlay.", u.datagramsIn());
    counter(out, "staex_udp_datagrams_out_total",
        "Datagrams from the overlay written to local UDP sockets.", u.datagramsOut());
    family(out, "staex_udp_dropped_total", "counter", "UDP datagrams or flows dropped, by reason.");
    for (String reason : NodeStatus.UdpStats.reasons()) {
      out.append("staex_udp_dropped_total{reason=\"").append(reason).append("\"} ")
          .append(u.dropped().getOrDefault(reason, 0L)).append('\n');
    }
    NodeStatus.NameStats n = s.names();
    family(out, "staex_names_refused_total", "counter",
        "Names and DNS clients refused or limited, by reason.");
    out.append("staex_names_refused_total{reason=\"client_not_allowed\"} ")
        .append(n.refusedClients()).append('\n');
    out.append("staex_names_refused_total{reason=\"rate_limited\"} ")
        .append(n.rateLimitedNames()).append('\n');
    out.append("staex_names_refused_total{reason=\"malformed\"} ")
        .append(n.malformedNames()).append('\n');
    counter(out, "staex_names_miss_cache_hits_total",
        "Name lookups answered from the miss cache instead of the tree.", n.missCacheHits());
    NodeStatus.HelloStats h = s.hellos();
    counter(out, "staex_session_handshakes_total",
        "Session HELLOs this node did the public-key work for, as responder.", h.handshakes());
    counter(out, "staex_session_cookies_sent_total",
        "COOKIEs sent: session HELLOs refused without a valid cookie while under load.",
        h.cookiesSent());
    family(out, "staex_session_hellos_refused_total", "counter",
        "Session HELLOs refused, by reason.");
    out.append("staex_session_hellos_refused_total{reason=\"rate_limited\"} ")
        .append(h.rateLimited()).append('\n');
    out.append("staex_session_hellos_refused_total{reason=\"overloaded\"} ")
        .append(h.overloaded()).append('\n');
    out.append("staex_session_hellos_refused_total{reason=\"bad_cookie\"} ")
        .append(h.badCookies()).append('\n');
    out.append("staex_session_hellos_refused_total{reason=\"untrusted\"} ")
        .append(h.refused()).append('\n');
    out.append("staex_session_hellos_refused_total{reason=\"replayed\"} ")
        .append(h.replayed()).append('\n');
    counter(out, "staex_session_cookies_dropped_total",
        "COOKIEs received that answered no handshake of this node's.", h.cookiesDropped());
    NodeStatus.AcceptStats a = s.accepts();
    gauge(out, "staex_link_startups", "Link connections whose handshake has not finished.",
        a.startups());
    family(out, "staex_link_accepts_refused_total", "counter",
        "Link connections refused before or at the end of the handshake, by reason.");
    acceptRefused(out, "startups_full", a.startupsFull());
    acceptRefused(out, "early_drop", a.earlyDropped());
    acceptRefused(out, "prefix_full", a.prefixFull());
    acceptRefused(out, "rate_limited", a.rateLimited());
    acceptRefused(out, "max_links", a.maxLinks());
    counter(out, "staex_link_first_message_timeouts_total",
        "Link connections closed without a first handshake message in time.",
        a.firstMessageTimeouts());
    counter(out, "staex_link_handshakes_refused_total",
        "Link handshakes refused: not Noise, an untrusted network, a revoked or expired"
            + " certificate.", a.handshakesRefused());
    counter(out, "staex_link_version_refused_total",
        "Link handshakes refused because the peer speaks another protocol version.",
        a.versionRefused());
    NodeStatus.StreamStats st = s.streamStats();
    counter(out, "staex_streams_opened_total", "Streams this node opened.", st.opened());
    counter(out, "staex_streams_accepted_total", "Streams peers opened that passed the limits.",
        st.accepted());
    counter(out, "staex_streams_refused_limit_total",
        "Streams refused (either way) for a stream or session limit.", st.refusedLimit());
    counter(out, "staex_stream_protocol_errors_total",
        "Streams reset because the peer broke the protocol.", st.protocolErrors());
    counter(out, "staex_stream_frames_not_held_total",
        "Frames from peers for streams this node does not hold, answered RESET.",
        st.framesNotHeld());
    counter(out, "staex_streams_checked_total",
        "Streams checked because their session's peer went quiet while they were open.",
        st.streamsChecked());
    gauge(out, "staex_stream_quiet_max_seconds",
        "The longest time a peer has been quiet on one open stream.",
        s.streams().stream().mapToLong(NodeStatus.StreamStatus::quietMillis).max().orElse(0)
            / 1000);
    family(out, "staex_stream_early_bytes_total", "counter",
        "Bytes that came with OPENs before the service was connected (0-RTT), by fate.");
    out.append("staex_stream_early_bytes_total{result=\"received\"} ")
        .append(st.earlyBytesReceived()).append('\n');
    out.append("staex_stream_early_bytes_total{result=\"discarded\"} ")
        .append(st.earlyBytesDiscarded()).append('\n');
    counter(out, "staex_stream_window_growths_total",
        "Times a stream's receive window grew (its reader kept up with the path).",
        st.windowGrowths());
    counter(out, "staex_stream_window_growths_limited_total",
        "Window growths cut short by limits.stream-window-growth-total.",
        st.windowGrowthsLimited());
    family(out, "staex_table_entries", "gauge",
        "Entries in each table an attacker or a load could drive, now.");
    for (NodeStatus.TableSize t : s.tables()) {
      out.append("staex_table_entries{table=\"").append(t.name()).append("\"} ")
          .append(t.size()).append('\n');
    }
    family(out, "staex_table_limit", "gauge", "The most entries each table holds.");
    for (NodeStatus.TableSize t : s.tables()) {
      out.append("staex_table_limit{table=\"").append(t.name()).append("\"} ")
          .append(t.limit()).append('\n');
    }
    NodeStatus.SessionStats ev = s.sessionStats();
    counter(out, "staex_sessions_limited_per_peer_total",
        "Sessions refused by sessions.max-per-peer.", ev.limitedPerPeer());
    family(out, "staex_unreachable_notices_total", "counter",
        "UNREACHABLE notices from the network, by what their quote proved.");
    out.append("staex_unreachable_notices_total{result=\"verified\"} ")
        .append(ev.unreachableVerified()).append('\n');
    out.append("staex_unreachable_notices_total{result=\"forged\"} ")
        .append(ev.unreachableForged()).append('\n');
    out.append("staex_unreachable_notices_total{result=\"unverified\"} ")
        .append(ev.unreachableUnverified()).append('\n');
    counter(out, "staex_session_closes_unverified_total",
        "Unauthenticated CLOSE frames for established sessions (probed, not believed).",
        ev.closesUnverified());
    family(out, "staex_session_probes_total", "counter", "Session probes, by outcome.");
    out.append("staex_session_probes_total{result=\"sent\"} ").append(ev.probes()).append('\n');
    out.append("staex_session_probes_total{result=\"answered\"} ")
        .append(ev.probesAnswered()).append('\n');
    out.append("staex_session_probes_total{result=\"unanswered\"} ")
        .append(ev.probesUnanswered()).append('\n');
    family(out, "staex_session_probe_answers_total", "counter",
        "Peers' probes (session checks, pings), by what this node did.");
    out.append("staex_session_probe_answers_total{result=\"answered\"} ")
        .append(ev.probeAnswers()).append('\n');
    out.append("staex_session_probe_answers_total{result=\"limited\"} ")
        .append(ev.probeAnswersLimited()).append('\n');
    family(out, "staex_pings_total", "counter", "Pings this node sent, by outcome.");
    out.append("staex_pings_total{result=\"sent\"} ").append(ev.pings()).append('\n');
    out.append("staex_pings_total{result=\"answered\"} ").append(ev.pingsAnswered())
        .append('\n');
    counter(out, "staex_session_records_resent_total",
        "Session records sent again (a retransmission timeout or a peer's NACK).",
        ev.recordsResent());
    counter(out, "staex_session_records_duplicate_total",
        "Session records that came again (sent before this node's ACK arrived): ACKed again.",
        ev.duplicates());
    family(out, "staex_session_nacks_total", "counter",
        "Session NACKs (records lost on the path), by direction.");
    out.append("staex_session_nacks_total{direction=\"sent\"} ").append(ev.nacksSent())
        .append('\n');
    out.append("staex_session_nacks_total{direction=\"received\"} ").append(ev.nacksReceived())
        .append('\n');
    counter(out, "staex_session_nacks_ignored_total",
        "Peers' NACKs within half a retransmission timeout of the last resend: not acted on.",
        ev.nacksIgnored());
    family(out, "staex_session_acks_sent_total", "counter",
        "Session ACKs sent: alone in a record, or riding in front of stream frames.");
    out.append("staex_session_acks_sent_total{how=\"alone\"} ").append(ev.acksAlone())
        .append('\n');
    out.append("staex_session_acks_sent_total{how=\"riding\"} ").append(ev.acksRiding())
        .append('\n');
    family(out, "staex_session_acks_refused_total", "counter",
        "Peers' session ACKs refused, by reason.");
    out.append("staex_session_acks_refused_total{reason=\"stale\"} ").append(ev.acksStale())
        .append('\n');
    out.append("staex_session_acks_refused_total{reason=\"beyond\"} ").append(ev.acksBeyond())
        .append('\n');
    counter(out, "staex_session_paths_down_total",
        "Times an established session's path went down (its records wait for it).",
        ev.pathDown());
    counter(out, "staex_sessions_path_lost_total",
        "Sessions ended because no path came back within sessions.path-grace.", ev.pathLost());
    counter(out, "staex_session_retransmit_full_total",
        "Times the sessions' records kept for ACKs reached limits.retransmit-bytes-total "
            + "(streams waited).", ev.retransmitFull());
    NodeStatus.TrustStats t = s.trust();
    gauge(out, "staex_revocations", "Signed revocations held.", t.revocations());
    counter(out, "staex_revocations_applied_total",
        "Signed revocations applied (received or handed over).", t.applied());
    family(out, "staex_revocations_refused_total", "counter",
        "Signed revocations refused, by reason.");
    out.append("staex_revocations_refused_total{reason=\"invalid\"} ").append(t.invalid())
        .append('\n');
    out.append("staex_revocations_refused_total{reason=\"full\"} ").append(t.full())
        .append('\n');
    family(out, "staex_links_closed_total", "counter",
        "Live links closed because the peer was revoked, its certificate expired, or a reloaded"
            + " trust configuration no longer trusts it.");
    out.append("staex_links_closed_total{reason=\"revoked\"} ").append(t.linksRevoked())
        .append('\n');
    out.append("staex_links_closed_total{reason=\"expired\"} ").append(t.linksExpired())
        .append('\n');
    out.append("staex_links_closed_total{reason=\"untrusted\"} ").append(t.linksUntrusted())
        .append('\n');
    family(out, "staex_sessions_ended_total", "counter",
        "Sessions ended because the peer was revoked, its certificate expired, or a reloaded"
            + " trust configuration no longer trusts it.");
    out.append("staex_sessions_ended_total{reason=\"revoked\"} ").append(t.sessionsRevoked())
        .append('\n');
    out.append("staex_sessions_ended_total{reason=\"expired\"} ").append(t.sessionsExpired())
        .append('\n');
    out.append("staex_sessions_ended_total{reason=\"untrusted\"} ")
        .append(t.sessionsUntrusted()).append('\n');
    gauge(out, "staex_cert_expiry_seconds",
        "Seconds until this node's certificate ends (negative once ended).",
        s.certificate().secondsLeft(s.time()));
    family(out, "staex_reloads_total", "counter",
        "Configuration reloads (staex reload, SIGHUP), by result: applied, or refused for a"
            + " configuration with problems (nothing changed).");
    out.append("staex_reloads_total{result=\"applied\"} ").append(s.reloads().applied())
        .append('\n');
    out.append("staex_reloads_total{result=\"refused\"} ").append(s.reloads().refused())
        .append('\n');
    family(out, "staex_link_bytes_total", "counter",
        "Bytes on each link that is up (sealed records on the wire), by peer and direction.");
    for (LinkStatus l : s.links()) {
      if (l.bytesIn().isPresent()) {
        out.append("staex_link_bytes_total{peer=\"").append(l.peer()).append("\",direction=\"in\"} ")
            .append(l.bytesIn().getAsLong()).append('\n');
      }
      if (l.bytesOut().isPresent()) {
        out.append("staex_link_bytes_total{peer=\"").append(l.peer()).append("\",direction=\"out\"} ")
            .append(l.bytesOut().getAsLong()).append('\n');
      }
    }
    family(out, "staex_parent_up", "gauge",
        "Each configured parent: 1 when its link is up, else 0.");
    for (LinkStatus l : s.links()) {
      if (l.direction() == Direction.PARENT) {
        out.append("staex_parent_up{peer=\"").append(l.peer()).append("\"} ")
            .append(l.up() ? 1 : 0).append('\n');
      }
    }
    gauge(out, "staex_sessions", "End-to-end sessions open.", s.sessions().size());
    gauge(out, "staex_streams", "Streams open.", s.streams().size());
    gauge(out, "staex_forwards", "Port forwards configured (config and forwards-dir).",
        s.forwards().size());
    gauge(out, "staex_services", "Services exposed.", s.services().size());
    gauge(out, "staex_last_errors", "Warnings and errors held for status (at most 20).",
        s.lastErrors().size());
    io.staex.proxy.httpproxy.HttpProxyCounters hp = s.httpProxy().counters();
    counter(out, "staex_http_proxy_accepted_total", "HTTP proxy clients accepted.",
        hp.accepted());
    counter(out, "staex_http_proxy_shed_total",
        "HTTP proxy clients closed at once: too many pending (max-pending-handshakes).",
        hp.shed());
    counter(out, "staex_http_proxy_requests_total", "HTTP proxy request heads read.",
        hp.requests());
    counter(out, "staex_http_proxy_connects_total", "HTTP proxy CONNECTs bridged to a stream.",
        hp.connects());
    counter(out, "staex_http_proxy_absolute_total",
        "HTTP proxy absolute-URI requests forwarded over a stream.", hp.absolute());
    counter(out, "staex_http_proxy_pac_total", "PAC files the HTTP proxy served.", hp.pac());
    family(out, "staex_http_proxy_refused_total", "counter",
        "HTTP proxy requests refused, by status code.");
    hp.refused().forEach((code, count) -> out.append("staex_http_proxy_refused_total{code=\"")
        .append(code).append("\"} ").append(count).append('\n'));
    family(out, "staex_http_proxy_bad_total", "counter",
        "HTTP proxy requests answered 400/405/411 (bad) or 414/431 (too large), by reason.");
    out.append("staex_http_proxy_bad_total{reason=\"bad\"} ").append(hp.bad()).append('\n');
    out.append("staex_http_proxy_bad_total{reason=\"too_large\"} ").append(hp.tooLarge())
        .append('\n');
    return out.toString();
  }
}
