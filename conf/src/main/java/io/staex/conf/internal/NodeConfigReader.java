package io.staex.conf.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.staex.conf.BadConfigException;
import io.staex.conf.ConfigProblem.Reason;
import io.staex.conf.ControlConfig;
import io.staex.conf.DnsConfig;
import io.staex.conf.ForwardConfig;
import io.staex.conf.HostPort;
import io.staex.conf.Limits;
import io.staex.conf.NodeConfig;
import io.staex.conf.ParentConfig;
import io.staex.conf.Revocation;
import io.staex.conf.Protocol;
import io.staex.conf.ServiceConfig;
import io.staex.conf.SocksConfig;
import io.staex.conf.TrustConfig;
import io.staex.crypto.Address;
import io.staex.routing.RoutingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a node's HOCON file into a {@link NodeConfig}, in four steps: parse the file, merge
 * {@code reference.conf} under it and resolve substitutions, read every section (recording
 * every problem rather than stopping at the first), and build the records only if none was
 * found. Not thread-safe; one instance per read.
 */
public final class NodeConfigReader {
  private static final String PARENT =
      "{ address = \"host:port\", key = \"<the parent's address>\" }";
  private static final String SERVICE =
      "{ port = 80, target = \"host:port\", allow = [ addresses or network keys ] }";

  private final Path base;
  private final Values values;
  /** Every listen address so far, to where it is set, so a second use is reported. */
  private final Map<HostPort, String> listens = new LinkedHashMap<>();

  private NodeConfigReader(Path base, Problems problems) {
    this.base = base;
    this.values = new Values(problems);
  }

  /** See {@link NodeConfig#load(Path)}. */
  public static NodeConfig read(Path file) throws BadConfigException {
    Problems problems = new Problems();
    Config user = HoconFiles.parse(file, problems);
    problems.throwIfAny();
    Config merged =
        HoconFiles.resolve(
            user.withFallback(HoconFiles.reference()), file.toString(), problems);
    problems.throwIfAny();
    Path base = file.toAbsolutePath().normalize().getParent();
    NodeConfig config = new NodeConfigReader(base, problems).read(user, merged);
    problems.throwIfAny();
    return config;
  }

  private NodeConfig read(Config user, Config merged) {
    checkTopLevel(user);
    Section staex =
        Section.of(
            new Setting(Schema.STAEX, merged.root().get(Schema.STAEX)), Schema.STAEX,
            "an object: staex { ... }", values);
    if (staex == null) {
      return null;
    }
    Path key = path(staex, "key", "the node's private key file");
    Path cert = path(staex, "cert", "the node's certificate file");
    TrustConfig trust = section(staex, "trust", Schema.TRUST, this::trust);
    Optional<HostPort> listen = optionalListen(staex);
    List<ParentConfig> parents = parents(staex.require("parents", "a list of " + PARENT));
    List<ServiceConfig> services = services(staex.require("services", "a list of " + SERVICE));
    Setting forwardList = staex.require("forwards", "a list of " + ForwardEntries.ENTRY);
    List<ForwardConfig> forwards =
        forwardList == null ? null : ForwardEntries.read(forwardList, values, listens);
    Optional<Path> forwardsDir = optionalPath(staex, "forwards-dir", "a folder, or \"\"");
    Setting threadSetting = staex.require("threads", "a whole number 1~" + NodeConfig.MAX_THREADS);
    Integer threads = threadSetting == null
        ? null : values.integer(threadSetting, 1, NodeConfig.MAX_THREADS);
    RoutingSettings routing = section(staex, "routing", Schema.ROUTING, this::routing);
    Limits limits = section(staex, "limits", Schema.LIMITS, this::limits);
    SocksConfig socks = section(staex, "socks", Schema.SOCKS, this::socks);
    DnsConfig dns = section(staex, "dns", Schema.DNS, this::dns);
    Optional<Path> socket =
        section(staex, "control", Schema.CONTROL, s -> optionalPath(s, "socket", "a path or \"\""));
    if (!values.problems().isEmpty()) {
      return null;
    }
    return new NodeConfig(
        key, cert, trust, listen, parents, services, forwards, forwardsDir, threads, routing,
        limits, socks, dns,
        new ControlConfig(socket.orElseGet(() -> ControlConfig.defaultSocket(key))));
  }

