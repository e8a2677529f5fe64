package io.staex.node.internal.control;

import static io.staex.node.internal.control.StatusFixture.CHILD;
import static io.staex.node.internal.control.StatusFixture.NODE;
import static io.staex.node.internal.control.StatusFixture.PARENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The three renderings of a status: text for people, JSON for scripts, Prometheus metrics. */
class StatusRenderersTest {
  /** {@code busy()} with UDP flows: 2 open, 9 opened, drops at two limits. */
  static io.staex.node.NodeStatus withUdp() {
    io.staex.node.NodeStatus b = StatusFixture.busy();
    java.util.Map<String, Long> dropped = new java.util.LinkedHashMap<>();
    for (String r : io.staex.node.NodeStatus.UdpStats.reasons()) {
      dropped.put(r, 0L);
    }
    dropped.put("flow_limit", 4L);
    dropped.put("too_big", 1L);
    return new io.staex.node.NodeStatus(b.address(), b.network(), b.name(), b.time(),
        b.uptime(), b.listen(), b.socks(), b.dns(), b.activeParent(), b.links(), b.routes(),
        b.relay(), b.sessions(), b.streams(), b.forwards(), b.services(), b.lastErrors(),
        b.datagrams(), b.names(), b.hellos(), b.accepts(), b.sessionStats(), b.trust(),
        b.certificate(), b.streamStats(), b.tables(), b.reloads(), b.exit(),
        new io.staex.node.NodeStatus.UdpStats(2, 9, 3, 120, 118, dropped), b.httpProxy());
  }

  @Test
  void httpProxy_requestsAndRefusalsByCode_inTextJsonAndMetrics() {
    io.staex.node.NodeStatus s = StatusFixture.busy();
    assertThat(StatusText.render(s)).contains("http-proxy 127.0.0.1:3128  requests 19 (4 CONNECT,"
        + " 9 absolute, 2 PAC)  refused 403: 1 407: 2 502: 1 504: 1  bad 0\n");
    assertThat(StatusText.render(StatusFixture.idle())).doesNotContain("http-proxy");
    assertThat(StatusJson.render(s)).contains("\"httpProxy\":{\"listen\":\"127.0.0.1:3128\","
        + "\"accepted\":20,\"shed\":1,\"requests\":19,\"connects\":4,\"absolute\":9,"
        + "\"pac\":2,\"refused\":{\"403\":1,\"407\":2,\"502\":1,\"504\":1},"
        + "\"tooLarge\":0,\"bad\":0}");
    assertThat(StatusJson.render(StatusFixture.idle()))
        .contains("\"httpProxy\":{\"listen\":null,\"accepted\":0,");
    assertThat(StatusMetrics.render(s)).contains("staex_http_proxy_requests_total 19\n")
        .contains("staex_http_proxy_connects_total 4\n")
        .contains("staex_http_proxy_absolute_total 9\n")
        .contains("staex_http_proxy_pac_total 2\n")
        .contains("staex_http_proxy_refused_total{code=\"407\"} 2\n")
        .contains("staex_http_proxy_refused_total{code=\"504\"} 1\n");
  }

  @Test
  void udpFlows_inTextJsonAndMetrics() {
    io.staex.node.NodeStatus s = withUdp();
    assertThat(StatusText.render(s)).contains("udp       flows 2 open, 9 opened (3 idle)"
        + "  datagrams in 120  out 118  dropped 5\n  flow_limit: 4  too_big: 1\n");
    assertThat(StatusText.render(StatusFixture.busy())).doesNotContain("udp       flows");
    assertThat(StatusJson.render(s)).contains("\"udp\":{\"flowsOpen\":2,\"flowsOpened\":9,"
        + "\"flowsIdleClosed\":3,\"datagramsIn\":120,\"datagramsOut\":118,\"dropped\":{"
        + "\"flow_limit\":4,\"too_big\":1,\"not_connected\":0,");
    assertThat(StatusMetrics.render(s)).contains("staex_udp_flows 2\n")
        .contains("staex_udp_flows_opened_total 9\n")
        .contains("staex_udp_datagrams_in_total 120\n")
        .contains("staex_udp_dropped_total{reason=\"flow_limit\"} 4\n")
        .contains("staex_udp_dropped_total{reason=\"foreign_source\"} 0\n");
  }

