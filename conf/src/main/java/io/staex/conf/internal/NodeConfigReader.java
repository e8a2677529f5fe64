package io.staex.conf.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.staex.conf.BadConfigException;
import io.staex.conf.ConfigProblem.Reason;
import io.staex.conf.ControlConfig;
import io.staex.conf.ForwardConfig;
import io.staex.conf.HostPort;
import io.staex.conf.MetricsConfig;
import io.staex.conf.NodeConfig;
import io.staex.conf.ParentConfig;
import io.staex.conf.Revocation;
import io.staex.conf.Protocol;
import io.staex.conf.ServiceConfig;
import io.staex.conf.TrustConfig;
import io.staex.crypto.Address;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.exit.ExitPolicy;
import io.staex.proxy.exit.ExitSettings;
import io.staex.proxy.httpproxy.HttpProxySettings;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.udp.UdpSettings;
import io.staex.resolver.Cidr;
import io.staex.resolver.ClientNetwork;
import io.staex.resolver.DnsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
    ProxySettingsReader.Result proxy = new ProxySettingsReader(values,
        section(staex, "routing", Schema.ROUTING), section(staex, "sessions", Schema.SESSIONS),
        section(staex, "limits", Schema.LIMITS)).read();
    Optional<SocksSettings> socks = section(staex, "socks", Schema.SOCKS, this::socks);
    Optional<HttpProxySettings> httpProxy =
        section(staex, "http-proxy", Schema.HTTP_PROXY, this::httpProxy);
    ExitSettings exit = section(staex, "exit", Schema.EXIT, this::exit);
    Optional<DnsSettings> dns = section(staex, "dns", Schema.DNS, this::dns);
    Optional<Path> socket =
        section(staex, "control", Schema.CONTROL, s -> optionalPath(s, "socket", "a path or \"\""));
    Section log = section(staex, "log", Schema.LOG);
    String logLevel = log == null ? null : logLevel(log);
    String logFormat = log == null ? null : logFormat(log);
    Optional<MetricsConfig> metrics = section(staex, "metrics", Schema.METRICS, this::metrics);
    UdpSettings udp = section(staex, "udp", Schema.UDP, this::udp);
    Setting warmupSetting = staex.require("warmup", "true or false");
    Boolean warmup = warmupSetting == null ? null : values.bool(warmupSetting);
    if (!values.problems().isEmpty()) {
      return null;
    }
    return new NodeConfig(
        key, cert, trust, listen, parents, services, forwards, forwardsDir, threads,
        proxy.relay(), proxy.sessions(), proxy.streams(), socks, dns,
        new ControlConfig(socket.orElseGet(() -> ControlConfig.defaultSocket(key))), logLevel,
        logFormat, metrics, socksExits, httpProxy, exit, udp, warmup);
  }

  /**
   * {@code metrics}, empty when {@code listen} is {@code ""}; a non-loopback address only with
   * {@code metrics.allow-public = true} (the counters tell how busy the node is and what it
   * refused, and there is no authentication); null after a problem. Every key is checked
   * either way.
   */
  private Optional<MetricsConfig> metrics(Section section) {
    Optional<HostPort> listen = optionalListen(section);
    Setting publicSetting = section.require("allow-public", "true or false");
    Boolean allowPublic = publicSetting == null ? null : values.bool(publicSetting);
    Setting maxSetting = section.require("max-connections", "a whole number 1~1024");
    Integer max = maxSetting == null ? null : values.integer(maxSetting, 1, 1024);
    Setting timeoutSetting = section.require("timeout", "a duration > 0");
    Duration timeout = timeoutSetting == null ? null : values.duration(timeoutSetting);
    if (listen == null || allowPublic == null || max == null || timeout == null) {
      return null;
    }
    if (timeout.isNegative() || timeout.isZero()) {
      values.invalid(timeoutSetting, "is not positive (expected: a duration > 0)");
      return null;
    }
    if (listen.isPresent() && !allowPublic && !Hosts.isLoopback(listen.get().host())) {
      values.invalid(section.require("listen", ""), "is not a loopback address (expected: a"
          + " loopback address such as 127.0.0.1:9464, or metrics.allow-public = true to serve"
          + " the node's counters, unauthenticated, to that network)");
      return null;
    }
    return listen.map(l -> new MetricsConfig(l, allowPublic, max, timeout));
  }

  /** {@code udp}: the limits of UDP flows; null after a problem. */
  private UdpSettings udp(Section section) {
    Map<String, Setting> fields = new LinkedHashMap<>();
    Setting idle = require(section, "idle-timeout", "a duration", fields);
    Setting perForward = require(section, "max-flows-per-forward", "a whole number >= 1",
        fields);
    Setting perService = require(section, "max-flows-per-service", "a whole number >= 1",
        fields);
    Setting perAssociation = require(section, "max-flows-per-association",
        "a whole number >= 1", fields);
    Duration idleTimeout = idle == null ? null : values.duration(idle);
    Integer f = perForward == null ? null : values.integer(perForward, 1, Integer.MAX_VALUE);
    Integer s = perService == null ? null : values.integer(perService, 1, Integer.MAX_VALUE);
    Integer a = perAssociation == null
        ? null : values.integer(perAssociation, 1, Integer.MAX_VALUE);
    if (anyNull(idleTimeout, f, s, a)) {
      return null;
    }
    return SettingsErrors.build(() -> new UdpSettings(idleTimeout, f, s, a), fields,
        Map.of("idleTimeout", "idle-timeout", "maxFlowsPerForward", "max-flows-per-forward",
            "maxFlowsPerService", "max-flows-per-service", "maxFlowsPerAssociation",
            "max-flows-per-association"), values.problems());
  }

  /** {@code log.level}, lower case; null after a problem. */
  private String logLevel(Section section) {
    String expected = "one of " + String.join(", ", NodeConfig.LOG_LEVELS);
    Setting s = section.require("level", expected);
    String text = s == null ? null : values.string(s, expected);
    if (text == null) {
      return null;
    }
    String level = text.strip().toLowerCase(Locale.ROOT);
    if (!NodeConfig.LOG_LEVELS.contains(level)) {
      values.invalid(s, "is not a log level (expected: " + expected + ")");
      return null;
    }
    return level;
  }

  /** {@code log.format}, lower case; null after a problem. */
  private String logFormat(Section section) {
    String expected = "one of " + String.join(", ", NodeConfig.LOG_FORMATS);
    Setting s = section.require("format", expected);
    String text = s == null ? null : values.string(s, expected);
    if (text == null) {
      return null;
    }
    String format = text.strip().toLowerCase(Locale.ROOT);
    if (!NodeConfig.LOG_FORMATS.contains(format)) {
      values.invalid(s, "is not a log format (expected: " + expected + ")");
      return null;
    }
    return format;
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
    Section section = section(parent, name, schema);
    return section == null ? null : reader.read(section);
  }

  /** The section {@code name}, or null after recording why it is not one. */
  private Section section(Section parent, String name, String schema) {
    Setting s = parent.require(name, "an object: " + name + " { ... }");
    return s == null ? null : Section.of(s, schema, "an object: " + name + " { ... }", values);
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
    int distinct = nets == null ? 0 : new HashSet<>(nets).size();
    if (distinct > TrustPolicy.MAX_TRUSTED_NETWORKS) {
      values.problems().add(networks, Reason.INVALID_VALUE, distinct + " networks (expected: at most " + TrustPolicy.MAX_TRUSTED_NETWORKS + "; a node names"
          + " them in its routing state so that their members may look up its name)");
      nets = null;
    }
    List<Address> pinned = nodes == null ? null : values.addresses(nodes, "node addresses");
    List<Revocation> revocations = revoked == null ? null : revocations(revoked);
    Setting maxRevocations = trust.require("max-revocations", "a whole number >= 0");
    Integer max = maxRevocations == null ? null
        : values.integer(maxRevocations, 0, Integer.MAX_VALUE);
    Optional<Path> file = optionalPath(trust, "revocations-file", "a path, or \"\"");
    if (nets == null || pinned == null || revocations == null || max == null || file == null) {
      return null;
    }
    return new TrustConfig(nets, pinned, revocations, max, file);
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

  /** {@code socks.exit}, read with the socks section. */
  private List<String> socksExits;

  /** Empty when {@code listen} is {@code ""}; every key is checked either way. */
  private Optional<HttpProxySettings> httpProxy(Section section) {
    Optional<HostPort> listen = optionalListen(section);
    Map<String, Setting> fields = new LinkedHashMap<>();
    Setting t = require(section, "handshake-timeout", "a duration", fields);
    Setting p = require(section, "max-pending-handshakes", "a whole number >= 1", fields);
    Setting hb = require(section, "max-header-bytes", "a size in bytes >= 256", fields);
    Setting hc = require(section, "max-headers", "a whole number >= 1", fields);
    Setting user = section.require("username", "a username, or \"\" for none");
    Setting pass = section.require("password", "a password, or \"\" for none");
    String u = user == null ? null : values.string(user, "a username, or \"\" for none");
    String pw = pass == null ? null : values.string(pass, "a password, or \"\" for none");
    Duration timeout = t == null ? null : values.duration(t);
    Integer pending = p == null ? null : values.integer(p, 1, Integer.MAX_VALUE);
    Integer bytes = hb == null ? null : values.bytes(hb);
    Integer count = hc == null ? null : values.integer(hc, 1, Integer.MAX_VALUE);
    if (anyNull(listen, timeout, pending, bytes, count, u, pw)) {
      return null;
    }
    if (u.isEmpty() != pw.isEmpty()) {
      values.invalid(u.isEmpty() ? pass : user, "is given without its partner (expected: both"
          + " http-proxy.username and http-proxy.password, or neither)");
      return null;
    }
    if (u.indexOf(':') >= 0) {
      values.invalid(user, "holds ':' (expected: a username without ':', which HTTP Basic"
          + " authentication puts between username and password)");
      return null;
    }
    if (listen.isPresent() && u.isEmpty() && !Hosts.isLoopback(listen.get().host())) {
      values.invalid(section.require("listen", ""), "is not a loopback address, and the HTTP"
          + " proxy has no credentials (expected: a loopback address such as 127.0.0.1:3128,"
          + " or http-proxy.username and http-proxy.password)");
      return null;
    }
    fields.put("username", user);
    fields.put("password", pass);
    Optional<SocksSettings.Credentials> credentials = u.isEmpty() ? Optional.empty()
        : Optional.ofNullable(SettingsErrors.build(
            () -> new SocksSettings.Credentials("http-proxy", u, pw), fields, Map.of(),
            values.problems()));
    if (!u.isEmpty() && credentials.isEmpty()) {
      return null;
    }
    if (listen.isEmpty()) {
      return Optional.empty();
    }
    HttpProxySettings settings = SettingsErrors.build(() -> new HttpProxySettings(
        socketAddress(listen.get()), credentials, timeout, pending, bytes, count), fields,
        Map.of(), values.problems());
    return settings == null ? null : Optional.of(settings);
  }

  private ExitSettings exit(Section section) {
    Map<String, Setting> fields = new LinkedHashMap<>();
    Setting en = require(section, "enabled", "true or false", fields);
    Setting al = require(section, "allow", "a list of node or network addresses", fields);
    Setting de = require(section, "destinations", "a list of CIDRs, domains and ports", fields);
    Setting dp = require(section, "deny-private", "true or false", fields);
    Setting ct = require(section, "connect-timeout", "a duration", fields);
    Boolean enabled = en == null ? null : values.bool(en);
    List<io.staex.crypto.Address> allow =
        al == null ? null : values.addresses(al, "node or network addresses");
    List<String> destinations = de == null ? null : strings(de, "CIDRs, domains and ports");
    Boolean denyPrivate = dp == null ? null : values.bool(dp);
    Duration timeout = ct == null ? null : values.duration(ct);
    if (anyNull(enabled, allow, destinations, denyPrivate, timeout)) {
      return null;
    }
    try {
      ExitPolicy.of(destinations, denyPrivate);
    } catch (IllegalArgumentException e) {
      values.invalid(de, "is wrong: " + e.getMessage());
      return null;
    }
    return SettingsErrors.build(() -> new ExitSettings(enabled, allow, destinations,
        denyPrivate, timeout), fields, Map.of(), values.problems());
  }

  /** A list of strings, or null if any is not one. */
  private List<String> strings(Setting s, String expected) {
    List<Setting> items = values.list(s, "a list of " + expected);
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Setting item : items) {
      String v = values.string(item, expected);
      if (v == null) {
        return null;
      }
      out.add(v);
    }
    return out;
  }

  /** Empty when {@code listen} is {@code ""}; every key is checked either way. */
  private Optional<SocksSettings> socks(Section section) {
    Setting exitSetting = section.require("exit", "a list of .staex names");
    socksExits = exitSetting == null ? null : strings(exitSetting, ".staex names");
    if (socksExits != null) {
      for (String e : socksExits) {
        if (!e.toLowerCase(Locale.ROOT).replaceAll("\\.$", "").endsWith(".staex")) {
          values.invalid(exitSetting, "holds \"" + e + "\", not a .staex name (expected: exit"
              + " nodes' names such as gw1.staex, or <address>.staex)");
          socksExits = null;
          break;
        }
      }
    }
    Optional<HostPort> listen = optionalListen(section);
    Setting user = section.require("username", "a username, or \"\" for none");
    Setting pass = section.require("password", "a password, or \"\" for none");
    String u = user == null ? null : values.string(user, "a username, or \"\" for none");
    String p = pass == null ? null : values.string(pass, "a password, or \"\" for none");
    Map<String, Setting> fields = new LinkedHashMap<>();
    Setting timeoutSetting = require(section, "handshake-timeout", "a duration", fields);
    Setting pendingSetting = require(section, "max-pending-handshakes", "a whole number >= 1",
        fields);
    Duration timeout = timeoutSetting == null ? null : values.duration(timeoutSetting);
    Integer pending = pendingSetting == null
        ? null : values.integer(pendingSetting, 1, Integer.MAX_VALUE);
    if (anyNull(listen, u, p, timeout, pending)) {
      return null;
    }
    if (u.isEmpty() != p.isEmpty()) {
      values.invalid(u.isEmpty() ? pass : user, "is given without its partner (expected: both"
          + " socks.username and socks.password, or neither)");
      return null;
    }
    if (listen.isPresent() && u.isEmpty() && !Hosts.isLoopback(listen.get().host())) {
      values.invalid(section.require("listen", ""), "is not a loopback address, and the proxy"
          + " has no credentials (expected: a loopback address such as 127.0.0.1:1080, or"
          + " socks.username and socks.password)");
      return null;
    }
    fields.put("username", user);
    fields.put("password", pass);
    Optional<SocksSettings.Credentials> credentials = u.isEmpty() ? Optional.empty()
        : Optional.ofNullable(SettingsErrors.build(() -> new SocksSettings.Credentials(u, p),
            fields, Map.of(), values.problems()));
    if (!u.isEmpty() && credentials.isEmpty()) {
      return null;
    }
    if (listen.isEmpty()) {
      return Optional.empty();
    }
    SocksSettings settings = SettingsErrors.build(
        () -> new SocksSettings(socketAddress(listen.get()), credentials, timeout, pending),
        fields, Map.of(), values.problems());
    return settings == null ? null : Optional.of(settings);
  }

  /**
   * Empty when {@code listen} is {@code ""} (then no address is ever handed out, so the node
   * needs no pool either); every key is checked either way. With {@code forward = false} the
   * upstreams are not used.
   */
  private Optional<DnsSettings> dns(Section section) {
    Optional<HostPort> listen = optionalListen(section);
    Map<String, Setting> fields = new LinkedHashMap<>();
    Setting poolSetting = require(section, "pool", "an IPv4 range such as 127.77.0.0/16", fields);
    Cidr pool = poolSetting == null ? null : values.parse(poolSetting, "an IPv4 range",
        "an IPv4 range such as 127.77.0.0/16", Cidr::parse);
    Setting ttl = require(section, "answer-ttl", "a duration", fields);
    Duration answerTtl = ttl == null ? null : values.duration(ttl);
    Setting poolTtlSetting = require(section, "pool-ttl", "a duration", fields);
    Duration poolTtl = poolTtlSetting == null ? null : values.duration(poolTtlSetting);
    Setting forward = require(section, "forward", "true, false or via-exit", fields);
    DnsSettings.Upstream fwd = forward == null ? null : forwardMode(forward);
    Setting ups = require(section, "upstreams", "a list of host:port", fields);
    List<HostPort> upstreams = ups == null ? null : values.hostPorts(ups);
    Setting lookup = require(section, "lookup-timeout", "a duration", fields);
    Duration lookupTimeout = lookup == null ? null : values.duration(lookup);
    Setting tcp = require(section, "max-tcp-connections", "a whole number 1~65535", fields);
    Integer maxTcp = tcp == null ? null : values.integer(tcp, Integer.MIN_VALUE, Integer.MAX_VALUE);
    Setting idle = require(section, "tcp-idle-timeout", "a duration", fields);
    Duration tcpIdle = idle == null ? null : values.duration(idle);
    Setting allowSetting = require(section, "allow", "a list of networks such as 10.0.0.0/8",
        fields);
    List<ClientNetwork> allow = allowSetting == null ? null : clientNetworks(allowSetting);
    Setting rate = require(section, "max-new-names-per-second", "a whole number 1~100000",
        fields);
    Integer newNames = rate == null ? null
        : values.integer(rate, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (anyNull(listen, pool, answerTtl, poolTtl, fwd, upstreams, lookupTimeout, maxTcp,
        tcpIdle, allow, newNames)) {
      return null;
    }
    if (listen.isPresent() && allow.isEmpty() && !Hosts.isLoopback(listen.get().host())) {
      values.invalid(section.require("listen", ""), "is not a loopback address, and dns.allow"
          + " names no client networks (expected: a loopback address such as 127.0.0.1:5353,"
          + " or dns.allow = [ \"10.0.0.0/8\", ... ]: the networks allowed to ask)");
      return null;
    }
    if (fwd == DnsSettings.Upstream.VIA_EXIT) {
      if (upstreams.isEmpty()) {
        values.invalid(ups.isDefault() ? forward : ups, (ups.isDefault() ? "is via-exit, and"
            + " dns.upstreams is empty" : "is empty, and dns.forward = via-exit") + " (expected:"
            + " dns.upstreams = the resolvers the exit should ask, e.g. [ \"9.9.9.9:53\" ];"
            + " this machine's are not the exit's)");
        return null;
      }
      if (socksExits != null && socksExits.isEmpty()) {
        values.invalid(forward, "is via-exit, and socks.exit names no exit (expected:"
            + " socks.exit = [ \"gw1.staex\" ], or dns.forward = true or false)");
        return null;
      }
    }
    if (listen.isEmpty()) {
      return Optional.empty();
    }
    DnsSettings.Upstream upstream = fwd;
    List<InetSocketAddress> servers = new ArrayList<>();
    if (fwd == DnsSettings.Upstream.FORWARD) {
      upstreams.forEach(hp -> servers.add(socketAddress(hp)));
    } else if (fwd == DnsSettings.Upstream.VIA_EXIT) {
      // the exit resolves a name: never looked up here (this node may have no DNS at all)
      upstreams.forEach(hp -> servers.add(
          InetSocketAddress.createUnresolved(hp.host(), hp.port())));
    }
    DnsSettings settings = SettingsErrors.build(
        () -> new DnsSettings(socketAddress(listen.get()), pool, answerTtl, poolTtl, upstream,
            servers, lookupTimeout, maxTcp, tcpIdle, allow, newNames),
        fields, Map.of(), values.problems());
    return settings == null ? null : Optional.of(settings);
  }

  /**
   * {@code dns.forward}: false (REFUSE), true (FORWARD) or {@code via-exit}; null after
   * recording a problem.
   */
  private DnsSettings.Upstream forwardMode(Setting s) {
    if (s.value().valueType() == com.typesafe.config.ConfigValueType.BOOLEAN) {
      return Boolean.TRUE.equals(s.value().unwrapped()) ? DnsSettings.Upstream.FORWARD
          : DnsSettings.Upstream.REFUSE;
    }
    String v = values.string(s, "true, false or via-exit");
    if (v == null) {
      return null;
    }
    if (v.equals("via-exit")) {
      return DnsSettings.Upstream.VIA_EXIT;
    }
    values.invalid(s, "is \"" + v + "\" (expected: true, false or via-exit)");
    return null;
  }

  /** The client networks of {@code dns.allow}, or null if any is wrong. */
  private List<ClientNetwork> clientNetworks(Setting s) {
    List<Setting> items = values.list(s, "a list of networks such as 10.0.0.0/8");
    if (items == null) {
      return null;
    }
    List<ClientNetwork> out = new ArrayList<>();
    boolean ok = true;
    for (Setting item : items) {
      ClientNetwork n = values.parse(item, "a network", "a network such as 10.0.0.0/8",
          ClientNetwork::parse);
      ok &= n != null;
      out.add(n);
    }
    return ok ? out : null;
  }

  /** The setting {@code name}, also put in {@code fields}; null after recording it missing. */
  private static Setting require(Section section, String name, String expected,
      Map<String, Setting> fields) {
    Setting s = section.require(name, expected);
    if (s != null) {
      fields.put(name, s);
    }
    return s;
  }

  /**
   * Where to listen or send to. An IP literal is taken as it is; a host name is looked up now,
   * as binding would (one that does not resolve stays unresolved, and binding it fails).
   */
  private static InetSocketAddress socketAddress(HostPort hp) {
    return new InetSocketAddress(hp.host(), hp.port());
  }

  private static boolean anyNull(Object... read) {
    for (Object o : read) {
      if (o == null) {
        return true;
      }
    }
    return false;
  }
}
