package io.staex.node.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.staex.conf.MetricsConfig;
import io.staex.proxy.loop.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metrics.listen}: the node's counters and the JVM's in the Prometheus text format over
 * HTTP/1.1, at {@code GET /metrics} only (HEAD too); every other path is 404, every other method
 * 405, a malformed request 400. One response per connection ({@code Connection: close}).
 *
 * <p>Limits ({@link MetricsConfig}): at most {@code maxConnections} open, more closed at once
 * and counted; a connection closed {@code timeout} after it was accepted whatever it did, so a
 * client that trickles its request holds nothing for long; request line 4 KiB, headers 8 KiB
 * (Netty's decoder answers more with 400 / closes). Refusals are logged at most once a minute.
 *
 * <p>Threading: its own event loop (one thread), because rendering the status blocks on the
 * node's owner loop (as the control socket's thread does).
 */
public final class MetricsServer implements AutoCloseable {
  /** The content type of the text exposition format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADERS = 8192;
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final EventLoopGroup group;
  /** Set once bound, before {@link #start} returns. */
  private volatile Channel server;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong lastRefusalLog = new AtomicLong(Long.MIN_VALUE);

  private MetricsServer(EventLoopGroup group) {
    this.group = group;
  }

  /**
   * Listens at {@code config.listen()} and answers with {@code text} (called per scrape, on
   * this server's thread).
   *
   * @throws Exception when it cannot listen there (Netty rethrows the bind's IOException)
   */
  public static MetricsServer start(MetricsConfig config, Supplier<String> text)
      throws Exception {
    EventLoopGroup group = Transports.newEventLoopGroup(1);
    MetricsServer self = new MetricsServer(group);
    try {
      self.server = new ServerBootstrap()
          .group(group)
          .channel(Transports.serverChannelType(group))
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              self.accepted(ch, config, text);
            }
          })
          .bind(new InetSocketAddress(config.listen().host(), config.listen().port()))
          .sync().channel();
      return self;
    } catch (Exception | Error e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
      throw e;
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the deadline closes; nothing to wait for
  private void accepted(Channel ch, MetricsConfig config, Supplier<String> text) {
    if (open.incrementAndGet() > config.maxConnections()) {
      open.decrementAndGet();
      refused.incrementAndGet();
      long now = System.nanoTime();
      long last = lastRefusalLog.get();
      if ((last == Long.MIN_VALUE || now - last >= LOG_INTERVAL_NANOS)
          && lastRefusalLog.compareAndSet(last, now)) {
        log.warn("metrics: connection from {} refused: {} open already (metrics.max-connections;"
            + " {} refused so far, logged once a minute)", ch.remoteAddress(),
            config.maxConnections(), refused.get());
      }
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    ch.eventLoop().schedule(() -> {
      ch.close();
    }, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
    ch.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192),
        new Handler(text));
  }

  private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private final Supplier<String> text;
    private boolean answered;

    Handler(Supplier<String> text) {
      this.text = text;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (answered) {
        return; // the body of a request already answered, or a pipelined one: closed anyway
      }
      if (msg.decoderResult().isFailure()) {
        answer(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
        return;
      }
      if (!(msg instanceof HttpRequest request)) {
        return;
      }
      boolean head = request.method().equals(HttpMethod.HEAD);
      if (!head && !request.method().equals(HttpMethod.GET)) {
        answer(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET /metrics\n", false);
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      if (!path.equals("/metrics")) {
        answer(ctx, HttpResponseStatus.NOT_FOUND, "not found (the metrics are at /metrics)\n",
            head);
        return;
      }
      String body;
      try {
        body = text.get();
      } catch (RuntimeException e) {
        log.warn("metrics: rendering failed", e);
        answer(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n", head);
        return;
      }
      served.incrementAndGet();
      answer(ctx, HttpResponseStatus.OK, body, head);
    }

    private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String body,
        boolean head) {
      answered = true;
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE,
              status.equals(HttpResponseStatus.OK) ? CONTENT_TYPE : "text/plain; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      }
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("metrics: connection from {}: {}", ctx.channel().remoteAddress(),
          cause.toString());
      ctx.close();
    }
  }

  /** Where it listens. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Connections closed at once because {@code max-connections} were open. */
  public long refused() {
    return refused.get();
  }

  /** Scrapes answered. */
  public long served() {
    return served.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
