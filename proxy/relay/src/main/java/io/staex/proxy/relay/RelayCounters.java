package io.staex.proxy.relay;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What a {@link Relay} did; safe to read from any thread. */
public final class RelayCounters {
  /** Why a frame was dropped. */
  public enum Drop {
    /** A routing message for a neighbour whose link is not up. */
    ROUTING_NO_LINK,
    /** A routing message (or chunk stream) that did not decode; the link was closed. */
    ROUTING_BAD_MESSAGE,
    /** A packet or notice whose TTL ran out here. */
    TTL_EXPIRED,
    /** No route to the destination (the root does not know it). */
    NO_ROUTE,
    /** The next hop's link is down (or never was a neighbour). */
    LINK_DOWN,
    /** An UNREACHABLE notice that could not be delivered (never answered, no storms). */
    UNREACHABLE_UNDELIVERABLE,
    /** A destination key that is not a valid public key. */
    BAD_KEY,
    /**
     * The next hop's link had {@link RelaySettings#linkQueueBytes} queued already (a source that
     * does not stop when asked: this node's own {@link Relay#send} ignoring {@link
     * RelayHandler#sendPaused}, reported as {@code CONGESTED}; or a burst already read).
     */
    QUEUE_FULL,
    /**
     * A link closed because it had {@link RelaySettings#linkQueueBytes} and 64 MiB of routing
     * messages beyond them queued: the peer does not read. (Routing messages are never dropped
     * as {@link #QUEUE_FULL}: a lost one would leave views wrong until the next refresh.)
     */
    ROUTING_BACKLOG,
    /**
     * A packet climbing from a neighbour (no source route, not for this node) whose source is
     * not that neighbour or a node of its subtree in this node's view: a member speaking as
     * another node (the reverse-path check, {@code docs/routing.md}). Never answered.
     */
    SPOOFED_SOURCE,
    /**
     * A session HELLO from a child's link beyond {@link RelaySettings#hellosPerSecondPerLink}
     * (token bucket per link). Dropped silently.
     */
    HELLO_LIMITED,
    /**
     * A renewed certificate a neighbour presented on its live link that is not a renewal of the
     * link's certificate (another key, network, name or roles) or that the trust policy refuses
     * now (expired, revoked, untrusted): ignored, the link keeps the certificate it had.
     */
    CERTIFICATE_REFUSED
  }

  private final LongAdder forwarded = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder originated = new LongAdder();
  private final LongAdder unreachableSent = new LongAdder();
  private final LongAdder unreachableReceived = new LongAdder();
  private final LongAdder rerouted = new LongAdder();
  private final LongAdder pausedReads = new LongAdder();
  private final LongAdder resumedReads = new LongAdder();
  private final LongAdder sendPauses = new LongAdder();
  private final LongAdder sendResumes = new LongAdder();
  private final AtomicLong maxLinkQueuedBytes = new AtomicLong();
  private final LongAdder linksClosedRevoked = new LongAdder();
  private final LongAdder linksClosedExpired = new LongAdder();
  private final LongAdder linksClosedUntrusted = new LongAdder();
  private final LongAdder linkCertificatesRenewed = new LongAdder();
  private final Map<Drop, LongAdder> dropped = new EnumMap<>(Drop.class);

  public RelayCounters() {
    for (Drop d : Drop.values()) {
      dropped.put(d, new LongAdder());
    }
  }

  /** Packets and notices sent on to a neighbour for another node. */
  public long forwarded() {
    return forwarded.sum();
  }

  /** Packets delivered to this node's {@link RelayHandler#packet}. */
  public long delivered() {
    return delivered.sum();
  }

  /** Packets this node sent as their source ({@link Relay#send}). */
  public long originated() {
    return originated.sum();
  }

  /** UNREACHABLE notices this node created. */
  public long unreachableSent() {
    return unreachableSent.sum();
  }

  /** UNREACHABLE notices addressed to this node (or made for it locally). */
  public long unreachableReceived() {
    return unreachableReceived.sum();
  }

  /**
   * Packets forwarded around a down next hop: their source route's next hop had lost its link
   * (the node that routed them did not know yet), and this node's own path took them on (local
   * repair, {@code docs/relay.md}). Also counted as forwarded.
   */
  public long rerouted() {
    return rerouted.sum();
  }

