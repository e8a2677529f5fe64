package io.staex.node;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import io.staex.conf.ForwardConfig;
import io.staex.conf.ForwardFile;
import io.staex.conf.HostPort;
import io.staex.conf.Target;
import io.staex.conf.MetricsConfig;
import io.staex.conf.NodeConfig;
import io.staex.conf.ParentConfig;
import io.staex.conf.Protocol;
import io.staex.conf.ServiceConfig;
import io.staex.crypto.Address;
import io.staex.crypto.BadCertificateException;
import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.KeyFileException;
import io.staex.crypto.KeyFiles;
import io.staex.crypto.Rejection;
import io.staex.crypto.BadRevocationException;
import io.staex.crypto.Revocations;
import io.staex.crypto.SignedRevocation;
import io.staex.crypto.TrustPolicy;
import io.staex.crypto.Verdict;
import io.staex.node.NodeStatus.Direction;
import io.staex.node.NodeStatus.ForwardStatus;
import io.staex.node.NodeStatus.LinkStatus;
import io.staex.node.NodeStatus.ServiceStatus;
import io.staex.node.internal.CertificateExpiry;
import io.staex.node.internal.ConfigDiff;
import io.staex.node.internal.Reload;
import io.staex.node.internal.ErrorLog;
import io.staex.node.internal.Failures;
import io.staex.node.internal.RevocationsKeeper;
import io.staex.node.internal.ForwardsDiff;
import io.staex.node.internal.ForwardsWatcher;
import io.staex.node.internal.MetricsJvm;
import io.staex.node.internal.MetricsServer;
import io.staex.node.internal.NodeDiagnostics;
import io.staex.node.internal.control.ControlServer;
import io.staex.node.internal.control.StatusMetrics;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.ParentConnector;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.forward.Forward;
import io.staex.proxy.forward.PortForwards;
import io.staex.proxy.names.CertifiedNames;
import io.staex.routing.RoutingNode;
import io.staex.proxy.names.NameResult;
import io.staex.proxy.exit.ExitCounters;
import io.staex.proxy.exit.ExitDns;
import io.staex.proxy.exit.ExitNode;
import io.staex.proxy.httpproxy.HttpProxy;
import io.staex.proxy.httpproxy.HttpProxySettings;
import io.staex.proxy.socks.Router;
import io.staex.proxy.socks.SocksServer;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamAcceptor;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.socks.SocksTarget;
import io.staex.proxy.socks.SocksTargets;
import io.staex.resolver.AddressPool;
import io.staex.resolver.DnsServer;
import io.staex.resolver.DnsStats;
import io.staex.resolver.DnsSettings;
import io.staex.resolver.NameAnswer;
import io.staex.resolver.NameResolver;
import io.staex.proxy.relay.Relay;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.service.Service;
import io.staex.proxy.service.Services;
import io.staex.proxy.session.SessionInfo;
import io.staex.proxy.stream.StreamInfo;
import io.staex.proxy.stream.StreamProtocol;
import io.staex.proxy.udp.UdpCounters;
import io.staex.proxy.udp.UdpServiceFlows;
import io.staex.proxy.stream.Streams;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole running node, made from its {@link NodeConfig}: the relay (links to children and
 * parents, routing, forwarding), the control endpoint {@code staex status} talks to, and the
 * watcher of its forwards folder. No static state: two runtimes can run in one JVM.
 *
 * <p>Lifecycle: {@link #start} reads and checks the key and certificate, resolves the parents'
 * host names, creates the control socket (refusing when another node answers there), starts the
 * relay and the forwards watcher, then answers on the control socket. A failure at any step
 * closes what started and throws. {@link #close} stops everything in reverse order and removes
 * the control socket. See {@code docs/node.md}.
 *
 * <p>Thread-safe: {@link #status()} may be called from any thread except the relay's executor.
 */
public final class NodeRuntime implements AutoCloseable {
  /** Forwards-folder events closer together than this are one change. */
  static final Duration FORWARDS_DEBOUNCE = Duration.ofMillis(200);
  /** The forwards folder is read again this often even without events. */
  static final Duration FORWARDS_RESCAN = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

  /** The configuration the node started with: what a reload cannot change comes from here. */
  private final NodeConfig config;
  /**
   * The configuration in force for what a reload changes (forwards, services, forwards-dir,
   * SOCKS, DNS); the last reload's, else {@link #config}. Written under {@link #reloadLock}.
   */
  private volatile NodeConfig live;
  /** The file {@link #reload} reads; null when started from a config that has none. */
  private final Path configFile;
  private final Reload reloads = new Reload();
  private final Object reloadLock = new Object();
  private final Clock clock;
  private final Identity identity;
  /** This node's certificate; a reload may replace it with a renewal (same key, network). */
  private volatile Certificate certificate;
  private final Instant started;
  private final ErrorLog errors;
  /** The parents dialled, resolved; a reload may replace them (written under reloadLock). */
  private volatile List<Relay.Parent> parents;
  // Set once during start, before the control socket answers; read-only afterwards.
  private ControlServer control;
  private TrustPolicy policy;
  private EventLoopGroup group;
  private Relay relay;
  private Streams streams;
  private Services services;
  private PortForwards portForwards;
  /** UDP flows of forwards, services and SOCKS5 associations (docs/udp.md). */
  private final UdpCounters udpCounters = new UdpCounters();
  private CertifiedNames names;
  /**
   * The addresses the DNS resolver gives out; the SOCKS proxy maps them back to nodes. Null
   * when the resolver is off: then no address is ever given out.
   */
  private volatile AddressPool pool;
  // Replaced by a reload (under reloadLock), read by status from the control thread.
  private volatile DnsServer dns;
  private volatile SocksServer socks;
  private volatile ForwardsWatcher watcher;
  private MetricsServer metrics;
  private volatile HttpProxy httpProxy;
  private ExitNode exitNode;
  /** Where SOCKS and the HTTP proxy send each destination (socks.exit needs a restart). */
  private Router router;
  private io.netty.util.concurrent.ScheduledFuture<?> certificateCheck;
  /** How often the certificate's end is checked for the WARN line. */
  static final Duration CERTIFICATE_CHECK = Duration.ofDays(1);
  private RevocationsKeeper revocationsKeeper;
  // Written by the watcher's thread, read by status.
  private volatile Set<ForwardConfig> dirForwards = Set.of();
  /** Forwards that are configured but not running, and why (written under this' lock). */
  private volatile Map<ForwardConfig, String> forwardProblems = Map.of();
  /** The running form of each configured forward (written under this' lock). */
  private volatile Map<ForwardConfig, Forward> forwardsByConfig = Map.of();
  private boolean closed;

  private NodeRuntime(NodeConfig config, Path configFile, Clock clock, Identity identity,
      Certificate certificate, List<Relay.Parent> parents) {
    this.config = config;
    this.live = config;
    this.configFile = configFile;
    this.clock = clock;
    this.identity = identity;
    this.certificate = certificate;
    this.parents = parents;
    this.started = clock.instant();
    this.errors = new ErrorLog(clock, ErrorLog.DEFAULT_CAPACITY);
  }

  /**
   * Starts a node.
   *
   * @throws KeyFileException if the key or certificate file cannot be read
   * @throws BadCertificateException if the certificate is not for this key, or not valid now
   *     (its own network's signature, not-before, not-after)
   * @throws NodeStartException if a parent does not resolve, {@code listen} cannot be bound,
   *     the control socket cannot be created (or another node runs there), {@code
   *     forwards-dir} cannot be read, or {@code trust.revocations-file} cannot be read or does
   *     not parse
   */
  public static NodeRuntime start(NodeConfig config, Clock clock, SecureRandom random)
      throws KeyFileException, BadCertificateException, NodeStartException {
    return start(config, null, clock, random);
  }

  /**
   * As {@link #start(NodeConfig, Clock, SecureRandom)}, for {@code config} read from {@code
   * configFile}: {@link #reload} (SIGHUP, {@code staex reload}) reads that file again. Null:
   * the node cannot reload.
   */
  public static NodeRuntime start(NodeConfig config, Path configFile, Clock clock,
      SecureRandom random) throws KeyFileException, BadCertificateException, NodeStartException {
    Identity identity = KeyFiles.readPrivateKey(config.key());
    NodeRuntime node = null;
    try {
      Certificate cert = readOwnCertificate(config, identity, clock.instant());
      node = new NodeRuntime(config, configFile, clock, identity, cert,
          resolveParents(config.parents()));
      node.startParts(random);
      return node;
    } catch (Exception e) { // Netty may rethrow a bind's IOException unchecked: close then too
      if (node != null) {
        node.close();
      } else {
        identity.destroy();
      }
      throw e;
    }
  }

  private static Certificate readOwnCertificate(NodeConfig config, Identity identity, Instant now)
      throws KeyFileException, BadCertificateException {
    Certificate cert = Certificate.read(config.cert());
    if (!cert.node().equals(identity.address())) {
      throw new BadCertificateException(Rejection.KEY_MISMATCH, config.cert()
          + ": certificate is for " + cert.node() + " (expected: the key in " + config.key()
          + ", " + identity.address() + ")");
    }
    Verdict v = cert.verify(cert.network(), now);
    if (!v.isAccepted()) {
      throw new BadCertificateException(v.rejection(), config.cert() + ": " + v.rejection().label()
          + ": " + v.detail());
    }
    return cert;
  }

  private static List<Relay.Parent> resolveParents(List<ParentConfig> configured)
      throws NodeStartException {
    List<Relay.Parent> parents = new ArrayList<>();
    for (int i = 0; i < configured.size(); i++) {
      ParentConfig p = configured.get(i);
      InetSocketAddress endpoint = resolve(p.address(), "staex.parents[" + i + "].address");
      parents.add(new Relay.Parent(p.key(), endpoint));
    }
    return List.copyOf(parents);
  }

  private static InetSocketAddress resolve(HostPort hp, String key) throws NodeStartException {
    try {
      return new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port());
    } catch (UnknownHostException e) {
      throw new NodeStartException(NodeStartException.Reason.PARENT_UNRESOLVABLE,
          key + ": host '" + hp.host() + "' does not resolve (expected: a host name this machine"
              + " can look up, or an IP address)", e);
    }
  }

  private void startParts(SecureRandom random) throws NodeStartException {
    Path socket = config.control().socket();
    try {
      control = ControlServer.bind(socket);
    } catch (IOException e) {
      throw new NodeStartException(NodeStartException.Reason.CONTROL_SOCKET, e.getMessage(), e);
    }
    policy = config.trust().policy(certificate.network());
    if (config.trust().revocationsFile().isPresent()) {
      Path file = config.trust().revocationsFile().get();
      try {
        revocationsKeeper = RevocationsKeeper.load(file, policy, errors::warn);
      } catch (BadRevocationException e) {
        throw new NodeStartException(NodeStartException.Reason.REVOCATIONS_FILE,
            "staex.trust.revocations-file: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new NodeStartException(NodeStartException.Reason.REVOCATIONS_FILE,
            "staex.trust.revocations-file: " + file + ": cannot be read (" + e + ")", e);
      }
    }
    LinkCredentials credentials = new LinkCredentials(identity, certificate, policy, clock, random);
    group = Transports.newEventLoopGroup(config.threads());
    InetSocketAddress bind = config.listen()
        .map(l -> new InetSocketAddress(l.host(), l.port())).orElse(null);
    // The owner loop: the relay, the sessions, the streams and the services' sockets all run on
    // it, whatever staex.threads is, so they call each other directly (docs/architecture.md).
    EventLoop owner = group.next();
    services = new Services(owner, certificate.network(), config.streams().connectTimeout(),
        config.services().stream().map(NodeRuntime::service).collect(Collectors.toList()),
        new UdpServiceFlows(owner, config.udp(), udpCounters));
    exitNode = new ExitNode(owner, certificate.network(), config.exit());
    Services table = services;
    ExitNode exits = exitNode;
    StreamAcceptor acceptor = new StreamAcceptor() {
      @Override
      public void open(Stream stream, Certificate peer) {
        table.open(stream, peer);
      }

      @Override
      public void openHost(Stream stream, Certificate peer) {
        exits.openHost(stream, peer);
      }
    };
    streams = new Streams(owner, identity, certificate, policy, config.sessions(),
        config.streams(), clock, random, acceptor);
    try {
      relay = startRelay(group, owner, credentials, bind);
    } catch (Exception e) {
      throw new NodeStartException(NodeStartException.Reason.LISTEN,
          "staex.listen: cannot listen on " + config.listen().map(Object::toString).orElse("-")
              + ": " + Failures.describe(e), e);
    }
    streams.sessions().start(relay);
    names = new CertifiedNames(relay, policy, config.sessions().handshakeTimeout(), clock);
    portForwards = new PortForwards(streams, names, config.udp(), udpCounters);
    applyForwards(Set.of());
    router = new Router(socksTargets(), config.socksExits());
    if (config.dns().isPresent()) {
      DnsSettings d = config.dns().get();
      pool = new AddressPool(d.pool(), d.poolTtl(), clock);
      dns = startDns(d, group, pool);
    }
    if (config.socks().isPresent()) {
      socks = startSocks(config.socks().get(), router);
    }
    if (config.httpProxy().isPresent()) {
      HttpProxySettings h = config.httpProxy().get();
      try {
        httpProxy = HttpProxy.start(streams, h, router);
        log.info("http-proxy: HTTP proxy on {}{}", httpProxy.localAddress(),
            config.socksExits().isEmpty() ? "" : " (exits " + config.socksExits() + ")");
      } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
        throw new NodeStartException(NodeStartException.Reason.LISTEN,
            "staex.http-proxy.listen: cannot listen on " + text(h.listen()) + ": "
                + Failures.describe(e), e);
      }
    }
    if (config.exit().enabled()) {
      log.info("exit: this node is an exit for {}, destinations {}, deny-private {}",
          config.exit().allow().isEmpty() ? "its own network" : config.exit().allow(),
          config.exit().destinations().isEmpty() ? "any public" : config.exit().destinations(),
          config.exit().denyPrivate());
    }
    if (config.forwardsDir().isPresent()) {
      Path dir = config.forwardsDir().get();
      try {
        watcher = ForwardsWatcher.start(dir, config.listenAddresses(), this::forwardsChanged,
            errors, FORWARDS_DEBOUNCE, FORWARDS_RESCAN);
      } catch (IOException e) {
        throw new NodeStartException(NodeStartException.Reason.FORWARDS_DIR,
            "staex.forwards-dir: " + dir + ": cannot be read: " + Failures.describe(e)
                + " (expected: a folder of *.conf forward files, or \"\" for none)", e);
      }
    }
    warnIfCertificateEnds();
    certificateCheck = group.next().scheduleAtFixedRate(this::warnIfCertificateEnds,
        CERTIFICATE_CHECK.toMillis(), CERTIFICATE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    if (config.metrics().isPresent()) {
      metrics = startMetrics(config.metrics().get());
    }
    control.start(this::status, this::revoke, this::reload, new NodeDiagnostics(
        identity.address(), relay, streams.sessions(), names, () -> Optional.ofNullable(pool),
        config.sessions().handshakeTimeout()));
    log.info("node {} running: listen {}, parents {}, control {}", identity.address(),
        listenAddress().map(NodeRuntime::text).orElse("-"),
        parents.isEmpty() ? "none (root)" : config.parents().stream()
            .map(p -> p.key().shortText() + "@" + p.address()).collect(Collectors.toList()),
        control.path());
  }

  /** The relay, with the session layer as its handler: packets for this node go there. */
  private Relay startRelay(EventLoopGroup group, EventLoop owner, LinkCredentials credentials,
      InetSocketAddress bind) {
    RelaySettings settings = config.relay().withBind(bind).withParents(parents);
    return Relay.start(group, owner, credentials, settings, clock, streams.sessions());
  }

  private DnsServer startDns(DnsSettings settings, EventLoopGroup group, AddressPool pool)
      throws NodeStartException {
    NameResolver resolver = name -> names.resolve(name).thenApply(r -> {
      if (r instanceof NameResult.Found) {
        return new NameAnswer.Found(((NameResult.Found) r).node());
      }
      if (r instanceof NameResult.Ambiguous) {
        return new NameAnswer.Ambiguous(((NameResult.Ambiguous) r).networks());
      }
      return new NameAnswer.NotFound();
    });
    // dns.forward = via-exit: TCP DNS over an exit stream, through socks.exit (docs/resolver.md)
    ExitDns viaExit = new ExitDns(streams, router, settings.lookupTimeout());
    try {
      DnsServer server = DnsServer.start(settings, pool, resolver, group,
          io.netty.util.concurrent.Ticker.systemTicker(), viaExit::exchange);
      log.info("dns: answering .staex names on {} (pool {}, outside .staex: {})",
          server.localAddress(), settings.pool(),
          switch (settings.upstream()) {
            case FORWARD -> "forwarded";
            case VIA_EXIT -> "forwarded through the exits " + config.socksExits()
                + " to " + settings.upstreams();
            case REFUSE -> "refused";
          });
      return server;
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      throw new NodeStartException(NodeStartException.Reason.LISTEN,
          "staex.dns.listen: cannot listen on " + text(settings.listen()) + ": "
              + Failures.describe(e), e);
    }
  }

  private SocksTargets socksTargets() {
    return new SocksTargets() {
      @Override
      public CompletableFuture<SocksTarget> resolve(String domain) {
        String label = domain.substring(0, domain.length() - Address.DOMAIN.length() - 1);
        return names.resolve(label).thenApply(r -> r instanceof NameResult.Found
            ? new SocksTarget.Node(((NameResult.Found) r).node())
            : r instanceof NameResult.Ambiguous ? new SocksTarget.Ambiguous()
                : new SocksTarget.Unknown());
      }

      @Override
      public Optional<Address> resolve(InetAddress address) {
        return pool == null ? Optional.empty() : pool.lookup(address);
      }
    };
  }

  private SocksServer startSocks(SocksSettings settings, Router router)
      throws NodeStartException {
    try {
      SocksServer server =
          SocksServer.start(streams, settings, router, config.udp(), udpCounters);
      log.info("socks: SOCKS5 on {}{}", server.localAddress(),
          settings.credentials().isPresent() ? " (username and password required)" : "");
      return server;
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      throw new NodeStartException(NodeStartException.Reason.LISTEN,
          "staex.socks.listen: cannot listen on " + text(settings.listen()) + ": "
              + Failures.describe(e), e);
    }
  }

  private MetricsServer startMetrics(MetricsConfig settings) throws NodeStartException {
    try {
      MetricsServer server = MetricsServer.start(settings, this::metricsText);
      log.info("metrics: Prometheus text at http://{}/metrics", text(server.localAddress()));
      return server;
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      throw new NodeStartException(NodeStartException.Reason.LISTEN,
          "staex.metrics.listen: cannot listen on " + settings.listen() + ": "
              + Failures.describe(e), e);
    }
  }

  /** What the metrics endpoint serves: the status's counters, its own, the JVM's. */
  private String metricsText() {
    MetricsServer m = metrics;
    StringBuilder out = new StringBuilder(StatusMetrics.render(status()));
    if (m != null) {
      io.staex.node.internal.control.PromText.counter(out,
          "staex_metrics_connections_refused_total",
          "Metrics connections closed at once: metrics.max-connections were open.", m.refused());
    }
    return out.append(MetricsJvm.render()).toString();
  }

  /** Where the metrics endpoint listens, once started (empty when {@code metrics.listen} is off). */
  public Optional<InetSocketAddress> metricsAddress() {
    return Optional.ofNullable(metrics).map(MetricsServer::localAddress);
  }

  /** Where the HTTP proxy accepts clients, once started (empty when it is off). */
  public Optional<InetSocketAddress> httpProxyAddress() {
    return Optional.ofNullable(httpProxy).map(HttpProxy::localAddress);
  }

  /** This node's exit traffic (all zero when it is no exit). */
  public ExitCounters exitCounters() {
    return exitNode.counters();
  }

  /** Where the SOCKS5 proxy accepts clients, once started (empty when it is off). */
  public Optional<InetSocketAddress> socksAddress() {
    return Optional.ofNullable(socks).map(SocksServer::localAddress);
  }

  /** Where the DNS resolver answers, once started (empty when {@code dns.listen} is off). */
  public Optional<InetSocketAddress> dnsAddress() {
    return Optional.ofNullable(dns).map(DnsServer::localAddress);
  }

  private static StreamProtocol protocol(Protocol p) {
    return switch (p) {
      case RTSP -> StreamProtocol.RTSP;
      case UDP -> StreamProtocol.UDP;
      case TCP -> StreamProtocol.TCP;
    };
  }

  private static Service service(ServiceConfig s) {
    HostPort t = s.target();
    InetSocketAddress target = NetUtil.isValidIpV4Address(t.host())
        || NetUtil.isValidIpV6Address(t.host())
        ? new InetSocketAddress(t.host(), t.port())
        : InetSocketAddress.createUnresolved(t.host(), t.port());
    return new Service(s.port(), target, Set.copyOf(s.allow()), protocol(s.protocol()));
  }

  /**
   * Starts and stops port forwards so that the config's and the folder's valid ones run; on the
   * watcher's thread or in start. A forward that cannot start is logged and recorded, the rest
   * run.
   */
  private synchronized void applyForwards(Set<ForwardConfig> fromDir) {
    if (portForwards == null || closed) {
      return;
    }
    List<Forward> wanted = new ArrayList<>();
    Set<ForwardConfig> all = new LinkedHashSet<>(live.forwards());
    all.addAll(fromDir);
    Map<Forward, ForwardConfig> origin = new HashMap<>();
    Map<ForwardConfig, String> problems = new HashMap<>();
    for (ForwardConfig f : all) {
      InetSocketAddress listen = new InetSocketAddress(f.listen().host(), f.listen().port());
      Forward fw = f.to() instanceof Target.ByAddress
          ? new Forward(listen, ((Target.ByAddress) f.to()).address(), f.to().port())
          : Forward.toName(listen, ((Target.ByName) f.to()).name(), f.to().port());
      fw = fw.withProtocol(protocol(f.protocol()));
      wanted.add(fw);
      origin.put(fw, f);
    }
    forwardsByConfig = origin.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey, (a, b) -> a));
    for (PortForwards.Failure failure : portForwards.apply(wanted)) {
      problems.put(origin.get(failure.forward()), failure.reason());
    }
    problems.forEach((f, why) -> {
      if (!why.equals(forwardProblems.get(f))) {
        log.warn("forward {} not running: {}", f, why);
        errors.warn("forward " + f + " not running: " + why);
      }
    });
    forwardProblems = Map.copyOf(problems);
  }

  /** The forwards folder changed; on the watcher's thread (or in start, for the first load). */
  private void forwardsChanged(Set<ForwardConfig> forwards, List<ForwardFile> failed) {
    ForwardsDiff diff = ForwardsDiff.of(dirForwards, forwards);
    dirForwards = Set.copyOf(forwards);
    if (!diff.isEmpty()) {
      log.info("forwards-dir: {} added {}, removed {}", live.forwardsDir().map(Path::toString)
          .orElse("-"),
          diff.added(), diff.removed());
    }
    if (!diff.isEmpty()) {
      applyForwards(dirForwards);
    }
  }

  /** This node's address. */
  public Address address() {
    return identity.address();
  }

  /** Where children connect, once started (empty if {@code listen} is not set). */
  public Optional<InetSocketAddress> listenAddress() {
    return Optional.ofNullable(relay.localAddress());
  }

  /** The control socket's path. */
  public Path controlSocket() {
    return control.path();
  }

  /** The forwards in force: the config's, then the valid ones of {@code forwards-dir}. */
  public Set<ForwardConfig> forwards() {
    Set<ForwardConfig> all = new LinkedHashSet<>(live.forwards());
    all.addAll(dirForwards);
    return all;
  }

  /**
   * Records a warning for {@code staex status} (the last 20 are kept). Parts of the node call
   * this next to their WARN log line; the node does not capture log output.
   */
  public void recordError(String message) {
    errors.warn(message);
  }

  /**
   * Applies a signed revocation handed over by the operator ({@code staex revoke}) and spreads
   * it to every neighbour; the links and sessions of the peers it covers close. Any thread but
   * the relay's executor; the answer is one line for the control client.
   */
  public String revoke(SignedRevocation revocation) {
    Revocations.Outcome outcome = policy.revoke(revocation);
    String what = revocation.target() + " of network " + revocation.network();
    switch (outcome) {
      case APPLIED -> {
        log.warn("revocation of {} applied (handed over locally); spreading it", what);
        relay.revoked(revocation);
        return "revoked " + what + ": applied, sent to every neighbour\n";
      }
      case KNOWN -> {
        return "revoked " + what + ": already applied here\n";
      }
      case BAD_SIGNATURE -> {
        return "error: revocation of " + what + ": the network's signature does not verify\n";
      }
      case UNTRUSTED_NETWORK -> {
        return "error: revocation of " + what + ": signed by a network this node does not trust"
            + " (trusted: " + policy.trustedNetworks() + ")\n";
      }
      case FULL -> {
        errors.warn("revocation of " + what + " refused: " + policy.revocations().max()
            + " held already (staex.trust.max-revocations)");
        return "error: revocation of " + what + ": this node holds "
            + policy.revocations().max() + " revocations already (staex.trust.max-revocations)\n";
      }
      default -> throw new AssertionError(outcome);
    }
  }

  /**
   * Reads the configuration file again and applies it ({@code staex reload}, SIGHUP; see
   * {@code docs/node.md}, "Reload"). First the whole file is read and checked as {@code staex
   * config check} does, and new SOCKS/DNS addresses are bound: a problem there changes nothing,
   * is logged at WARN and answered as {@link Reload#REFUSED} followed by one line per problem.
   * Then forwards, services (resetting the incoming streams they no longer allow),
   * forwards-dir, SOCKS and DNS are applied; keys that need a restart are named. One reload at
   * a time; any thread but the node's event loops. The answer is for the control client.
   */
  public String reload() {
    synchronized (reloadLock) {
      Instant now = clock.instant();
      if (configFile == null) {
        return "error: this node was started without a configuration file to read again\n";
      }
      Reload.Checked checked;
      try {
        checked = Reload.check(configFile, now);
      } catch (Reload.Refused e) {
        return refuse(now, e.problems());
      }
      synchronized (this) {
        if (closed) {
          return "error: the node is stopping\n";
        }
      }
      NodeConfig next = checked.config();
      ConfigDiff.CertChange cert = certChange(checked.certificate(), now);
      ConfigDiff diff = ConfigDiff.of(live, next, cert).withNeedsRestart(
          ConfigDiff.of(config, next, cert));
      List<Relay.Parent> nextParents = parents;
      if (diff.parentsChanged()) {
        try {
          nextParents = resolveParents(next.parents());
        } catch (NodeStartException e) {
          return refuse(now, List.of(e.getMessage()));
        }
      }
      Servers bound;
      try {
        bound = bindNewServers(next);
      } catch (NodeStartException e) {
        return refuse(now, List.of(e.getMessage()));
      }
      NodeConfig before = live;
      live = next;
      if (cert == ConfigDiff.CertChange.RENEWED) {
        renewCertificate(checked.certificate());
      }
      int linksClosed = diff.trust() ? applyTrust(next) : 0;
      if (diff.parentsChanged()) {
        relay.setParents(nextParents);
        parents = nextParents;
        log.info("parents now {}", next.parents().stream()
            .map(p -> p.key().shortText() + "@" + p.address()).collect(Collectors.toList()));
      }
      int reset = applyServices(before, next);
      applyForwards(dirForwards);
      List<String> problems = new ArrayList<>(applySocksAndDns(before, next, bound));
      problems.addAll(applyForwardsDir(before, next));
      String summary = diff.summary()
          + (linksClosed > 0 ? "; links closed: " + linksClosed : "")
          + (reset > 0 ? "; streams reset: " + reset : "")
          + (problems.isEmpty() ? "" : "; problems: " + String.join("; ", problems));
      reloads.applied(now, summary);
      if (problems.isEmpty()) {
        log.info("reloaded {}: {}", configFile, summary);
      } else {
        log.warn("reloaded {}: {}", configFile, summary);
        problems.forEach(p -> errors.warn("reload: " + p));
      }
      return "reloaded " + configFile + ": " + summary + "\n";
    }
  }

  /**
   * How {@code read}, the certificate file a reload read, relates to the running certificate:
   * a renewal (same key, network, name and roles, valid at {@code now}) is applied live; any
   * other certificate needs a restart.
   */
  private ConfigDiff.CertChange certChange(Certificate read, Instant now) {
    Certificate running = certificate;
    if (read.equals(running)) {
      return ConfigDiff.CertChange.SAME;
    }
    boolean renewal = read.node().equals(identity.address())
        && read.network().equals(running.network()) && read.name().equals(running.name())
        && read.roles().equals(running.roles())
        && read.verify(read.network(), now).isAccepted();
    return renewal ? ConfigDiff.CertChange.RENEWED : ConfigDiff.CertChange.OTHER;
  }

  /**
   * Presents {@code renewed} from now on: new links, new sessions (a rekey starts one, so
   * running streams keep theirs) and the signed routing state. Links up keep the certificate
   * their handshake presented until they are made again.
   */
  private void renewCertificate(Certificate renewed) {
    Certificate old = certificate;
    relay.renewCertificate(renewed);
    streams.sessions().renew(renewed);
    certificate = renewed;
    log.info("certificate renewed: serial {}, valid until {} (was serial {}, until {})",
        renewed.serial().toString(16), renewed.notAfter(), old.serial().toString(16),
        old.notAfter());
  }

  /**
   * Takes {@code next}'s trust rules (networks, pinned nodes, revoked keys and serials) and
   * closes the links whose peer they no longer accept, each logged and recorded with its
   * reason; sessions are checked again on their next timer tick. Returns the links closed.
   */
  private int applyTrust(NodeConfig next) {
    policy.reconfigure(next.trust().policy(certificate.network()));
    List<String> closedLinks = relay.recheckLinks().join();
    for (String c : closedLinks) {
      errors.warn("reload: link to " + c + " (closed: the reloaded staex.trust refuses it)");
    }
    log.info("trust: reloaded (networks {}, pinned nodes {}, revoked {}); links closed: {}",
        next.trust().networks().size(), next.trust().nodes().size(),
        next.trust().revoked().size(), closedLinks.size());
    return closedLinks.size();
  }

  private String refuse(Instant now, List<String> problems) {
    String why = problems.size() + (problems.size() == 1 ? " problem" : " problems");
    reloads.refused(now, why + ": " + String.join("; ", problems));
    log.warn("reload of {} refused, nothing changed: {}: {}", configFile, why,
        String.join("; ", problems));
    errors.warn("reload of " + configFile + " refused: " + String.join("; ", problems));
    StringBuilder out = new StringBuilder(Reload.REFUSED).append(why).append('\n');
    problems.forEach(p -> out.append(p).append('\n'));
    return out.toString();
  }

  /** SOCKS and DNS servers bound for a reload at addresses the running ones do not use. */
  private record Servers(SocksServer socks, DnsServer dns, AddressPool pool) {}

  /**
   * Binds the SOCKS and DNS servers {@code next} wants at a new address, before anything is
   * applied: a taken port refuses the whole reload. Same address: nothing is bound here.
   */
  private Servers bindNewServers(NodeConfig next) throws NodeStartException {
    SocksServer newSocks = null;
    Optional<SocksSettings> s = next.socks();
    if (s.isPresent() && !live.socks().map(o -> o.listen().equals(s.get().listen()))
        .orElse(false)) {
      newSocks = startSocks(s.get(), router);
    }
    DnsServer newDns = null;
    AddressPool newPool = null;
    Optional<DnsSettings> d = next.dns();
    if (d.isPresent() && !live.dns().map(o -> o.listen().equals(d.get().listen()))
        .orElse(false)) {
      newPool = poolFor(d.get());
      try {
        newDns = startDns(d.get(), group, newPool);
      } catch (NodeStartException e) {
        if (newSocks != null) {
          newSocks.close();
        }
        throw e;
      }
    }
    return new Servers(newSocks, newDns, newPool);
  }

  /** The running pool when {@code d} gives out the same addresses, else a new one. */
  private AddressPool poolFor(DnsSettings d) {
    Optional<DnsSettings> old = live.dns();
    AddressPool p = pool;
    if (p != null && old.isPresent() && old.get().pool().equals(d.pool())
        && old.get().poolTtl().equals(d.poolTtl())) {
      return p;
    }
    return new AddressPool(d.pool(), d.poolTtl(), clock);
  }

  /**
   * Swaps in the SOCKS and DNS servers of {@code next}: the ones {@link #bindNewServers} bound,
   * or, at the same address, new settings (SOCKS without binding again; DNS is started again).
   * Returns what could not be applied.
   */
  private List<String> applySocksAndDns(NodeConfig before, NodeConfig next, Servers bound) {
    List<String> problems = new ArrayList<>();
    SocksServer oldSocks = socks;
    if (bound.socks() != null) {
      socks = bound.socks();
      if (oldSocks != null) {
        oldSocks.close();
      }
    } else if (next.socks().isEmpty()) {
      socks = null;
      if (oldSocks != null) {
        oldSocks.close();
        log.info("socks: stopped (socks.listen is off now)");
      }
    } else if (oldSocks != null && !before.socks().equals(next.socks())) {
      oldSocks.update(next.socks().get());
    }
    DnsServer oldDns = dns;
    if (bound.dns() != null) {
      pool = bound.pool();
      dns = bound.dns();
      if (oldDns != null) {
        oldDns.close();
      }
    } else if (next.dns().isEmpty()) {
      dns = null;
      pool = null;
      if (oldDns != null) {
        oldDns.close();
        log.info("dns: stopped (dns.listen is off now)");
      }
    } else if (oldDns != null && !before.dns().equals(next.dns())) {
      // Same address, other settings: the resolver is built from them, so it starts again.
      oldDns.close();
      dns = null;
      AddressPool p = poolFor(next.dns().get());
      try {
        dns = startDns(next.dns().get(), group, p);
        pool = p;
      } catch (NodeStartException e) {
        problems.add("dns not running: " + e.getMessage());
      }
    }
    return problems;
  }

  /**
   * Replaces the services; the incoming streams the new table refuses are reset with its
   * reason ({@code NO_SERVICE}, {@code NOT_ALLOWED}), the others keep running. Returns how
   * many were reset.
   */
  private int applyServices(NodeConfig before, NodeConfig next) {
    if (before.services().equals(next.services())) {
      return 0;
    }
    services.set(next.services().stream().map(NodeRuntime::service).toList());
    return streams.resetIncoming(services::refusal);
  }

  /**
   * Watches {@code next}'s forwards-dir instead, when it names another folder or the
   * addresses its files may not use changed. Returns what could not be applied.
   */
  private List<String> applyForwardsDir(NodeConfig before, NodeConfig next) {
    if (before.forwardsDir().equals(next.forwardsDir())
        && before.listenAddresses().equals(next.listenAddresses())) {
      return List.of();
    }
    ForwardsWatcher old = watcher;
    watcher = null;
    if (old != null) {
      old.close(); // not under this' lock: its thread may be waiting for it in applyForwards
    }
    if (next.forwardsDir().isEmpty()) {
      forwardsChanged(Set.of(), List.of());
      return List.of();
    }
    Path dir = next.forwardsDir().get();
    try {
      watcher = ForwardsWatcher.start(dir, next.listenAddresses(), this::forwardsChanged,
          errors, FORWARDS_DEBOUNCE, FORWARDS_RESCAN);
      return List.of();
    } catch (IOException e) {
      forwardsChanged(Set.of(), List.of());
      return List.of("staex.forwards-dir: " + dir + ": cannot be read: " + Failures.describe(e));
    }
  }

  /** A snapshot of what the node is doing. Blocks briefly on the relay's executor. */
  public NodeStatus status() {
    Instant now = clock.instant();
    Map<Address, Relay.LinkInfo> up = new HashMap<>();
    relay.linkInfo().forEach(l -> up.put(l.peer(), l));
    Map<Address, ParentConnector.DialState> dials = relay.parentStates();
    List<LinkStatus> links = new ArrayList<>();
    List<Relay.Parent> parents = this.parents;
    NodeConfig running = live;
    for (Relay.Parent p : parents) {
      Relay.LinkInfo l = up.get(p.address());
      links.add(linkStatus(p.address(), Direction.PARENT, l,
          Optional.of(running.parents().stream().filter(c -> c.key().equals(p.address()))
              .findFirst().map(c -> c.address().toString()).orElse(p.endpoint().toString())),
          dialStatus(dials.get(p.address()))));
    }
    Set<Address> parentAddresses = parents.stream().map(Relay.Parent::address)
        .collect(Collectors.toSet());
    up.keySet().stream().filter(a -> !parentAddresses.contains(a)).sorted().forEach(a ->
        links.add(linkStatus(a, Direction.CHILD, up.get(a), Optional.empty(),
            NodeStatus.DialStatus.NONE)));
    List<ForwardStatus> forwards = new ArrayList<>();
    for (ForwardConfig f : running.forwards()) {
      forwards.add(forwardStatus(f, "config"));
    }
    for (ForwardConfig f : dirForwards) {
      forwards.add(forwardStatus(f, "forwards-dir"));
    }
    List<ServiceStatus> services = new ArrayList<>();
    for (ServiceConfig s : running.services()) {
      services.add(new ServiceStatus(s.port(), s.target().toString(), s.allow()));
    }
    return new NodeStatus(identity.address(), certificate.network(), certificate.name(), now,
        Duration.between(started, now), listenAddress().map(NodeRuntime::text),
        socksAddress().map(NodeRuntime::text), dnsAddress().map(NodeRuntime::text),
        relay.activeParent(), links,
        new NodeStatus.Routes(relay.viewSize(), relay.known(NodeStatus.Routes.MAX_SHOWN)),
        NodeStatus.RelayStats.of(relay.counters(), relay.routingCounters()), sessions(), streams(), forwards, services,
        errors.events(), NodeStatus.DatagramStats.of(streams.counters()), nameStats(),
        NodeStatus.HelloStats.of(streams.sessions().counters()), acceptStats(),
        NodeStatus.SessionStats.of(streams.sessions().counters()), trustStats(),
        new NodeStatus.OwnCertificate(certificate.notAfter(),
            CertificateExpiry.warning(certificate, now)),
        NodeStatus.StreamStats.of(streams.counters()), tables(), reloads.stats(),
        NodeStatus.ExitStats.of(config.exit().enabled(), exitNode.counters()),
        NodeStatus.UdpStats.of(udpCounters), httpProxyStats());
  }

  private NodeStatus.HttpProxyStats httpProxyStats() {
    HttpProxy h = httpProxy;
    return h == null ? NodeStatus.HttpProxyStats.NONE
        : new NodeStatus.HttpProxyStats(Optional.of(text(h.localAddress())), h.counters());
  }

  /** How full each table an attacker or a load could drive is, against its limit. */
  private List<NodeStatus.TableSize> tables() {
    List<NodeStatus.TableSize> out = new ArrayList<>();
    out.add(new NodeStatus.TableSize("links", relay.links().size(), config.relay().maxLinks()
        + parents.size()));
    if (config.listen().isPresent()) {
      out.add(new NodeStatus.TableSize("link_startups", relay.startups(),
          config.relay().startups().full()));
    }
    out.add(new NodeStatus.TableSize("routes", relay.viewSize(),
        config.relay().routing().maxStates()));
    out.add(new NodeStatus.TableSize("lookups", relay.pendingLookups(),
        RoutingNode.MAX_PENDING_LOOKUPS));
    out.add(new NodeStatus.TableSize("revocations", policy.revocations().size(),
        config.trust().maxRevocations()));
    out.add(new NodeStatus.TableSize("sessions", streams.sessions().sessions().size(),
        config.sessions().maxSessions()));
    out.add(new NodeStatus.TableSize("streams", streams.streams().size(),
        config.streams().maxStreams()));
    out.add(new NodeStatus.TableSize("stream_window_growth_bytes", streams.windowGrowthHeld(),
        config.streams().windowGrowthTotal()));
    // bytes, not entries: the most one session keeps until its peer's ACK, against the cap
    out.add(new NodeStatus.TableSize("retransmit_bytes", streams.sessions().sessions().stream()
        .mapToLong(SessionInfo::keptBytes).max().orElse(0),
        config.sessions().retransmitBytes()));
    // all sessions' together, against limits.retransmit-bytes-total
    out.add(new NodeStatus.TableSize("retransmit_bytes_total",
        streams.sessions().retransmitBytesKept(), config.sessions().retransmitBytesTotal()));
    if (names != null) {
      out.add(new NodeStatus.TableSize("names", names.cached(), CertifiedNames.CACHE_SIZE));
      out.add(new NodeStatus.TableSize("name_misses", names.missesCached(),
          CertifiedNames.CACHE_SIZE));
    }
    if (pool != null) {
      out.add(new NodeStatus.TableSize("dns_addresses", pool.size(), pool.capacity()));
    }
    return out;
  }

  private static LinkStatus linkStatus(Address peer, Direction direction, Relay.LinkInfo l,
      Optional<String> endpoint, NodeStatus.DialStatus dial) {
    if (l == null) {
      return new LinkStatus(peer, direction, false, endpoint, OptionalLong.empty(),
          OptionalLong.empty(), Optional.empty(), Optional.empty(), dial);
    }
    return new LinkStatus(peer, direction, true, endpoint,
        l.bytesIn() < 0 ? OptionalLong.empty() : OptionalLong.of(l.bytesIn()),
        l.bytesOut() < 0 ? OptionalLong.empty() : OptionalLong.of(l.bytesOut()),
        l.upSince(), Optional.of(l.peerNotAfter()), dial);
  }

  private static NodeStatus.DialStatus dialStatus(ParentConnector.DialState d) {
    if (d == null) {
      return NodeStatus.DialStatus.NONE;
    }
    return new NodeStatus.DialStatus(Optional.ofNullable(d.lastAttempt()),
        Optional.ofNullable(d.lastError()), Optional.ofNullable(d.lastErrorAt()),
        Optional.ofNullable(d.nextAttempt()));
  }

  /**
   * From {@link CertificateExpiry#WARN_BEFORE} before this node's certificate ends: a WARN line
   * at start and once a day, and an entry in the status' errors.
   */
  private void warnIfCertificateEnds() {
    CertificateExpiry.warning(certificate, clock.instant()).ifPresent(w -> {
      log.warn("{}", w);
      errors.warn(w);
    });
  }

  private NodeStatus.AcceptStats acceptStats() {
    return relay.serverCounters()
        .map(c -> new NodeStatus.AcceptStats(relay.startups(), c.startupsFull(),
            c.startupsEarlyDropped(), c.startupsPrefixFull(), c.connectionsRateLimited(),
            c.connectionsRefused(), c.firstMessageTimeouts(), c.handshakesRefused(),
            c.versionRefused()))
        .orElse(new NodeStatus.AcceptStats(0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  private NodeStatus.TrustStats trustStats() {
    Revocations r = policy.revocations();
    return new NodeStatus.TrustStats(r.size(), r.applied(), r.invalid(), r.refusedFull(),
        relay.counters().linksClosedRevoked(), relay.counters().linksClosedExpired(),
        streams.sessions().counters().revoked(), streams.sessions().counters().expired(),
        relay.counters().linksClosedUntrusted(), streams.sessions().counters().untrusted());
  }

  private NodeStatus.NameStats nameStats() {
    DnsStats d = dns == null ? new DnsStats(0, 0, 0) : dns.stats();
    long malformed = names == null ? 0 : names.malformed();
    long missHits = names == null ? 0 : names.missCacheHits();
    return new NodeStatus.NameStats(d.refusedClients(), d.rateLimitedNames(),
        d.malformedNames() + malformed, missHits);
  }

  private List<NodeStatus.SessionStatus> sessions() {
    List<NodeStatus.SessionStatus> out = new ArrayList<>();
    for (SessionInfo s : streams.sessions().sessions()) {
      out.add(new NodeStatus.SessionStatus(s.peer(), s.initiator(), s.openStreams(),
          s.bytesReceived(), s.bytesSent()));
    }
    return out;
  }

  private List<NodeStatus.StreamStatus> streams() {
    List<NodeStatus.StreamStatus> out = new ArrayList<>();
    for (StreamInfo s : streams.streams()) {
      out.add(new NodeStatus.StreamStatus(s.peer(), s.port(), s.outgoing(), s.state(),
          s.bytesIn(), s.bytesOut(), s.ageMillis(), s.quietMillis()));
    }
    return out;
  }

  private ForwardStatus forwardStatus(ForwardConfig f, String origin) {
    String problem = forwardProblems.get(f);
    Forward running = forwardsByConfig.get(f);
    Optional<String> last = running == null || portForwards == null
        ? Optional.empty() : portForwards.lastError(running);
    return new ForwardStatus(f.listen().toString(), f.to().toString(), origin,
        problem != null ? "not running: " + problem
            : "listening" + last.map(w -> "; last " + w).orElse(""));
  }

  private static String text(InetSocketAddress a) {
    String host = a.isUnresolved() ? a.getHostString() : a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /**
   * Stops the node: the control socket (removed), the forwards watcher, the relay's links, the
   * event loops; then zeroes the key. Idempotent; blocks for up to a few seconds.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (control != null) {
      control.close();
    }
    if (watcher != null) {
      watcher.close();
    }
    if (certificateCheck != null) {
      certificateCheck.cancel(false);
    }
    if (socks != null) {
      socks.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (httpProxy != null) {
      httpProxy.close();
    }
    if (dns != null) {
      dns.close();
    }
    if (portForwards != null) {
      portForwards.close();
    }
    if (streams != null) {
      streams.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (revocationsKeeper != null) {
      revocationsKeeper.close(); // after the relay: no revocation arrives any more
    }
    identity.destroy();
    log.info("node {} stopped", identity.address());
  }
}
