package io.staex.resolver.internal;

import io.staex.resolver.DnsTunnel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * Forwards through a {@link DnsTunnel} ({@code dns.forward = via-exit}): the upstreams in
 * order, the next when one fails; the last failure is the answer's (SERVFAIL). The lookup
 * timeout is {@link QueryAnswerer}'s.
 */
public final class TunnelForwarder implements Forwarder {
  private final DnsTunnel tunnel;
  private final List<InetSocketAddress> upstreams;

  public TunnelForwarder(DnsTunnel tunnel, List<InetSocketAddress> upstreams) {
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("upstreams: none");
    }
    this.tunnel = tunnel;
    this.upstreams = List.copyOf(upstreams);
  }

  @Override
  public CompletionStage<Message> forward(Message query) {
    return attempt(query.toWire(), 0);
  }

  private CompletableFuture<Message> attempt(byte[] wire, int index) {
    return tunnel.exchange(upstreams.get(index), wire).thenApply(TunnelForwarder::parse)
        .exceptionallyCompose(e -> index + 1 < upstreams.size() ? attempt(wire, index + 1)
            : CompletableFuture.failedFuture(e));
  }

  private static Message parse(byte[] answer) {
    try {
      return new Message(answer);
    } catch (IOException e) {
      throw new IllegalStateException("the upstream's answer does not parse: " + e.getMessage(),
          e);
    }
  }
}
