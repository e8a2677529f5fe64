package io.staex.resolver;

import io.staex.crypto.Address;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps node addresses to IPv4 addresses of a reserved range (such as {@code 127.77.0.0/16},
 * like Tor's automapped addresses), so that applications that only know IP addresses can reach
 * {@code .staex} names: the DNS server hands them out, the SOCKS server maps them back.
 *
 * <p>Any IPv4 prefix from /8 to /30 is accepted; its network and broadcast addresses are never
 * handed out. A node keeps its address while it is used ({@link #assign} or {@link #lookup}
 * within {@code ttl}); an entry unused for {@code ttl} is reclaimed lazily, when it is next
 * touched or its address is needed. Addresses are handed out round robin, so a reclaimed
 * address is reused as late as possible. When every address is in use, {@link #assign} throws
 * {@link PoolExhaustedException} rather than give a wrong answer.
 *
 * <p>Thread-safe: every method holds the pool's lock; a call touches at most every address of
 * the prefix once (only when nearly full).
 */
public final class AddressPool {
  private final Cidr cidr;
  private final Duration ttl;
  private final Clock clock;

  /** Guarded by {@code this}. */
  private final Map<Address, Entry> byNode = new HashMap<>();
  /** Guarded by {@code this}; keys are host indexes of {@link #cidr}. */
  private final Map<Integer, Entry> byIndex = new HashMap<>();
  /** Guarded by {@code this}: the host index the next search starts at. */
  private int next;

  private static final class Entry {
    final Address node;
    final int index;
    Instant lastUsed;

    Entry(Address node, int index, Instant lastUsed) {
      this.node = node;
      this.index = index;
      this.lastUsed = lastUsed;
    }
  }

  /**
   * A pool over {@code cidr}.
   *
   * @param cidr the IPv4 prefix whose host addresses are handed out
   * @param ttl how long an unused entry is kept; positive
   * @throws IllegalArgumentException for a ttl that is not positive
   */
  public AddressPool(Cidr cidr, Duration ttl, Clock clock) {
    this.cidr = Objects.requireNonNull(cidr, "cidr");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The node's address, or a fresh one if it has none; marks it used.
   *
   * @throws PoolExhaustedException when every address is in use
   */
  public synchronized Inet4Address assign(Address node) {
    Instant now = clock.instant();
    Entry entry = byNode.get(node);
    if (entry != null && !expired(entry, now)) {
      entry.lastUsed = now;
      return Cidr.toAddress(cidr.host(entry.index));
    }
    if (entry != null) {
      remove(entry);
    }
    int hosts = cidr.hostCount();
    for (int i = 0; i < hosts; i++) {
      int index = (next + i) % hosts;
      Entry holder = byIndex.get(index);
      if (holder == null || expired(holder, now)) {
        if (holder != null) {
          remove(holder);
        }
        Entry fresh = new Entry(node, index, now);
        byNode.put(node, fresh);
        byIndex.put(index, fresh);
        next = (index + 1) % hosts;
        return Cidr.toAddress(cidr.host(index));
      }
    }
    throw new PoolExhaustedException("address pool " + cidr + " exhausted: " + byNode.size()
        + " nodes in use (dns.pool)");
  }

  /** The node that holds {@code ip}, if any; marks it used. */
  public synchronized Optional<Address> lookup(InetAddress ip) {
    return find(ip, true);
  }

  /** The node that holds {@code ip}, if any, without marking it used (reverse lookups). */
  public synchronized Optional<Address> peek(InetAddress ip) {
    return find(ip, false);
  }

  /** Whether {@code ip} lies in this pool's prefix (network and broadcast included). */
  public boolean contains(InetAddress ip) {
    return cidr.contains(ip);
  }

  /** Nodes holding an address now. */
  public synchronized int size() {
    Instant now = clock.instant();
    return (int) byNode.values().stream().filter(e -> !expired(e, now)).count();
  }

  /** The prefix, e.g. {@code 127.77.0.0/16}. */
  @Override
  public String toString() {
    return cidr.toString();
  }

  private Optional<Address> find(InetAddress ip, boolean touch) {
    int index = cidr.indexOf(ip);
    Entry entry = index < 0 ? null : byIndex.get(index);
    if (entry == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(entry, now)) {
      remove(entry);
      return Optional.empty();
    }
    if (touch) {
      entry.lastUsed = now;
    }
    return Optional.of(entry.node);
  }

  private boolean expired(Entry entry, Instant now) {
    return !now.isBefore(entry.lastUsed.plus(ttl));
  }

  private void remove(Entry entry) {
    byNode.remove(entry.node, entry);
    byIndex.remove(entry.index, entry);
  }
}
