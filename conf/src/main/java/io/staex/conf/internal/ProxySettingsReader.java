package io.staex.conf.internal;

import io.staex.conf.ConfigProblem.Reason;
import io.staex.proxy.link.LinkSettings;
import io.staex.proxy.link.RedialBackoff;
import io.staex.proxy.link.StartupLimits;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.stream.StreamSettings;
import io.staex.routing.RoutingBudget;
import io.staex.routing.RoutingSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads {@code staex.routing}, {@code staex.sessions} and {@code staex.limits} straight into the
 * settings records of the modules that use them: one key may feed several records ({@code
 * handshake-timeout} bounds link and session handshakes and a service's connect), and each
 * record's constructor checks its own rules, reported at the file's key by {@link
 * SettingsErrors}. Values come from the file or {@code reference.conf}, never from the records.
 * Not thread-safe; one instance per read.
 */
final class ProxySettingsReader {
  /** The records for the node's relay, session and stream layers; null parts after a problem. */
  record Result(RelaySettings relay, SessionSettings sessions, StreamSettings streams) {}

  private final Values values;
  private final Map<String, Setting> routing;
  private final Map<String, Setting> sessions;
  private final Map<String, Setting> limits;
  /**
   * Each setting's value once read (empty after a problem), so that a key read for several
   * records is reported once.
   */
  private final Map<Setting, Optional<Object>> read = new HashMap<>();

  /** A missing section (null) has been reported already; its records are then null. */
  ProxySettingsReader(Values values, Section routing, Section sessions, Section limits) {
    this.values = values;
    this.routing = fields(routing, Schema.ROUTING);
    this.sessions = fields(sessions, Schema.SESSIONS);
    this.limits = fields(limits, Schema.LIMITS);
  }

  Result read() {
    RoutingSettings routingSettings = routing();
    LinkSettings link = link(routingSettings != null);
    RedialBackoff backoff = backoff();
    return new Result(relay(routingSettings, link, backoff), sessions(), streams());
  }

  private RoutingSettings routing() {
    Duration keepalive = duration(routing, "keepalive-interval");
    Integer missed = integer(routing, "missed-keepalives", Integer.MIN_VALUE);
    Duration grace = duration(routing, "withdraw-grace");
    Duration refresh = duration(routing, "refresh-interval");
    Duration lifetime = duration(routing, "state-lifetime");
    Duration holdDown = duration(routing, "parent-hold-down");
    Integer maxHops = integer(routing, "max-hops", Integer.MIN_VALUE);
    Integer maxStates = integer(routing, "max-states", Integer.MIN_VALUE);
    Integer maxServices = integer(routing, "max-services", Integer.MIN_VALUE);
    RoutingBudget budget = budget();
    if (anyNull(keepalive, missed, grace, refresh, lifetime, holdDown, maxHops, maxStates,
        maxServices, budget)) {
      return null;
    }
    return SettingsErrors.build(
        () -> new RoutingSettings(
            keepalive, missed, grace, refresh, lifetime, holdDown, maxHops, maxStates,
            maxServices, budget),
        pick(routing, List.of(
            "keepalive-interval", "missed-keepalives", "withdraw-grace", "refresh-interval",
            "state-lifetime", "parent-hold-down", "max-hops", "max-states", "max-services")),
        Map.of(), values.problems());
  }

  /** What one neighbour's link may cost in routing work ({@code limits}). */
  private RoutingBudget budget() {
    Integer messages = integer(limits, "routing-messages-per-second-per-link", 1);
    Integer messageBurst = integer(limits, "routing-message-burst-per-link", 1);
    Integer checks = integer(limits, "signature-checks-per-second-per-link", 1);
    Integer checkBurst = integer(limits, "signature-check-burst-per-link", 1);
    Integer explains = integer(limits, "explain-answers-per-second-per-peer", 1);
    if (anyNull(messages, messageBurst, checks, checkBurst, explains)) {
      return null;
    }
    return SettingsErrors.build(
        () -> new RoutingBudget(messages, messageBurst, checks, checkBurst, explains),
        pick(limits, List.of("routing-messages-per-second-per-link",
            "routing-message-burst-per-link", "signature-checks-per-second-per-link",
            "signature-check-burst-per-link", "explain-answers-per-second-per-peer")),
        Map.of("messagesPerSecond", "routing-messages-per-second-per-link",
            "messageBurst", "routing-message-burst-per-link",
            "checksPerSecond", "signature-checks-per-second-per-link",
            "checkBurst", "signature-check-burst-per-link",
            "explainsPerSecond", "explain-answers-per-second-per-peer"),
        values.problems());
  }

  private RedialBackoff backoff() {
    Duration initial = duration(routing, "redial-initial");
    Duration max = duration(routing, "redial-max");
    Duration recentMax = duration(routing, "redial-recent-max");
    Duration recentWindow = duration(routing, "redial-recent-window");
    if (anyNull(initial, max, recentMax, recentWindow)) {
      return null;
    }
    return SettingsErrors.build(() -> new RedialBackoff(initial, max, recentMax, recentWindow),
        pick(routing, List.of("redial-initial", "redial-max", "redial-recent-max",
            "redial-recent-window")),
        Map.of("initial", "redial-initial", "max", "redial-max", "recentMax",
            "redial-recent-max", "recentWindow", "redial-recent-window"), values.problems());
  }

  /**
   * A link's timers come from routing (keepalives) and limits (handshake, buffers). Built only
   * when routing's keepalive keys passed routing's rules ({@code build}), so that one bad value
   * is reported once; every value is read either way.
   */
  private LinkSettings link(boolean build) {
    Duration keepalive = duration(routing, "keepalive-interval");
    Integer missed = integer(routing, "missed-keepalives", Integer.MIN_VALUE);
    Duration handshake = duration(limits, "handshake-timeout");
    Integer high = bytes(limits, "link-write-buffer-high");
    Integer low = bytes(limits, "link-write-buffer-low");
    if (!build || anyNull(keepalive, missed, handshake, high, low)) {
      return null;
    }
    Map<String, Setting> fields = pick(routing, List.of("keepalive-interval", "missed-keepalives"));
    fields.putAll(pick(limits,
        List.of("handshake-timeout", "link-write-buffer-high", "link-write-buffer-low")));
    return SettingsErrors.build(
        () -> new LinkSettings(
            keepalive, missed, handshake, LinkSettings.MAX_RECORD_SIZE, low, high),
        fields, Map.of("writeBufferLowWaterMark", "link-write-buffer-low",
            "writeBufferHighWaterMark", "link-write-buffer-high"),
        values.problems());
  }

  /** Without a server and parents: the node adds those once it has resolved them. */
  private RelaySettings relay(RoutingSettings routingSettings, LinkSettings link,
      RedialBackoff backoff) {
    Integer maxLinks = integer(limits, "max-links", 1);
    Integer linkBuffer = bytes(limits, "link-buffer-bytes");
    Integer handshakes = integer(limits, "handshakes-per-second-per-source", 1);
    StartupLimits startups = startups();
    Integer hellos = integer(limits, "hellos-per-second-per-link", 1);
    if (anyNull(routingSettings, link, backoff, maxLinks, linkBuffer, handshakes, startups,
        hellos)) {
      return null;
    }
    return SettingsErrors.build(
        () -> new RelaySettings(Optional.empty(), maxLinks, List.of(), link, routingSettings,
            backoff, linkBuffer, handshakes, startups, hellos),
        pick(limits, List.of("max-links", "link-buffer-bytes", "handshakes-per-second-per-source",
            "hellos-per-second-per-link", "link-write-buffer-high")),
        Map.of("linkQueueBytes", "link-buffer-bytes",
            "the link's write buffer high water mark", "link-write-buffer-high"),
        values.problems());
  }

  /** The link server's limits on connections still in the handshake (OpenSSH's MaxStartups). */
  private StartupLimits startups() {
    Integer start = integer(limits, "link-startups-start", 0);
    Integer rate = integer(limits, "link-startups-rate", 0);
    Integer full = integer(limits, "link-startups-full", 1);
    Integer perPrefix = integer(limits, "link-startups-per-prefix", 1);
    Duration first = duration(limits, "link-first-message-timeout");
    if (anyNull(start, rate, full, perPrefix, first)) {
      return null;
    }
    return SettingsErrors.build(
        () -> new StartupLimits(start, rate, full, perPrefix, first),
        pick(limits, List.of("link-startups-start", "link-startups-rate", "link-startups-full",
            "link-startups-per-prefix", "link-first-message-timeout")),
        Map.of("start", "link-startups-start", "rate", "link-startups-rate",
            "full", "link-startups-full", "perPrefix", "link-startups-per-prefix",
            "firstMessageTimeout", "link-first-message-timeout"),
        values.problems());
  }

  private SessionSettings sessions() {
    Integer maxSessions = integer(limits, "max-sessions", 1);
    Integer handshakes = integer(limits, "handshakes-per-second-per-source", 1);
    Duration handshake = duration(limits, "handshake-timeout");
    Duration helloRetry = duration(sessions, "hello-retry");
    Duration idle = duration(limits, "idle-timeout");
    Duration rekey = duration(sessions, "rekey-after");
    Integer queued = bytes(limits, "session-queue-bytes");
    Duration keepalive = duration(sessions, "keepalive-interval");
    Integer allHandshakes = integer(limits, "handshakes-per-second", 1);
    Integer perPeer = integer(sessions, "max-per-peer", 1);
    Duration probe = duration(sessions, "probe-timeout");
    Integer probeAnswers = integer(limits, "probe-answers-per-second-per-peer", 1);
    Duration grace = duration(sessions, "path-grace");
    Integer retransmit = bytes(limits, "session-retransmit-bytes");
    Integer retransmitTotal = bytes(limits, "retransmit-bytes-total");
    if (anyNull(maxSessions, handshakes, handshake, helloRetry, idle, rekey, queued,
        keepalive, allHandshakes, perPeer, probe, probeAnswers, grace, retransmit,
        retransmitTotal)) {
      return null;
    }
    Map<String, Setting> fields = pick(limits, List.of("max-sessions",
        "handshakes-per-second-per-source", "handshake-timeout", "idle-timeout",
        "session-queue-bytes", "handshakes-per-second", "probe-answers-per-second-per-peer",
        "session-retransmit-bytes", "retransmit-bytes-total"));
    fields.putAll(pick(sessions, List.of("hello-retry", "rekey-after", "keepalive-interval",
        "max-per-peer", "probe-timeout", "path-grace")));
    return SettingsErrors.build(
        () -> new SessionSettings(maxSessions, handshakes, handshake, helloRetry, idle, rekey,
            queued, keepalive, allHandshakes, perPeer, probe, probeAnswers, grace, retransmit,
            retransmitTotal),
        fields, Map.of("handshakesPerSecondPerPeer", "handshakes-per-second-per-source",
            "maxQueuedBytes", "session-queue-bytes", "handshakesPerSecond",
            "handshakes-per-second", "maxSessionsPerPeer", "max-per-peer",
            "probeAnswersPerSecondPerPeer", "probe-answers-per-second-per-peer", "pathGrace",
            "path-grace", "retransmitBytes", "session-retransmit-bytes",
            "retransmitBytesTotal", "retransmit-bytes-total"),
        values.problems());
  }

  private StreamSettings streams() {
    Integer perSession = integer(limits, "max-streams-per-session", 1);
    Integer maxStreams = integer(limits, "max-streams", 1);
    Integer window = bytes(limits, "stream-buffer-bytes");
    Duration open = duration(limits, "open-timeout");
    Duration connect = duration(limits, "handshake-timeout");
    Integer datagrams = integer(limits, "datagram-queue", 1);
    Integer windowMax = bytes(limits, "stream-window-max");
    Integer growth = bytesOrZero(limits, "stream-window-growth-total");
    if (anyNull(perSession, maxStreams, window, open, connect, datagrams, windowMax, growth)) {
      return null;
    }
    if (open.compareTo(connect) <= 0) {
      Setting at = limits.get("open-timeout").isDefault()
          ? limits.get("handshake-timeout") : limits.get("open-timeout");
      values.problems().add(at, Reason.INVALID_VALUE,
          "open-timeout " + SettingsErrors.hocon(open) + " is not longer than handshake-timeout "
              + SettingsErrors.hocon(connect) + " (expected: open-timeout > handshake-timeout:"
              + " an open waits for the session handshake and the far end's connect)");
      return null;
    }
    return SettingsErrors.build(
        () -> new StreamSettings(perSession, maxStreams, window, open, connect, datagrams,
            windowMax, growth),
        pick(limits, List.of("max-streams-per-session", "max-streams", "stream-buffer-bytes",
            "open-timeout", "handshake-timeout", "datagram-queue", "stream-window-max",
            "stream-window-growth-total")),
        Map.of("window", "stream-buffer-bytes", "openTimeout", "open-timeout",
            "connectTimeout", "handshake-timeout", "maxStreamsPerSession",
            "max-streams-per-session", "windowMax", "stream-window-max", "windowGrowthTotal",
            "stream-window-growth-total"),
        values.problems());
  }

  /** Every key of {@code schema} to its setting; a missing one is recorded and left out. */
  private static Map<String, Setting> fields(Section section, String schema) {
    Map<String, Setting> fields = new LinkedHashMap<>();
    if (section == null) {
      return fields;
    }
    for (String key : Schema.keys(schema)) {
      Setting s = section.require(key, "a value (see reference.conf)");
      if (s != null) {
        fields.put(key, s);
      }
    }
    return fields;
  }

  /** The settings of {@code keys}, in that order, as the fields one record is built from. */
  private static Map<String, Setting> pick(Map<String, Setting> section, List<String> keys) {
    Map<String, Setting> out = new LinkedHashMap<>();
    for (String key : keys) {
      out.put(key, section.get(key));
    }
    return out;
  }

  private static boolean anyNull(Object... read) {
    for (Object o : read) {
      if (o == null) {
        return true;
      }
    }
    return false;
  }

  private Duration duration(Map<String, Setting> fields, String key) {
    return once(fields.get(key), values::duration);
  }

  private Integer integer(Map<String, Setting> fields, String key, int min) {
    return once(fields.get(key), s -> values.integer(s, min, Integer.MAX_VALUE));
  }

  private Integer bytes(Map<String, Setting> fields, String key) {
    return once(fields.get(key), values::bytes);
  }

  private Integer bytesOrZero(Map<String, Setting> fields, String key) {
    return once(fields.get(key), s -> values.bytes(s, 0));
  }

  @SuppressWarnings("unchecked")
  private <T> T once(Setting s, Function<Setting, T> reader) {
    if (s == null) {
      return null;
    }
    return (T) read.computeIfAbsent(s, k -> Optional.ofNullable(reader.apply(k))).orElse(null);
  }
}
