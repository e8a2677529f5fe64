package io.staex.resolver.internal;

import io.staex.resolver.DnsStats;
import java.util.concurrent.atomic.LongAdder;

/** The DNS server's counters; written from any event loop. */
public final class DnsCounters {
  final LongAdder refusedClients = new LongAdder();
  final LongAdder rateLimitedNames = new LongAdder();
  final LongAdder malformedNames = new LongAdder();

  /** A snapshot. */
  public DnsStats snapshot() {
    return new DnsStats(refusedClients.sum(), rateLimitedNames.sum(), malformedNames.sum());
  }
}
