package io.staex.conf;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code staex.dns}: the resolver for {@code .staex} names.
 *
 * @param listen where it answers queries (UDP and TCP); empty when it is off
 * @param pool the IPv4 range (CIDR) its answers come from; the SOCKS proxy maps them back
 * @param answerTtl the TTL of its answers
 * @param forward whether names outside {@code .staex} are asked of upstream resolvers (false:
 *     REFUSED, nothing leaks)
 * @param upstreams the resolvers to ask when forwarding; empty: the system's
 */
public record DnsConfig(
    Optional<HostPort> listen, String pool, Duration answerTtl, boolean forward,
    List<HostPort> upstreams) {
  /** The default pool: inside 127.0.0.0/8, like Tor's automapped addresses. */
  public static final String DEFAULT_POOL = "127.77.0.0/16";

  public DnsConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(answerTtl, "answerTtl");
    upstreams = List.copyOf(upstreams);
  }

  public static DnsConfig off() {
    return new DnsConfig(Optional.empty(), DEFAULT_POOL, Duration.ofSeconds(60), false, List.of());
  }
}