  @Test
  void text_fieldsAlignedAndTablesUseShortAddresses() {
    String text = StatusText.render(StatusFixture.busy());

    assertThat(text).contains("node      " + NODE + "  (gateway.staex)\n")
        .contains("uptime    1h02m05s\n")
        .contains("parent    " + PARENT + "\n")
        .contains("routes    3\n  " + NODE + "  (this node)\n")
        .contains("  unreachable sent 1 received 0  rerouted 5  dropped 5  certificates renewed 1\n")
        .contains("socks     127.0.0.1:1080  (SOCKS5)\n")
        .contains("dns       127.0.0.1:5353  (.staex names, UDP and TCP)\n");
    List<String> linkRows = section(text, "links");
    assertThat(linkRows.get(0)).startsWith("  PEER").contains("DIRECTION").contains("STATE");
    assertThat(linkRows.get(1)).startsWith("  " + PARENT.shortText()).contains("parent")
        .contains("up").contains("root.lan:7400").contains("1234");
    assertThat(linkRows.get(2)).startsWith("  " + CHILD.shortText()).contains("child");
    assertThat(linkRows.get(1).indexOf("parent")).isEqualTo(linkRows.get(2).indexOf("child"))
        .isEqualTo(linkRows.get(0).indexOf("DIRECTION"));
    List<String> streamRows = section(text, "streams   1");
    assertThat(streamRows.get(0)).contains("STATE").contains("AGE").contains("QUIET");
    assertThat(streamRows.get(1)).startsWith("  " + CHILD.shortText()).contains("554")
        .contains("opened").contains("open").contains("61s").contains("3s");
    assertThat(text).contains("  routing dropped state_untrusted: 2\n")
        .contains("routing   messages in 40  out 30  held back for a neighbour's budget 7\n");
    assertThat(text).contains("  dropped no_route: 4\n").contains("  dropped ttl_expired: 1\n")
        .contains(CHILD.shortText() + ".staex:8080");
    assertThat(text).contains("2026-01-02 03:04:00Z WARN forward file ignored");
    assertThat(text).contains("datagrams sent 50  received 40  dropped 10\n"
        + "  dropped queue_full: 7  no_stream: 2  too_big: 1\n");
    assertThat(text).contains("hellos    handshakes 12  cookies sent 40  refused 44\n"
        + "  rate_limited: 30  overloaded: 11  bad_cookie: 2  cookies dropped: 6\n");
    assertThat(text).contains("accepts   startups 4  refused 65  first-message timeouts 16"
        + "  handshakes refused 17 (other protocol version 3)\n"
        + "  refused startups_full: 11  early_drop: 12  prefix_full: 13  rate_limited: 14"
        + "  max_links: 15\n");
    assertThat(text).contains("streams   opened 5  accepted 6  refused by limits 1"
        + "  protocol errors 2  early bytes 16384 (discarded 100)  windows grown 7 (limited 1)"
        + "  not held 4  checked 3\n"
        + "tables    links 2/1025 sessions 1/4096 lookups 0/1024\n");
    assertThat(text).contains("unreachable notices verified 2  forged 3  unverified 4\n"
        + "sessions limited per peer 1  closes unverified 5  probes 6 (answered 7, "
        + "unanswered 8)\n"
        + "probes of peers answered 9  limited 10  pings sent 11 (answered 12)\n"
        + "retransmit records resent 13  duplicates 14  nacks sent 15 received 16 (ignored 17)"
        + "  acks sent alone 23 riding 24  refused 37  paths down 20"
        + "  sessions ended by path-grace 21  node cap reached 22\n");
    assertThat(text).contains("revocations held 2  applied 3  refused invalid 1 full 0\n"
        + "  closed for revoked peers: links 1  sessions 2; for expired certificates: links 0"
        + "  sessions 0; for networks no longer trusted: links 1  sessions 1\n");
  }

  @Test
  void text_idleRoot_saysNoneAndRoot() {
    String text = StatusText.render(StatusFixture.idle());
    assertThat(text).contains("parent    - (root)\n").contains("listen    - (takes no children)\n")
        .contains("links     none\n").contains("sessions  none\n").contains("errors    none\n")
        .contains("datagrams sent 0  received 0  dropped 0\n").doesNotContain("queue_full")
        .contains("hellos    handshakes 0  cookies sent 0  refused 0\n")
        .doesNotContain("overloaded")
        .contains("accepts   startups 0  refused 0  first-message timeouts 0"
            + "  handshakes refused 0\n")
        .doesNotContain("startups_full").doesNotContain("other protocol version")
        .contains("tables    routes 1/1000000\n");
  }

