package io.staex.proxy.udp;

import io.netty.channel.ChannelFutureListener;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the node's UDP flows did, for {@code staex status}: flows opened and open now,
 * datagrams in (from local sockets into the overlay) and out (from the overlay to local
 * sockets), and every datagram or flow dropped, by reason. Written on the streams' loop, read
 * from any thread.
 */
public final class UdpCounters {
  /** Why a datagram (or a whole new flow) was dropped. */
  public enum Drop {
    /** A new flow beyond a forward's, service's or association's limit. */
    FLOW_LIMIT,
    /** Larger than a stream datagram carries ({@code FrameLimits.MAX_DATAGRAM}). */
    TOO_BIG,
    /** Its flow's stream was not connected yet and its queue was full, or it was refused. */
    NOT_CONNECTED,
    /** The node's datagram queue or the stream would not take it. */
    NOT_SENT,
    /** SOCKS5: from an address other than the associated client's. */
    FOREIGN_SOURCE,
    /** SOCKS5: a fragment (FRAG != 0); fragments are not reassembled. */
    FRAGMENT,
    /** SOCKS5: a destination outside {@code .staex} (no exit), or a name nobody has. */
    DESTINATION,
    /** SOCKS5: a header that does not parse. */
    MALFORMED,
    /** The local device answered with an ICMP error (port unreachable), or a write failed. */
    UNREACHABLE;

    /** As status prints it: {@code flow_limit}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final LongAdder flowsOpened = new LongAdder();
  private final LongAdder flowsOpen = new LongAdder();
  private final LongAdder flowsIdle = new LongAdder();
  private final LongAdder datagramsIn = new LongAdder();
  private final LongAdder datagramsOut = new LongAdder();
  private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
  /** Counts a datagram a local socket failed to send as {@code UNREACHABLE}. */
  private final ChannelFutureListener sendFailures = f -> {
    if (!f.isSuccess()) {
      drop(Drop.UNREACHABLE);
    }
  };

  public UdpCounters() {
    for (Drop d : Drop.values()) {
      drops.put(d, new LongAdder());
    }
  }

  void opened() {
    flowsOpened.increment();
    flowsOpen.increment();
  }

  void closed(boolean idle) {
    flowsOpen.decrement();
    if (idle) {
      flowsIdle.increment();
    }
  }

  void in() {
    datagramsIn.increment();
  }

  void out() {
    datagramsOut.increment();
  }

  /** The listener for every datagram written to a local socket: counts a failed send. */
  public ChannelFutureListener sendFailures() {
    return sendFailures;
  }

  /** Counts one dropped datagram (or refused flow) for {@code why}. */
  public void drop(Drop why) {
    drops.get(why).increment();
  }

  /** Flows opened since start. */
  public long flowsOpened() {
    return flowsOpened.sum();
  }

  /** Flows open now. */
  public long flowsOpen() {
    return flowsOpen.sum();
  }

  /** Flows ended because nothing was sent either way for the idle timeout. */
  public long flowsIdleClosed() {
    return flowsIdle.sum();
  }

  /** Datagrams from local sockets sent into the overlay. */
  public long datagramsIn() {
    return datagramsIn.sum();
  }

  /** Datagrams from the overlay written to local sockets. */
  public long datagramsOut() {
    return datagramsOut.sum();
  }

  /** Datagrams dropped for {@code why}. */
  public long dropped(Drop why) {
    return drops.get(why).sum();
  }

  /** Every reason with its count, in declaration order. */
  public Map<Drop, Long> drops() {
    Map<Drop, Long> out = new EnumMap<>(Drop.class);
    drops.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("flows ").append(flowsOpen()).append(" open, ")
        .append(flowsOpened()).append(" opened, ").append(flowsIdleClosed())
        .append(" idle-closed; datagrams in ").append(datagramsIn()).append(", out ")
        .append(datagramsOut());
    drops().forEach((k, v) -> {
      if (v > 0) {
        b.append(", dropped ").append(k.label()).append(' ').append(v);
      }
    });
    return b.toString();
  }
}
