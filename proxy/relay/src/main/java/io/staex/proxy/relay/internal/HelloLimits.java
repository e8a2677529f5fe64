package io.staex.proxy.relay.internal;

import io.staex.crypto.Address;
import io.staex.proxy.frame.LinkFrame;
import io.staex.proxy.frame.SessionFrameType;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Session HELLOs per child link: a token bucket per link whose peer is not one of this node's
 * parents ({@link io.staex.proxy.relay.RelaySettings#hellosPerSecondPerLink} a second, as many
 * saved up). The relay peeks at a packet's first payload byte (the session frame type, {@code
 * docs/frames.md}) after the reverse-path check and before routing it; a HELLO past the limit
 * is dropped silently and counted ({@code HELLO_LIMITED}). A child's subtree shares its link's
 * bucket, so one member cannot flood HELLOs claiming other sources (or its own) at everything
 * above it; packets coming down from parents are not limited (they carry the whole network's
 * traffic). Confined to the relay's loop.
 */
final class HelloLimits {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long perSecond;
  /** Replaced by {@link #parents(Set)} on the relay's loop (a reload). */
  private Set<Address> parents;
  private final Clock clock;
  /** Per child link's peer: saved tokens in 1/10^9 of a token, and when last refilled. */
  private final Map<Address, long[]> buckets = new HashMap<>();

  HelloLimits(int perSecond, Set<Address> parents, Clock clock) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 1)");
    }
    this.perSecond = perSecond;
    this.parents = Set.copyOf(parents);
    this.clock = clock;
  }

  /** The node's parents are now {@code next} (a reload); on the relay's loop. */
  void parents(Set<Address> next) {
    this.parents = Set.copyOf(next);
  }

  /** Whether {@code p}, from the link to {@code peer}, is a HELLO past that link's limit. */
  boolean refuses(Address peer, LinkFrame.Packet p) {
    if (parents.contains(peer) || !isHello(p)) {
      return false;
    }
    long now = clock.millis() * 1_000_000L;
    long max = perSecond * NANOS_PER_SECOND;
    long[] b = buckets.computeIfAbsent(peer, k -> new long[] {max, now});
    long elapsed = Math.min(Math.max(0, now - b[1]), NANOS_PER_SECOND);
    b[1] = now;
    b[0] = Math.min(max, b[0] + elapsed * perSecond);
    if (b[0] < NANOS_PER_SECOND) {
      return true;
    }
    b[0] -= NANOS_PER_SECOND;
    return false;
  }

  /** The link to {@code peer} is down: its bucket goes (a new link starts full). */
  void linkDown(Address peer) {
    buckets.remove(peer);
  }

  private static boolean isHello(LinkFrame.Packet p) {
    return p.payload().read((array, off, len) ->
        len > 0 && (array[off] & 0xff) == SessionFrameType.HELLO.code());
  }
}
