package io.staex.conf.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys each section of the file may hold. Sections are named by path, with {@code []} for
 * "each entry of this list". A test loads an empty file, so a key in {@code reference.conf} that
 * is missing here, or one here without a default there, fails the build.
 */
public final class Schema {
  public static final String STAEX = "staex";
  public static final String TRUST = "staex.trust";
  public static final String ROUTING = "staex.routing";
  public static final String SESSIONS = "staex.sessions";
  public static final String LIMITS = "staex.limits";
  public static final String SOCKS = "staex.socks";
  public static final String DNS = "staex.dns";
  public static final String HTTP_PROXY = "staex.http-proxy";
  public static final String EXIT = "staex.exit";
  public static final String CONTROL = "staex.control";
  public static final String LOG = "staex.log";
  public static final String METRICS = "staex.metrics";
  public static final String UDP = "staex.udp";
  public static final String PARENT = "staex.parents[]";
  public static final String SERVICE = "staex.services[]";
  public static final String FORWARD = "staex.forwards[]";
  /** The top level of a file in {@code forwards-dir}. */
  public static final String FORWARD_FILE = "forward file";

  /** Largest edit distance at which an unknown key is taken for a typo of a known one. */
  public static final int MAX_TYPO_DISTANCE = 2;

  private static final Map<String, List<String>> KEYS = keys();

  private Schema() {}

  private static Map<String, List<String>> keys() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put(STAEX, List.of(
        "key", "cert", "trust", "listen", "parents", "services", "forwards", "forwards-dir",
        "threads", "routing", "sessions", "limits", "socks", "http-proxy", "exit", "dns", "control",
        "log", "metrics", "udp", "warmup"));
    keys.put(TRUST, List.of("networks", "nodes", "revoked", "max-revocations",
        "revocations-file"));
    keys.put(ROUTING, List.of(
        "keepalive-interval", "missed-keepalives", "withdraw-grace", "refresh-interval",
        "state-lifetime", "parent-hold-down", "max-hops", "max-states", "max-services",
        "redial-initial", "redial-max", "redial-recent-max", "redial-recent-window"));
    keys.put(SESSIONS, List.of("hello-retry", "rekey-after", "keepalive-interval", "max-per-peer",
        "probe-timeout", "path-grace"));
    keys.put(LIMITS, List.of(
        "max-links", "max-sessions", "max-streams-per-session", "max-streams",
        "stream-buffer-bytes", "stream-window-max", "stream-window-growth-total",
        "link-buffer-bytes", "link-write-buffer-high",
        "link-write-buffer-low", "session-queue-bytes", "session-retransmit-bytes",
        "retransmit-bytes-total",
        "handshakes-per-second-per-source",
        "link-startups-start", "link-startups-rate", "link-startups-full",
        "link-startups-per-prefix", "link-first-message-timeout", "hellos-per-second-per-link",
        "routing-messages-per-second-per-link", "routing-message-burst-per-link",
        "signature-checks-per-second-per-link", "signature-check-burst-per-link",
        "idle-timeout", "handshake-timeout", "open-timeout", "datagram-queue",
        "handshakes-per-second", "probe-answers-per-second-per-peer",
        "explain-answers-per-second-per-peer"));
    keys.put(SOCKS, List.of(
        "listen", "username", "password", "exit", "handshake-timeout", "max-pending-handshakes"));
    keys.put(HTTP_PROXY, List.of("listen", "username", "password", "handshake-timeout",
        "max-pending-handshakes", "max-header-bytes", "max-headers"));
    keys.put(EXIT, List.of("enabled", "allow", "destinations", "deny-private",
        "connect-timeout"));
    keys.put(DNS, List.of(
        "listen", "pool", "answer-ttl", "pool-ttl", "forward", "upstreams", "lookup-timeout",
        "max-tcp-connections", "tcp-idle-timeout", "allow", "max-new-names-per-second"));
    keys.put(CONTROL, List.of("socket"));
    keys.put(LOG, List.of("level", "format"));
    keys.put(METRICS, List.of("listen", "allow-public", "max-connections", "timeout"));
    keys.put(UDP, List.of("idle-timeout", "max-flows-per-forward", "max-flows-per-service",
        "max-flows-per-association"));
    keys.put(PARENT, List.of("address", "key"));
    keys.put(SERVICE, List.of("port", "target", "allow", "protocol"));
    keys.put(FORWARD, List.of("listen", "to", "protocol"));
    keys.put(FORWARD_FILE, List.of("forwards"));
    return Collections.unmodifiableMap(keys); // file order: suggestions must not depend on a hash
  }

  /** The keys {@code section} may hold, in file order. */
  public static List<String> keys(String section) {
    List<String> known = KEYS.get(section);
    if (known == null) {
      throw new IllegalArgumentException(
          "section '" + section + "' (expected: one of " + KEYS.keySet() + ")");
    }
    return known;
  }

  /**
   * A known key that {@code unknown} in {@code section} probably meant: the closest key of the
   * section within {@link #MAX_TYPO_DISTANCE} edits, else the same key in other sections of
   * {@code staex} (as full paths in file order, joined by " or ", for a key put in the wrong
   * section).
   */
  public static Optional<String> suggest(String section, String unknown) {
    String best = null;
    int bestDistance = MAX_TYPO_DISTANCE + 1;
    for (String known : keys(section)) {
      int d = Levenshtein.distance(unknown, known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    if (best != null) {
      return Optional.of(best);
    }
    List<String> elsewhere = new ArrayList<>();
    if (section.startsWith(STAEX)) {
      for (Map.Entry<String, List<String>> e : KEYS.entrySet()) {
        if (e.getKey().startsWith(STAEX) && !e.getKey().equals(section)
            && e.getValue().contains(unknown)) {
          elsewhere.add(e.getKey().replace("[]", "[...]") + "." + unknown);
        }
      }
    }
    return elsewhere.isEmpty() ? Optional.empty() : Optional.of(String.join(" or ", elsewhere));
  }
}
