package io.staex.conf;

import io.staex.conf.internal.NodeConfigReader;
import io.staex.proxy.relay.RelaySettings;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.exit.ExitSettings;
import io.staex.proxy.httpproxy.HttpProxySettings;
import io.staex.proxy.socks.SocksSettings;
import io.staex.proxy.stream.StreamSettings;
import io.staex.proxy.udp.UdpSettings;
import io.staex.resolver.DnsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A node's whole configuration, the {@code staex} section of its HOCON file, read once by
 * {@link #load(Path)} and immutable afterwards. Paths are absolute.
 *
 * <p>The file format is a contract other tools write; {@code reference.conf} documents every
 * key and holds every default. The sections the modules use are read straight into those
 * modules' own settings records, which the node passes on as they are.
 *
 * @param key the node's private key file
 * @param cert the node's certificate file
 * @param trust whom to trust beyond the own network
 * @param listen where to accept children; empty: none
 * @param parents parents in priority order
 * @param services exposed services, each port once
 * @param forwards port forwards, each listen address once
 * @param forwardsDir folder of further forward files (see {@link ForwardFiles}); empty: none
 * @param threads event-loop threads: 1 runs every link, session and stream on one thread
 * @param relay the relay's links, routing and limits ({@code routing}, {@code limits}), without
 *     a server address or parents: the node adds {@code listen} and the parents once resolved
 * @param sessions the session layer's limits and timers ({@code sessions}, {@code limits})
 * @param streams the stream layer's limits and timers ({@code limits})
 * @param socks the SOCKS5 proxy; empty when {@code socks.listen} is off
 * @param dns the {@code .staex} resolver and its address pool; empty when {@code dns.listen}
 *     is off
 * @param control the local control endpoint
 * @param logLevel what {@code staex run} logs: one of {@link #LOG_LEVELS}
 * @param logFormat how {@code staex run} writes its log lines: one of {@link #LOG_FORMATS}
 * @param metrics the Prometheus metrics over HTTP; empty when {@code metrics.listen} is off
 * @param socksExits {@code socks.exit}: exit nodes for SOCKS and the HTTP proxy, in order
 * @param httpProxy the HTTP proxy door; empty when {@code http-proxy.listen} is off
 * @param exit this node as an exit ({@code exit.*})
 * @param udp UDP flows' limits and idle timeout ({@code udp})
 * @param warmup {@code warmup}: whether {@code staex run} warms the handshake and record code
 *     up on a background thread after it started (docs/node.md, "Start-up cache")
 */
public record NodeConfig(
    Path key,
    Path cert,
    TrustConfig trust,
    Optional<HostPort> listen,
    List<ParentConfig> parents,
    List<ServiceConfig> services,
    List<ForwardConfig> forwards,
    Optional<Path> forwardsDir,
    int threads,
    RelaySettings relay,
    SessionSettings sessions,
    StreamSettings streams,
    Optional<SocksSettings> socks,
    Optional<DnsSettings> dns,
    ControlConfig control,
    String logLevel,
    String logFormat,
    Optional<MetricsConfig> metrics,
    List<String> socksExits,
    Optional<HttpProxySettings> httpProxy,
    ExitSettings exit,
    UdpSettings udp,
    boolean warmup) {

  /** The values of {@code log.level}, least to most verbose. */
  public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug");

  /** The values of {@code log.format}: a dated text line, or one JSON object a line. */
  public static final List<String> LOG_FORMATS = List.of("text", "json");

  /** Most event-loop threads a node may be given. */
  public static final int MAX_THREADS = 64;

  public NodeConfig {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(listen, "listen");
    parents = List.copyOf(parents);
    services = List.copyOf(services);
    forwards = List.copyOf(forwards);
    Objects.requireNonNull(forwardsDir, "forwardsDir");
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException(
          "threads: " + threads + " (expected: 1~" + MAX_THREADS + ")");
    }
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(socks, "socks");
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(metrics, "metrics");
    socksExits = List.copyOf(socksExits);
    Objects.requireNonNull(httpProxy, "httpProxy");
    Objects.requireNonNull(exit, "exit");
    Objects.requireNonNull(udp, "udp");
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new IllegalArgumentException(
          "logLevel: " + logLevel + " (expected: one of " + LOG_LEVELS + ")");
    }
    if (!LOG_FORMATS.contains(logFormat)) {
      throw new IllegalArgumentException(
          "logFormat: " + logFormat + " (expected: one of " + LOG_FORMATS + ")");
    }
    Set<Integer> ports = new HashSet<>();
    for (ServiceConfig s : services) {
      if (!ports.add(s.port())) {
        throw new IllegalArgumentException(
            "services: port " + s.port() + " twice (expected: each once)");
      }
    }
    List<HostPort> all = listens(listen, forwards, socks, dns, metrics, httpProxy);
    if (new HashSet<>(all).size() != all.size()) {
      throw new IllegalArgumentException(
          "listen addresses: " + all + " (expected: each once)");
    }
  }

  /**
   * As the canonical constructor, logging text lines at {@code info}, serving no metrics over
   * HTTP, with no exits, HTTP proxy or exit node, and no warm-up (as {@code reference.conf}).
   */
  public NodeConfig(Path key, Path cert, TrustConfig trust, Optional<HostPort> listen,
      List<ParentConfig> parents, List<ServiceConfig> services, List<ForwardConfig> forwards,
      Optional<Path> forwardsDir, int threads, RelaySettings relay, SessionSettings sessions,
      StreamSettings streams, Optional<SocksSettings> socks, Optional<DnsSettings> dns,
      ControlConfig control, UdpSettings udp) {
    this(key, cert, trust, listen, parents, services, forwards, forwardsDir, threads, relay,
        sessions, streams, socks, dns, control, "info", "text", Optional.empty(), List.of(),
        Optional.empty(), ExitSettings.off(), udp, false);
  }

  /**
   * Reads, checks and resolves the file at {@code file}, falling back to {@code reference.conf}
   * for every key it does not set. Relative paths in it are resolved against its folder.
   *
   * @throws BadConfigException listing every problem found, each with file, line, key, value and
   *     what was expected; nothing is returned unless the whole file is valid
   */
  public static NodeConfig load(Path file) throws BadConfigException {
    return NodeConfigReader.read(file);
  }

  /**
   * Every local address this configuration listens on ({@code listen}, forwards, SOCKS, DNS,
   * metrics),
   * which the files of {@link #forwardsDir} must not use again.
   */
  public Set<HostPort> listenAddresses() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(
        listens(listen, forwards, socks, dns, metrics, httpProxy)));
  }

  private static List<HostPort> listens(Optional<HostPort> listen, List<ForwardConfig> forwards,
      Optional<SocksSettings> socks, Optional<DnsSettings> dns, Optional<MetricsConfig> metrics,
      Optional<HttpProxySettings> httpProxy) {
    List<HostPort> all = new ArrayList<>();
    listen.ifPresent(all::add);
    forwards.forEach(f -> all.add(f.listen()));
    socks.ifPresent(s -> all.add(hostPort(s.listen())));
    dns.ifPresent(d -> all.add(hostPort(d.listen())));
    metrics.ifPresent(m -> all.add(m.listen()));
    httpProxy.ifPresent(h -> all.add(hostPort(h.listen())));
    return all;
  }

  /** As the file named it: the host name it was made from, else its IP literal. */
  private static HostPort hostPort(InetSocketAddress a) {
    return new HostPort(a.getHostString(), a.getPort());
  }
}