  /**
   * Times an incoming link stopped reading: the first of its holders (its own backlog, or an
   * unwritable link its frames go to) arrived. Equal to {@link #resumedReads} exactly when every
   * incoming link reads.
   */
  public long pausedReads() {
    return pausedReads.sum();
  }

  /** Times a paused incoming link read again: the last of its holders left. */
  public long resumedReads() {
    return resumedReads.sum();
  }

  /** Times this node's own sends were paused ({@link RelayHandler#sendPaused}). */
  public long sendPauses() {
    return sendPauses.sum();
  }

  /** Times this node's own sends were resumed ({@link RelayHandler#sendResumed}). */
  public long sendResumes() {
    return sendResumes.sum();
  }

  /** The most bytes seen queued for one outgoing link (engine queue + link), at enqueue time. */
  public long maxLinkQueuedBytes() {
    return maxLinkQueuedBytes.get();
  }

  public long dropped(Drop reason) {
    return dropped.get(reason).sum();
  }

  /** All drops. */
  public long dropped() {
    long n = 0;
    for (LongAdder a : dropped.values()) {
      n += a.sum();
    }
    return n;
  }

  // ---- updates, by the relay engine only

  /** Live links closed because a revocation arrived that covers the peer's certificate. */
  public long linksClosedRevoked() {
    return linksClosedRevoked.sum();
  }

  /** Live links closed when the peer's certificate reached its not-after time. */
  public long linksClosedExpired() {
    return linksClosedExpired.sum();
  }

  /**
   * Live links closed because a reloaded trust configuration no longer trusts the peer's
   * network (nor pins its key).
   */
  public long linksClosedUntrusted() {
    return linksClosedUntrusted.sum();
  }

  public void recordLinkClosedUntrusted() {
    linksClosedUntrusted.increment();
  }

  public void recordLinkClosedRevoked() {
    linksClosedRevoked.increment();
  }

  public void recordLinkClosedExpired() {
    linksClosedExpired.increment();
  }

  public void recordForwarded() {
    forwarded.increment();
  }

  public void recordDelivered() {
    delivered.increment();
  }

  public void recordOriginated() {
    originated.increment();
  }

  public void recordUnreachableSent() {
    unreachableSent.increment();
  }

  public void recordUnreachableReceived() {
    unreachableReceived.increment();
  }

  public void recordRerouted() {
    rerouted.increment();
  }

  public void recordPausedRead() {
    pausedReads.increment();
  }

  public void recordResumedRead() {
    resumedReads.increment();
  }

  public void recordSendPaused() {
    sendPauses.increment();
  }

  public void recordSendResumed() {
    sendResumes.increment();
  }

  public void recordLinkQueuedBytes(long bytes) {
    if (bytes > maxLinkQueuedBytes.get()) { // a read per frame; a CAS only for a new maximum
      maxLinkQueuedBytes.accumulateAndGet(bytes, Math::max);
    }
  }

  public void recordDrop(Drop reason) {
    dropped.get(reason).increment();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("RelayCounters[forwarded=").append(forwarded())
        .append(", delivered=").append(delivered()).append(", originated=").append(originated())
        .append(", unreachableSent=").append(unreachableSent())
        .append(", unreachableReceived=").append(unreachableReceived())
        .append(", rerouted=").append(rerouted())
        .append(", pausedReads=").append(pausedReads()).append(", resumedReads=")
        .append(resumedReads()).append(", sendPauses=").append(sendPauses())
        .append(", sendResumes=").append(sendResumes()).append(", maxLinkQueuedBytes=").append(maxLinkQueuedBytes());
    dropped.forEach((k, v) -> {
      if (v.sum() > 0) {
        s.append(", ").append(k).append('=').append(v.sum());
      }
    });
    return s.append(']').toString();
  }

  /** A neighbour's renewed certificate was taken on its live link. */
  public void recordLinkCertificateRenewed() {
    linkCertificatesRenewed.increment();
  }

  /** Renewed certificates neighbours presented on live links and this node took. */
  public long linkCertificatesRenewed() {
    return linkCertificatesRenewed.sum();
  }
}
