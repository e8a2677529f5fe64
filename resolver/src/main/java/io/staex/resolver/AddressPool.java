package io.staex.resolver;

import io.staex.crypto.Address;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Maps node addresses to IPv4 addresses of a reserved range (such as {@code 127.77.0.0/16},
 * like Tor's automapped addresses), so that applications that only know IP addresses can reach
 * {@code .staex} names: the DNS server hands them out, the SOCKS server maps them back.
 *
 * <p>Any IPv4 prefix from /8 to /30 is accepted; its network and broadcast addresses are never
 * handed out. A node keeps its address while it is used ({@link #assign} or {@link #lookup}
 * within {@code ttl}); an entry unused for {@code ttl} is reclaimed lazily, when it is next
 * touched or its address is needed. Addresses never handed out go first, in order; then freed
 * ones, oldest first; then the address of the entry unused the longest, once it has expired. So
 * a reclaimed address is reused as late as possible. When every address is in use, {@link
 * #assign} throws {@link PoolExhaustedException} rather than give a wrong answer.
 *
 * <p>Every call does constant work (amortized): the entries are kept in the order they were last
 * used, so the one that may be reclaimed is always the first; nothing scans the prefix. Thread-safe:
 * every method holds the pool's lock.
 */
public final class AddressPool {
  private final Cidr cidr;
  private final int hosts;
  private final Duration ttl;
  private final Clock clock;

  /** Guarded by {@code this}; in the order last used (access order), least recent first. */
  private final Map<Address, Entry> byNode = new LinkedHashMap<>(16, 0.75f, true);
  /** Guarded by {@code this}; keys are host indexes of {@link #cidr}. */
  private final Map<Integer, Entry> byIndex = new HashMap<>();
  /** Guarded by {@code this}: host indexes freed by reclaimed entries, oldest first. */
  private final ArrayDeque<Integer> freed = new ArrayDeque<>();
  /** Guarded by {@code this}: host indexes below this have been handed out at least once. */
  private int fresh;
  /** Guarded by {@code this}: candidate addresses looked at by allocations (tests: no scan). */
  private long candidates;

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
    this.hosts = cidr.hostCount();
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
    return assign(node, () -> true).orElseThrow();
  }

  /**
   * The node's address, or a fresh one if it has none and {@code admitNew} allows a new entry
   * (a rate limit: asked only then, under the pool's lock, so it must be quick); marks it used.
   *
   * @return empty when the node has no address and {@code admitNew} said no
   * @throws PoolExhaustedException when every address is in use
   */
  public synchronized Optional<Inet4Address> assign(Address node, BooleanSupplier admitNew) {
    Instant now = clock.instant();
    Entry entry = byNode.get(node);
    if (entry != null && !expired(entry, now)) {
      entry.lastUsed = now;
      return Optional.of(Cidr.toAddress(cidr.host(entry.index)));
    }
    if (entry != null) {
      release(entry);
    }
    if (!admitNew.getAsBoolean()) {
      return Optional.empty();
    }
    int index = allocate(now);
    Entry created = new Entry(node, index, now);
    byNode.put(node, created);
    byIndex.put(index, created);
    return Optional.of(Cidr.toAddress(cidr.host(index)));
  }

  /** A free host index: never used, else freed, else the least recently used if expired. */
  private int allocate(Instant now) {
    candidates++;
    if (fresh < hosts) {
      return fresh++;
    }
    Integer index = freed.poll();
    if (index != null) {
      return index;
    }
    candidates++;
    Entry oldest = byNode.isEmpty() ? null : byNode.values().iterator().next();
    if (oldest != null && expired(oldest, now)) {
      remove(oldest);
      return oldest.index;
    }
    throw new PoolExhaustedException("address pool " + cidr + " exhausted: " + byNode.size()
        + " nodes in use (dns.pool)");
  }

  /**
   * The address {@code node} holds now, if any, without marking it used or assigning one
   * ({@code staex resolve} shows it).
   */
  public synchronized Optional<Inet4Address> peek(Address node) {
    Entry entry = byNode.get(node);
    if (entry == null || expired(entry, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(Cidr.toAddress(cidr.host(entry.index)));
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
    for (Iterator<Entry> it = byNode.values().iterator(); it.hasNext(); ) {
      Entry oldest = it.next();
      if (!expired(oldest, now)) {
        break;
      }
      it.remove();
      byIndex.remove(oldest.index, oldest);
      freed.add(oldest.index);
    }
    return byNode.size();
  }

  /** Addresses this pool can give out at once. */
  public int capacity() {
    return hosts;
  }

  /** Candidate addresses allocations have looked at so far: at most two per allocation. */
  synchronized long candidates() {
    return candidates;
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
      release(entry);
      return Optional.empty();
    }
    if (touch) {
      entry.lastUsed = now;
      byNode.get(entry.node); // access order: now the most recently used
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

  /** Removes {@code entry} and queues its address for reuse. */
  private void release(Entry entry) {
    remove(entry);
    freed.add(entry.index);
  }
}
