package io.staex.resolver;

import java.util.concurrent.CompletableFuture;

/**
 * Looks up certified names (the {@code camera1} of {@code camera1.staex}); the node implements
 * it over its routing state, which may take a network round trip.
 *
 * <p>Error contract: {@link #resolve} must not block; it returns a future that completes with
 * an answer, or exceptionally when the lookup failed. The DNS server gives up after
 * {@link DnsSettings#lookupTimeout()} and answers SERVFAIL, for failures too; it never cancels
 * the future. Calls may come from any thread, concurrently.
 */
public interface NameResolver {
  /**
   * Resolves {@code name}: one DNS label, lower case, never a node address.
   */
  CompletableFuture<NameAnswer> resolve(String name);
}