  @Test
  void uptime_readable() {
    assertThat(StatusText.uptime(Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(StatusText.uptime(Duration.ofSeconds(61))).isEqualTo("1m01s");
    assertThat(StatusText.uptime(Duration.ofDays(2).plusHours(3))).isEqualTo("2d03h00m");
  }

  @Test
  void json_everySectionAndEscaping() {
    String json = StatusJson.render(StatusFixture.busy());
    assertThat(json).contains("\"socks\":\"127.0.0.1:1080\"")
        .contains("\"dns\":\"127.0.0.1:5353\"");

    assertThat(json).startsWith("{\"address\":\"" + NODE + "\"").endsWith("}}")
        .contains("\"activeParent\":\"" + PARENT + "\"")
        .contains("\"uptimeSeconds\":3725")
        .contains("{\"peer\":\"" + PARENT + "\",\"direction\":\"parent\",\"state\":\"up\","
            + "\"endpoint\":\"root.lan:7400\",\"bytesIn\":1234,\"bytesOut\":99,")
        .contains("\"endpoint\":null,\"bytesIn\":null")
        .contains("\"routes\":{\"viewSize\":3,\"known\":[\"" + NODE + "\"")
        .contains("\"unreachableReceived\":0,\"rerouted\":5,\"certificatesRenewed\":1")
        .contains("\"no_route\":4")
        .contains("\"routingDropped\":{\"state_untrusted\":2},"
            + "\"routingMessages\":{\"in\":40,\"out\":30,\"paced\":7}")
        .contains("\"datagrams\":{\"sent\":50,\"received\":40,\"dropped\":{\"queue_full\":7,"
            + "\"no_stream\":2,\"too_big\":1}}")
        .contains("\"names\":{\"refusedClients\":3,\"rateLimited\":2,\"malformed\":5,"
            + "\"missCacheHits\":9}")
        .contains("\"hellos\":{\"handshakes\":12,\"cookiesSent\":40,\"rateLimited\":30,"
            + "\"overloaded\":11,\"badCookies\":2,\"cookiesDropped\":6,\"refused\":1,"
            + "\"replayed\":0}")
        .contains("\"accepts\":{\"startups\":4,\"refused\":{\"startups_full\":11,"
            + "\"early_drop\":12,\"prefix_full\":13,\"rate_limited\":14,\"max_links\":15},"
            + "\"firstMessageTimeouts\":16,\"handshakesRefused\":17,\"versionRefused\":3}")
        .contains("\"streamEvents\":{\"opened\":5,\"accepted\":6,\"refusedLimit\":1,"
            + "\"protocolErrors\":2,\"framesNotHeld\":4,\"checked\":3,\"earlyBytes\":{\"received\":16384,\"discarded\":100},"
            + "\"windowGrowths\":{\"grown\":7,\"limited\":1}}")
        .contains("\"tables\":{\"links\":{\"size\":2,\"limit\":1025},"
            + "\"sessions\":{\"size\":1,\"limit\":4096},\"lookups\":{\"size\":0,"
            + "\"limit\":1024}}")
        .contains("\"sessionEvents\":{\"limitedPerPeer\":1,\"unreachable\":{\"verified\":2,"
            + "\"forged\":3,\"unverified\":4},\"closesUnverified\":5,\"probes\":{\"sent\":6,"
            + "\"answered\":7,\"unanswered\":8},\"probeAnswers\":{\"sent\":9,\"limited\":10},"
            + "\"pings\":{\"sent\":11,\"answered\":12},\"retransmit\":{\"recordsResent\":13,"
            + "\"duplicates\":14,\"nacks\":{\"sent\":15,\"received\":16,\"ignored\":17},"
            + "\"acksRefused\":{\"stale\":18,\"beyond\":19},"
            + "\"acksSent\":{\"alone\":23,\"riding\":24},\"pathDown\":20,\"pathLost\":21,"
            + "\"nodeFull\":22}}")
        .contains("\"trust\":{\"revocations\":2,\"revocationsApplied\":3,"
            + "\"revocationsRefused\":{\"invalid\":1,\"full\":0},"
            + "\"linksClosed\":{\"revoked\":1,\"expired\":0,\"untrusted\":1},"
            + "\"sessionsEnded\":{\"revoked\":2,\"expired\":0,\"untrusted\":1}}")
        .contains("\"sessions\":[{").contains("\"streams\":[{").contains("\"forwards\":[{")
        .contains("\"port\":554,\"direction\":\"out\",\"state\":\"open\",\"bytesIn\":100,"
            + "\"bytesOut\":200,\"ageMs\":61000,\"quietMs\":3000}")
        .contains("\"allow\":[]")
        .contains("\"message\":\"forward file ignored: \\\"x.conf\\\":1: tab\\there \\\\ back\"");
    assertThat(json).doesNotContain("\n").doesNotContain("\t");
  }

  @Test
  void json_idle_emptySectionsAndNulls() {
    String json = StatusJson.render(StatusFixture.idle());
    assertThat(json).contains("\"name\":null").contains("\"listen\":null")
        .contains("\"socks\":null").contains("\"dns\":null")
        .contains("\"activeParent\":null").contains("\"links\":[]").contains("\"sessions\":[]")
        .contains("\"streams\":[]").contains("\"forwards\":[]").contains("\"services\":[]")
        .contains("\"lastErrors\":[]");
  }

  @Test
  void json_controlCharactersEscaped() {
    Json j = new Json().beginArray().value("a\u0001b\u2028\"").endArray();
    assertThat(j.toString()).isEqualTo("[\"a\\u0001b\\u2028\\\"\"]");
  }

  @Test
  void metrics_prometheusTextFormat() {
    String m = StatusMetrics.render(StatusFixture.busy());

    assertThat(m).contains("# TYPE staex_links gauge\n")
        .contains("staex_links{direction=\"parent\"} 1\n")
        .contains("staex_links{direction=\"child\"} 1\n")
        .contains("# TYPE staex_relay_forwarded_total counter\nstaex_relay_forwarded_total 10\n")
        .contains("# TYPE staex_relay_rerouted_total counter\nstaex_relay_rerouted_total 5\n")
        .contains("staex_link_certificates_renewed_total 1\n")
        .contains("staex_relay_dropped_total{reason=\"no_route\"} 4\n")
        .contains("staex_routing_dropped_total{reason=\"state_untrusted\"} 2\n")
        .contains("staex_routing_messages_total{direction=\"in\"} 40\n")
        .contains("staex_routing_messages_total{direction=\"out\"} 30\n")
        .contains("# TYPE staex_routing_messages_paced_total counter\n"
            + "staex_routing_messages_paced_total 7\n")
        .contains("staex_routing_dropped_total{reason=\"signature_budget\"} 0\n")
        .contains("staex_relay_dropped_total{reason=\"queue_full\"} 0\n")
        .contains("staex_relay_dropped_total{reason=\"spoofed_source\"} 0\n")
        .contains("staex_relay_dropped_total{reason=\"hello_limited\"} 0\n")
        .contains("staex_active_parent 1\n").contains("staex_routes_known 3\n")
        .contains("staex_sessions 1\n").contains("staex_last_errors 1\n")
        .contains("# TYPE staex_datagrams_sent_total counter\nstaex_datagrams_sent_total 50\n")
        .contains("staex_datagrams_received_total 40\n")
        .contains("staex_datagrams_dropped_total{reason=\"queue_full\"} 7\n")
        .contains("staex_datagrams_dropped_total{reason=\"no_stream\"} 2\n")
        .contains("staex_datagrams_dropped_total{reason=\"too_big\"} 1\n")
        .contains("# TYPE staex_names_refused_total counter\n")
        .contains("staex_names_refused_total{reason=\"client_not_allowed\"} 3\n")
        .contains("staex_names_refused_total{reason=\"rate_limited\"} 2\n")
        .contains("staex_names_refused_total{reason=\"malformed\"} 5\n")
        .contains("staex_names_miss_cache_hits_total 9\n")
        .contains("staex_session_handshakes_total 12\n")
        .contains("staex_session_cookies_sent_total 40\n")
        .contains("staex_session_hellos_refused_total{reason=\"rate_limited\"} 30\n")
        .contains("staex_session_hellos_refused_total{reason=\"overloaded\"} 11\n")
        .contains("staex_session_hellos_refused_total{reason=\"bad_cookie\"} 2\n")
        .contains("staex_session_cookies_dropped_total 6\n")
        .contains("# TYPE staex_link_startups gauge\nstaex_link_startups 4\n")
        .contains("# TYPE staex_link_accepts_refused_total counter\n")
        .contains("staex_link_accepts_refused_total{reason=\"startups_full\"} 11\n")
        .contains("staex_link_accepts_refused_total{reason=\"early_drop\"} 12\n")
        .contains("staex_link_accepts_refused_total{reason=\"prefix_full\"} 13\n")
        .contains("staex_link_accepts_refused_total{reason=\"rate_limited\"} 14\n")
        .contains("staex_link_accepts_refused_total{reason=\"max_links\"} 15\n")
        .contains("staex_link_first_message_timeouts_total 16\n")
        .contains("staex_link_handshakes_refused_total 17\n")
        .contains("staex_link_version_refused_total 3\n")
        .contains("staex_streams_opened_total 5\n").contains("staex_streams_accepted_total 6\n")
        .contains("staex_streams_refused_limit_total 1\n")
        .contains("staex_stream_protocol_errors_total 2\n")
        .contains("staex_stream_frames_not_held_total 4\n")
        .contains("staex_streams_checked_total 3\n")
        .contains("staex_stream_quiet_max_seconds 3\n")
        .contains("staex_stream_early_bytes_total{result=\"received\"} 16384\n")
        .contains("staex_stream_early_bytes_total{result=\"discarded\"} 100\n")
        .contains("staex_stream_window_growths_total 7\n")
        .contains("staex_stream_window_growths_limited_total 1\n")
        .contains("# TYPE staex_table_entries gauge\n")
        .contains("staex_table_entries{table=\"sessions\"} 1\n")
        .contains("staex_table_limit{table=\"links\"} 1025\n")
        .contains("staex_sessions_limited_per_peer_total 1\n")
        .contains("staex_unreachable_notices_total{result=\"verified\"} 2\n")
        .contains("staex_unreachable_notices_total{result=\"forged\"} 3\n")
        .contains("staex_unreachable_notices_total{result=\"unverified\"} 4\n")
        .contains("staex_session_closes_unverified_total 5\n")
        .contains("staex_session_probes_total{result=\"unanswered\"} 8\n")
        .contains("staex_session_records_resent_total 13\n")
        .contains("staex_session_retransmit_full_total 22\n")
        .contains("staex_session_records_duplicate_total 14\n")
        .contains("staex_session_nacks_total{direction=\"sent\"} 15\n")
        .contains("staex_session_nacks_total{direction=\"received\"} 16\n")
        .contains("staex_session_nacks_ignored_total 17\n")
        .contains("staex_session_acks_sent_total{how=\"alone\"} 23\n")
        .contains("staex_session_acks_sent_total{how=\"riding\"} 24\n")
        .contains("staex_session_acks_refused_total{reason=\"stale\"} 18\n")
        .contains("staex_session_acks_refused_total{reason=\"beyond\"} 19\n")
        .contains("staex_session_paths_down_total 20\n")
        .contains("staex_sessions_path_lost_total 21\n")
        .contains("# TYPE staex_revocations gauge\nstaex_revocations 2\n")
        .contains("staex_revocations_applied_total 3\n")
        .contains("staex_revocations_refused_total{reason=\"invalid\"} 1\n")
        .contains("# TYPE staex_links_closed_total counter\n")
        .contains("staex_links_closed_total{reason=\"revoked\"} 1\n")
        .contains("staex_links_closed_total{reason=\"expired\"} 0\n")
        .contains("staex_links_closed_total{reason=\"untrusted\"} 1\n")
        .contains("staex_sessions_ended_total{reason=\"untrusted\"} 1\n")
        .contains("staex_sessions_ended_total{reason=\"revoked\"} 2\n");
    assertThat(m).contains("staex_exit_refused_total{reason=\"link_local\"} 0\n")
        .contains("staex_exit_streams_total 0\n");
    for (String line : m.lines().toList()) {
      assertThat(line).matches("# (HELP|TYPE) staex_[a-z_]+ .+"
          + "|staex_[a-z_]+(\\{[a-z]+=\"[a-z0-9_]+\"(,[a-z]+=\"[a-z0-9_]+\")*\\})? -?\\d+");
    }
    long types = Arrays.stream(m.split("\n")).filter(l -> l.startsWith("# TYPE")).count();
    long names = Arrays.stream(m.split("\n")).filter(l -> !l.startsWith("#"))
        .map(l -> l.replaceAll("[{ ].*", "")).distinct().count();
    assertThat(types).as("one TYPE per family").isEqualTo(names);
  }

  /** The lines after the {@code name} header line up to the next blank line. */
  private static List<String> section(String text, String name) {
    List<String> lines = Arrays.asList(text.split("\n"));
    int start = 0;
    while (!lines.get(start).startsWith(name + " ") && !lines.get(start).equals(name)) {
      start++;
    }
    return lines.subList(start + 1, lines.size()).stream().takeWhile(l -> !l.isEmpty())
        .collect(Collectors.toList());
  }
}
