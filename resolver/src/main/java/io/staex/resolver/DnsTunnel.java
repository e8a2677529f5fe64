package io.staex.resolver;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Carries one DNS query to an upstream server by another way than this machine's network: the
 * node sends it over TCP through an exit ({@code dns.forward = via-exit}, {@code
 * docs/resolver.md}). Must not block.
 */
@FunctionalInterface
public interface DnsTunnel {
  /**
   * The upstream's answer to {@code query} (both DNS messages in wire form, without TCP's
   * length prefix), or a failed future whose message says why (the exit refused, the
   * upstream did not answer).
   *
   * @param upstream where to ask; unresolved when it is a name (the far end resolves it)
   */
  CompletableFuture<byte[]> exchange(InetSocketAddress upstream, byte[] query);
}
