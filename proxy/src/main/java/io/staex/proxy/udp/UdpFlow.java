package io.staex.proxy.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.FrameLimits;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamHandler;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One UDP flow carried by one stream: each datagram from the local socket is one stream
 * datagram on channel 0, and each stream datagram is one datagram to the local socket. The
 * stream's byte direction is not used (bytes that arrive are taken and discarded).
 *
 * <pre>
 *   opener (forward, SOCKS): created ──▶ stream opened ──▶ connected (peer's WINDOW) ──▶ …
 *            datagrams before connected wait here (at most {@link #MAX_PENDING}, then dropped)
 *   acceptor (service):      created with the accepted stream: connected at once
 *   either: no datagram either way for the idle timeout, the local socket closed, or close()
 *            ──▶ FIN (the peer's flow closes too) ──▶ ended
 *           the peer's FIN ──▶ FIN back ──▶ ended;  a reset ──▶ ended
 * </pre>
 *
 * <p>Confined to the stream layer's loop; its idle timer runs on the loop's ticker.
 */
public final class UdpFlow implements StreamHandler {
  /** Datagrams an opener holds while its stream is not connected yet; more are dropped. */
  public static final int MAX_PENDING = 16;

  /** The local side of a flow: where its datagrams from the overlay go. */
  public interface Local {
    /** Writes {@code payload} (the flow releases it after the call: retain to keep it). */
    void send(ByteBuf payload);

    /** The flow ended (once): {@code idle} if by its idle timeout; {@code reset} if reset. */
    void ended(UdpFlow flow, boolean idle, ResetReason reset);
  }

  private final EventLoop loop;
  private final long idleNanos;
  private final UdpCounters counters;
  private final Local local;
  private final String name;
  private Stream stream;
  private boolean connected;
  private boolean ended;
  private ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private long lastActive;
  private ScheduledFuture<?> idleTimer;
  private long datagramsIn;
  private long datagramsOut;

  /**
   * A flow whose stream comes later ({@link #bind} for an opener, {@link #accepted} for an
   * acceptor). Counts itself opened and arms its idle timer.
   */
  public UdpFlow(EventLoop loop, UdpSettings settings, UdpCounters counters, String name,
      Local local) {
    this.loop = Objects.requireNonNull(loop, "loop");
    this.idleNanos = settings.idleTimeout().toNanos();
    this.counters = Objects.requireNonNull(counters, "counters");
    this.name = Objects.requireNonNull(name, "name");
    this.local = Objects.requireNonNull(local, "local");
    this.lastActive = now();
    counters.opened();
    armIdle(idleNanos);
  }

  /** Opener: the stream opened for this flow (this flow its handler). */
  public void bind(Stream s) {
    this.stream = s;
  }

  /** Acceptor: accepts {@code s} with this flow as its handler; it is connected at once. */
  public void accepted(Stream s) {
    this.stream = s;
    s.accept(this);
    connected = !s.isFinished();
    pending = null;
  }

  /** A datagram from the local socket (the caller releases {@code data}). */
  public void fromLocal(ByteBuf data) {
    if (ended) {
      counters.drop(UdpCounters.Drop.NOT_CONNECTED);
      return;
    }
    if (data.readableBytes() > FrameLimits.MAX_DATAGRAM) {
      counters.drop(UdpCounters.Drop.TOO_BIG);
      return;
    }
    lastActive = now();
    if (!connected) {
      if (pending.size() >= MAX_PENDING) {
        counters.drop(UdpCounters.Drop.NOT_CONNECTED);
        return;
      }
      byte[] copy = new byte[data.readableBytes()];
      data.getBytes(data.readerIndex(), copy);
      pending.add(copy);
      return;
    }
    send(data);
  }

  private void send(ByteBuf data) {
    if (stream.sendDatagram(0, data)) {
      datagramsIn++;
      counters.in();
    } else {
      counters.drop(UdpCounters.Drop.NOT_SENT);
    }
  }

  /** Ends the flow: FIN to the peer, whose flow ends too. */
  public void close() {
    end(false, null);
  }

  /** Whether it ended. */
  public boolean isEnded() {
    return ended;
  }

  /** Datagrams this flow sent into the overlay / wrote to its local socket. */
  public long datagramsIn() {
    return datagramsIn;
  }

  public long datagramsOut() {
    return datagramsOut;
  }

  // ---- StreamHandler ----

  @Override
  public void connected(Stream s) {
    if (ended) {
      return;
    }
    connected = true;
    ArrayDeque<byte[]> queued = pending;
    pending = null;
    for (byte[] d : queued) {
      send(Unpooled.wrappedBuffer(d));
    }
  }

  @Override
  public void data(Stream s, FrameBytes data) {
    s.consumed(data.size()); // a UDP flow carries no bytes: take them so credit is not stuck
  }

  @Override
  public void datagram(Stream s, int channel, FrameBytes data) {
    if (ended) {
      return;
    }
    lastActive = now();
    ByteBuf out = Unpooled.buffer(data.size());
    data.writeTo(out);
    try {
      datagramsOut++;
      counters.out();
      local.send(out);
    } finally {
      out.release();
    }
  }

  @Override
  public void fin(Stream s) {
    end(false, null);
  }

  @Override
  public void writable(Stream s) {}

  @Override
  public void reset(Stream s, ResetReason reason) {
    end(false, reason);
  }

  private void end(boolean idle, ResetReason reason) {
    if (ended) {
      return;
    }
    ended = true;
    if (pending != null) {
      for (int i = 0; i < pending.size(); i++) {
        counters.drop(UdpCounters.Drop.NOT_CONNECTED); // never connected: refused, unknown name…
      }
      pending = null;
    }
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (stream != null && !stream.isFinished()) {
      if (connected) {
        stream.finish();
      } else {
        stream.reset(ResetReason.CLOSED); // not accepted yet: a FIN would wait for that
      }
    }
    counters.closed(idle);
    local.ended(this, idle, reason);
  }

  private void armIdle(long delayNanos) {
    idleTimer = loop.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void checkIdle() {
    idleTimer = null;
    if (ended) {
      return;
    }
    long quiet = now() - lastActive;
    if (quiet >= idleNanos) {
      end(true, null);
    } else {
      armIdle(idleNanos - quiet);
    }
  }

  private long now() {
    return loop.ticker().nanoTime();
  }

  @Override
  public String toString() {
    return name;
  }
}