  /**
   * Other top-level keys are the file's own business (HOCON files often define values there to
   * substitute), but one that looks like a misspelt {@code staex} is an error: its whole content
   * would otherwise be ignored.
   */
  private void checkTopLevel(Config user) {
    for (Map.Entry<String, ConfigValue> e : user.root().entrySet()) {
      String name = e.getKey();
      if (!name.equals(Schema.STAEX)
          && Levenshtein.distance(name.toLowerCase(Locale.ROOT), Schema.STAEX)
              <= Schema.MAX_TYPO_DISTANCE) {
        values.problems().add(
            e.getValue().origin(), name, Reason.UNKNOWN_KEY,
            "unknown key, did you mean " + Schema.STAEX + "? (expected: " + Schema.STAEX
                + " { ... }; other top-level keys are only for substitutions)");
      }
    }
  }

  private interface SectionReader<T> {
    T read(Section section);
  }

  private <T> T section(Section parent, String name, String schema, SectionReader<T> reader) {
    Setting s = parent.require(name, "an object: " + name + " { ... }");
    Section section =
        s == null ? null : Section.of(s, schema, "an object: " + name + " { ... }", values);
    return section == null ? null : reader.read(section);
  }

  private Path path(Section section, String name, String expected) {
    Setting s = section.require(name, expected);
    return s == null ? null : values.path(s, base, expected);
  }

  /** Empty for {@code ""}, else a path; null after a problem. */
  private Optional<Path> optionalPath(Section section, String name, String expected) {
    Setting s = section.require(name, expected);
    String text = s == null ? null : values.string(s, expected);
    if (text == null) {
      return null;
    }
    if (text.isBlank()) {
      return Optional.empty();
    }
    Path p = values.path(s, base, expected);
    return p == null ? null : Optional.of(p);
  }

  /**
   * The section's {@code listen}: empty for {@code ""} (off), else a host:port used by nothing
   * else; null after a problem.
   */
  private Optional<HostPort> optionalListen(Section section) {
    String expected = "host:port such as 127.0.0.1:1080, or \"\" for off";
    Setting s = section.require("listen", expected);
    String text = s == null ? null : values.string(s, expected);
    if (text == null) {
      return null;
    }
    if (text.isBlank()) {
      return Optional.empty();
    }
    HostPort hp = values.hostPort(s);
    if (hp == null || !ForwardEntries.claim(hp, s, values, listens)) {
      return null;
    }
    return Optional.of(hp);
  }

  private TrustConfig trust(Section trust) {
    Setting networks = trust.require("networks", "a list of network addresses");
    Setting nodes = trust.require("nodes", "a list of node addresses");
    Setting revoked = trust.require("revoked", "a list of addresses or serial:<hex>");
    List<Address> nets = networks == null ? null : values.addresses(networks, "network addresses");
    List<Address> pinned = nodes == null ? null : values.addresses(nodes, "node addresses");
    List<Revocation> revocations = revoked == null ? null : revocations(revoked);
    if (nets == null || pinned == null || revocations == null) {
      return null;
    }
    return new TrustConfig(nets, pinned, revocations);
  }

  private List<Revocation> revocations(Setting revoked) {
    String expected = "an address, or serial:<hex> (a certificate serial number)";
    List<Setting> items = values.list(revoked, "a list of addresses or serial:<hex>");
    if (items == null) {
      return null;
    }
    List<Revocation> out = new ArrayList<>();
    for (Setting item : items) {
      out.add(values.parse(item, "a revocation", expected, Revocation::parse));
    }
    return out.contains(null) ? null : out;
  }

