package io.staex.proxy.link.internal;

import io.staex.proxy.link.StartupLimits;
import io.staex.proxy.loop.RateLimiter;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Decides which new connections a link server takes, before any handshake work (see {@link
 * StartupLimits}). Checks, in order, each with its own refusal:
 *
 * <ol>
 *   <li>{@link Refusal#RATE}: the source prefix (/24, /64) opened more than {@code
 *       perSecondPerPrefix} connections in the last second (a token bucket per prefix, at most
 *       {@value RateLimiter#DEFAULT_MAX_SOURCES} prefixes remembered, least recent forgotten);
 *   <li>{@link Refusal#LINKS_FULL}: {@code maxLinks} established links; handshaking
 *       connections do not count;
 *   <li>{@link Refusal#STARTUPS_FULL}: {@code full} startups open;
 *   <li>{@link Refusal#PREFIX_FULL}: the prefix holds {@code perPrefix} startups;
 *   <li>{@link Refusal#EARLY_DROP}: {@code start} or more startups open and the prefix holds one
 *       already: dropped with {@link StartupLimits#dropPerMillion} (random early drop). A prefix
 *       with no startup is not dropped early: the drop is meant for the prefixes filling the
 *       table, and a newcomer (a child after its parent restarted) gets in until {@code full}.
 * </ol>
 *
 * An admitted connection is a startup until {@link Admission#linked} (then a link, if fewer
 * than {@code maxLinks} are) or {@link Admission#closed}. The startup table holds only prefixes
 * with a startup open, so at most {@code full} entries. Thread-safe (one lock; accepts are rare
 * next to the handshake work they guard).
 */
public final class AcceptGate {
  /** Why a connection was refused. */
  public enum Refusal { RATE, LINKS_FULL, STARTUPS_FULL, PREFIX_FULL, EARLY_DROP }

  private final int maxLinks;
  private final StartupLimits limits;
  private final RateLimiter<SourcePrefix> rate;
  private final Random random;
  /** Startups open per prefix; only prefixes with one or more. Guarded by {@code this}. */
  private final Map<SourcePrefix, Integer> startupsByPrefix = new HashMap<>();
  /** Guarded by {@code this}. */
  private int startups;
  /** Guarded by {@code this}. */
  private int links;

  /**
   * @param clock drives the rate buckets
   * @param random draws the early drops
   */
  public AcceptGate(int maxLinks, int perSecondPerPrefix, StartupLimits limits, Clock clock,
      Random random) {
    if (maxLinks < 1) {
      throw new IllegalArgumentException("maxLinks: " + maxLinks + " (expected: 1 or more)");
    }
    if (perSecondPerPrefix < 1) {
      throw new IllegalArgumentException("perSecondPerPrefix: " + perSecondPerPrefix
          + " (expected: 1 or more)");
    }
    this.maxLinks = maxLinks;
    this.limits = Objects.requireNonNull(limits, "limits");
    this.rate = new RateLimiter<>(perSecondPerPrefix, RateLimiter.DEFAULT_MAX_SOURCES, clock);
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Decides on a new connection from {@code source}; see {@link Admission#refusal()}. */
  public Admission admit(InetAddress source) {
    SourcePrefix prefix = SourcePrefix.of(source);
    if (!rate.tryAcquire(prefix)) {
      return new Admission(prefix, Refusal.RATE);
    }
    synchronized (this) {
      int held = startupsByPrefix.getOrDefault(prefix, 0);
      Refusal refusal = null;
      if (links >= maxLinks) {
        refusal = Refusal.LINKS_FULL;
      } else if (startups >= limits.full()) {
        refusal = Refusal.STARTUPS_FULL;
      } else if (held >= limits.perPrefix()) {
        refusal = Refusal.PREFIX_FULL;
      } else if (held > 0 && random.nextInt(1_000_000) < limits.dropPerMillion(startups)) {
        refusal = Refusal.EARLY_DROP;
      }
      if (refusal != null) {
        return new Admission(prefix, refusal);
      }
      startups++;
      startupsByPrefix.put(prefix, held + 1);
      return new Admission(prefix, null);
    }
  }

  /** Startups open now. */
  public synchronized int startups() {
    return startups;
  }

  /** Established links now. */
  public synchronized int links() {
    return links;
  }

  /** Prefixes with a startup open now (at most {@code full}). */
  public synchronized int startupPrefixes() {
    return startupsByPrefix.size();
  }

  /** Prefixes whose rate bucket is remembered (at most 4096). */
  public int ratePrefixes() {
    return rate.size();
  }

  private void endStartup(SourcePrefix prefix) {
    assert Thread.holdsLock(this);
    startups--;
    startupsByPrefix.computeIfPresent(prefix, (p, n) -> n == 1 ? null : n - 1);
  }

  /** One connection's place: a startup, then perhaps a link, until closed. */
  public final class Admission {
    private final SourcePrefix prefix;
    private final Refusal refusal;
    /** Guarded by the gate. */
    private boolean startup;
    /** Guarded by the gate. */
    private boolean link;

    private Admission(SourcePrefix prefix, Refusal refusal) {
      this.prefix = prefix;
      this.refusal = refusal;
      this.startup = refusal == null;
    }

    /** Why it was refused; null if it was admitted (a startup now). */
    public Refusal refusal() {
      return refusal;
    }

    public SourcePrefix prefix() {
      return prefix;
    }

    /**
     * The handshake finished: the startup ends and the connection becomes a link, unless
     * {@code maxLinks} are established already (false: close it). Only once; false after
     * {@link #closed}.
     */
    public boolean linked() {
      synchronized (AcceptGate.this) {
        if (!startup) {
          return false;
        }
        startup = false;
        endStartup(prefix);
        if (links >= maxLinks) {
          return false;
        }
        links++;
        link = true;
        return true;
      }
    }

    /** The connection closed: frees its startup or link. Idempotent. */
    public void closed() {
      synchronized (AcceptGate.this) {
        if (startup) {
          startup = false;
          endStartup(prefix);
        } else if (link) {
          link = false;
          links--;
        }
      }
    }
  }
}
