package io.staex.resolver;

/**
 * Every address of an {@link AddressPool} is in use, so a new node gets no address; the DNS
 * server answers SERVFAIL rather than a wrong address. Raise {@code dns.pool} to a larger
 * prefix, or lower {@code dns.pool-ttl} so that unused addresses come back sooner.
 */
public final class PoolExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PoolExhaustedException(String message) {
    super(message);
  }
}