  private List<ParentConfig> parents(Setting list) {
    List<Setting> entries = list == null ? null : values.list(list, "a list of " + PARENT);
    if (entries == null) {
      return null;
    }
    List<ParentConfig> out = new ArrayList<>();
    Map<Address, Setting> keys = new HashMap<>();
    Map<HostPort, Setting> addresses = new HashMap<>();
    for (Setting entry : entries) {
      Section e = Section.of(entry, Schema.PARENT, PARENT, values);
      if (e == null) {
        continue;
      }
      Setting addressSetting = e.require("address", "the parent's host:port");
      Setting keySetting = e.require("key", "the parent's 55-character address");
      HostPort address = addressSetting == null ? null : values.hostPort(addressSetting);
      Address key = keySetting == null ? null : values.address(keySetting);
      // Both checks run, so that a duplicate address and a duplicate key are both reported.
      boolean addressUnique = unique(address, addressSetting, addresses, "each parent once");
      boolean keyUnique = unique(key, keySetting, keys, "each parent once");
      if (address != null && key != null && addressUnique && keyUnique) {
        out.add(new ParentConfig(address, key));
      }
    }
    return out;
  }

  private List<ServiceConfig> services(Setting list) {
    List<Setting> entries = list == null ? null : values.list(list, "a list of " + SERVICE);
    if (entries == null) {
      return null;
    }
    List<ServiceConfig> out = new ArrayList<>();
    Map<Integer, Setting> ports = new HashMap<>();
    for (Setting entry : entries) {
      Section e = Section.of(entry, Schema.SERVICE, SERVICE, values);
      if (e == null) {
        continue;
      }
      Setting portSetting = e.require("port", "the overlay port, " + Ports.MIN + "~" + Ports.MAX);
      Integer port = portSetting == null ? null : values.integer(portSetting, Ports.MIN, Ports.MAX);
      Setting targetSetting = e.require("target", "the host:port streams are connected to");
      HostPort target = targetSetting == null ? null : values.hostPort(targetSetting);
      Optional<Setting> allowSetting = e.get("allow");
      List<Address> allow =
          allowSetting.isEmpty()
              ? List.of()
              : values.addresses(allowSetting.get(), "node addresses or network keys");
      Protocol protocol = ForwardEntries.protocol(e, values);
      boolean unique = unique(port, portSetting, ports, "each port once");
      if (port != null && target != null && allow != null && protocol != null && unique) {
        out.add(new ServiceConfig(port, target, allow, protocol));
      }
    }
    return out;
  }

  /** Whether {@code value} is new in {@code seen}; records a duplicate otherwise. */
  private <T> boolean unique(T value, Setting s, Map<T, Setting> seen, String expected) {
    if (value == null) {
      return true;
    }
    Setting previous = seen.putIfAbsent(value, s);
    if (previous != null) {
      values.problems().add(
          s, Reason.DUPLICATE,
          s.rendered() + " is already used by " + previous.where() + " (expected: " + expected
              + ")");
      return false;
    }
    return true;
  }

  private RoutingSettings routing(Section routing) {
    Map<String, Setting> fields = fields(routing, Schema.ROUTING);
    Duration keepalive = duration(fields, "keepalive-interval");
    Integer missed = integer(fields, "missed-keepalives");
    Duration grace = duration(fields, "withdraw-grace");
    Duration refresh = duration(fields, "refresh-interval");
    Duration lifetime = duration(fields, "state-lifetime");
    Duration holdDown = duration(fields, "parent-hold-down");
    Integer maxHops = integer(fields, "max-hops");
    Integer maxStates = integer(fields, "max-states");
    Integer maxServices = integer(fields, "max-services");
    if (anyNull(keepalive, missed, grace, refresh, lifetime, holdDown, maxHops, maxStates,
        maxServices)) {
      return null;
    }
    return SettingsErrors.build(
        () -> new RoutingSettings(
            keepalive, missed, grace, refresh, lifetime, holdDown, maxHops, maxStates,
            maxServices),
        fields, values.problems());
  }

