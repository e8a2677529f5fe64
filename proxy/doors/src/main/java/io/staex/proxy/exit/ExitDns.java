package io.staex.proxy.exit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.staex.proxy.frame.FrameBytes;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.socks.Route;
import io.staex.proxy.socks.Router;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.StreamHandler;
import io.staex.proxy.stream.Streams;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * DNS over TCP (RFC 1035 §4.2.2: a two-byte length, then the message) through an exit, for the
 * resolver's {@code dns.forward = via-exit} ({@code docs/resolver.md}): one exit stream per
 * query to the upstream, routed by the doors' {@link Router} (so through {@code socks.exit},
 * failing over as {@link ExitDialer} does; a {@code .staex} upstream goes to that node). The
 * exit judges the upstream like any destination: a refusal fails the query. A stream that has
 * not ended within the timeout is reset, answered or not.
 */
public final class ExitDns {
  /** A DNS message over TCP is at most this long. */
  private static final int MAX_MESSAGE = 65535;

  private final Streams streams;
  private final Router router;
  private final Duration timeout;

  /**
   * @param timeout how long one query's stream may live (the resolver's lookup timeout)
   */
  public ExitDns(Streams streams, Router router, Duration timeout) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.router = Objects.requireNonNull(router, "router");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Asks {@code upstream} (its host string is routed: a name is resolved at the exit) for
   * {@code query}; the answer, or a failure saying why. Any thread.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // whenComplete sees every outcome
  public CompletableFuture<byte[]> exchange(InetSocketAddress upstream, byte[] query) {
    if (query.length > MAX_MESSAGE) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("query of " + query.length + " bytes"));
    }
    String host = upstream.getHostString();
    int port = upstream.getPort();
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    router.route(host).whenComplete((r, e) -> streams.loop().execute(() -> {
      if (e != null) {
        answer.completeExceptionally(e);
      } else if (r instanceof Route.Refused no) {
        answer.completeExceptionally(new IllegalStateException(
            "upstream " + host + ":" + port + " refused here: " + no.why()));
      } else {
        Exchange x = new Exchange(query, answer, host + ":" + port);
        if (r instanceof Route.Internet internet) {
          ExitDialer.open(streams, internet.exits(), internet.host(), port, x, x::attempt);
        } else {
          x.attempt(streams.open(((Route.Overlay) r).node(), port, x));
        }
        x.timer();
      }
    }));
    return answer;
  }

  /** One query on one stream (loop only). */
  private final class Exchange implements StreamHandler {
    private final byte[] query;
    private final CompletableFuture<byte[]> answer;
    private final String upstream;
    private Stream stream;
    private byte[] received = new byte[0];

    Exchange(byte[] query, CompletableFuture<byte[]> answer, String upstream) {
      this.query = query;
      this.answer = answer;
      this.upstream = upstream;
    }

    void attempt(Stream s) {
      stream = s;
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the timer only ends what is still open
    void timer() {
      streams.loop().schedule(() -> {
        fail("no answer from " + upstream + " within " + timeout);
        if (stream != null && !stream.isFinished()) {
          stream.reset(ResetReason.TIMEOUT);
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void fail(String why) {
      answer.completeExceptionally(new IllegalStateException(why));
    }

    @Override
    public void connected(Stream s) {
      ByteBuf out = Unpooled.buffer(2 + query.length);
      out.writeShort(query.length).writeBytes(query);
      try {
        s.write(out);
      } finally {
        out.release();
      }
    }

    @Override
    public void data(Stream s, FrameBytes data) {
      s.consumed(data.size());
      if (answer.isDone()) {
        return;
      }
      if (received.length + data.size() > 2 + MAX_MESSAGE) {
        fail("upstream " + upstream + " sent more than one answer's bytes");
        s.reset(ResetReason.CLOSED);
        return;
      }
      byte[] more = new byte[received.length + data.size()];
      System.arraycopy(received, 0, more, 0, received.length);
      data.copyTo(more, received.length);
      received = more;
      if (received.length >= 2) {
        int length = ((received[0] & 0xFF) << 8) | (received[1] & 0xFF);
        if (received.length >= 2 + length) {
          byte[] message = new byte[length];
          System.arraycopy(received, 2, message, 0, length);
          answer.complete(message);
          s.finish(); // the exit closes its side towards the upstream; it closes back
        }
      }
    }

    @Override
    public void fin(Stream s) {
      fail("upstream " + upstream + " closed without an answer");
      s.finish();
    }

    @Override
    public void writable(Stream s) {}

    @Override
    public void reset(Stream s, ResetReason reason) {
      fail("stream to " + upstream + " reset: " + reason
          + (reason == ResetReason.NOT_ALLOWED ? " (the exit's policy)" : ""));
    }
  }
}
