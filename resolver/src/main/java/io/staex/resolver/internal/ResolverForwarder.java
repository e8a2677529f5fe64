package io.staex.resolver.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

/**
 * Forwards through dnsjava's {@link ExtendedResolver}: the given servers, or the system's
 * ({@link ResolverConfig}, read from {@code /etc/resolv.conf} once, here). dnsjava's own I/O
 * thread does the network work, so callers never block.
 */
public final class ResolverForwarder implements Forwarder {
  private final Resolver resolver;

  public ResolverForwarder(List<InetSocketAddress> servers, Duration timeout) {
    List<InetSocketAddress> targets =
        servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "dns.upstreams: [] and no name servers in the system's resolver configuration "
              + "(expected: at least one upstream)");
    }
    List<Resolver> resolvers = new ArrayList<>();
    for (InetSocketAddress target : targets) {
      SimpleResolver simple = new SimpleResolver(target);
      simple.setTimeout(timeout);
      resolvers.add(simple);
    }
    ExtendedResolver extended = new ExtendedResolver(resolvers);
    extended.setTimeout(timeout);
    extended.setRetries(1);
    this.resolver = extended;
  }

  @Override
  public CompletionStage<Message> forward(Message query) {
    return resolver.sendAsync(query);
  }
}