  private Limits limits(Section limits) {
    Map<String, Setting> fields = fields(limits, Schema.LIMITS);
    Integer maxLinks = positive(fields, "max-links");
    Integer maxSessions = positive(fields, "max-sessions");
    Integer maxStreams = positive(fields, "max-streams-per-session");
    Integer maxNodeStreams = positive(fields, "max-streams");
    Integer streamBuffer = bytes(fields, "stream-buffer-bytes");
    Integer linkBuffer = bytes(fields, "link-buffer-bytes");
    Integer handshakes = positive(fields, "handshakes-per-second-per-source");
    Duration idle = duration(fields, "idle-timeout");
    Duration handshake = duration(fields, "handshake-timeout");
    Integer datagramQueue = positive(fields, "datagram-queue");
    if (anyNull(maxLinks, maxSessions, maxStreams, maxNodeStreams, streamBuffer, linkBuffer,
        handshakes, idle, handshake, datagramQueue)) {
      return null;
    }
    return SettingsErrors.build(
        () -> new Limits(
            maxLinks, maxSessions, maxStreams, maxNodeStreams, streamBuffer, linkBuffer,
            handshakes, idle, handshake, datagramQueue),
        fields, values.problems());
  }

  /** Every key of {@code schema} to its setting; a missing one is recorded and left out. */
  private static Map<String, Setting> fields(Section section, String schema) {
    Map<String, Setting> fields = new LinkedHashMap<>();
    for (String key : Schema.keys(schema)) {
      Setting s = section.require(key, "a value (see reference.conf)");
      if (s != null) {
        fields.put(key, s);
      }
    }
    return fields;
  }

  private SocksConfig socks(Section section) {
    Optional<HostPort> listen = optionalListen(section);
    Setting user = section.require("username", "a username, or \"\" for none");
    Setting pass = section.require("password", "a password, or \"\" for none");
    String u = user == null ? null : values.string(user, "a username, or \"\" for none");
    String p = pass == null ? null : values.string(pass, "a password, or \"\" for none");
    if (anyNull(listen, u, p)) {
      return null;
    }
    if (u.isEmpty() != p.isEmpty()) {
      values.invalid(u.isEmpty() ? pass : user, "is given without its partner (expected: both"
          + " socks.username and socks.password, or neither)");
      return null;
    }
    Optional<SocksConfig.Credentials> credentials = u.isEmpty()
        ? Optional.empty() : Optional.of(new SocksConfig.Credentials(u, p));
    if (listen.isPresent() && credentials.isEmpty() && !Hosts.isLoopback(listen.get().host())) {
      values.invalid(section.require("listen", ""), "is not a loopback address, and the proxy"
          + " has no credentials (expected: a loopback address such as 127.0.0.1:1080, or"
          + " socks.username and socks.password)");
      return null;
    }
    return new SocksConfig(listen, credentials);
  }

  private DnsConfig dns(Section section) {
    Optional<HostPort> listen = optionalListen(section);
    Setting pool = section.require("pool", "an IPv4 range such as 127.77.0.0/16");
    String cidr = pool == null ? null
        : values.parse(pool, "an IPv4 range", "an IPv4 range such as 127.77.0.0/16", c -> {
          Hosts.checkIpv4Range(c);
          return c;
        });
    Setting ttl = section.require("answer-ttl", "a duration");
    Duration answerTtl = ttl == null ? null : values.duration(ttl);
    Setting forward = section.require("forward", "true or false");
    Boolean fwd = forward == null ? null : values.bool(forward);
    Setting ups = section.require("upstreams", "a list of host:port");
    List<HostPort> upstreams = ups == null ? null : values.hostPorts(ups);
    if (anyNull(listen, cidr, answerTtl, fwd, upstreams)) {
      return null;
    }
    return new DnsConfig(listen, cidr, answerTtl, fwd, upstreams);
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
    Setting s = fields.get(key);
    return s == null ? null : values.duration(s);
  }

  private Integer integer(Map<String, Setting> fields, String key) {
    Setting s = fields.get(key);
    return s == null ? null : values.integer(s, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  private Integer positive(Map<String, Setting> fields, String key) {
    Setting s = fields.get(key);
    return s == null ? null : values.integer(s, 1, Integer.MAX_VALUE);
  }

  private Integer bytes(Map<String, Setting> fields, String key) {
    Setting s = fields.get(key);
    return s == null ? null : values.bytes(s);
  }
}
