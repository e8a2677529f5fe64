package io.staex.proxy.httpproxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.staex.proxy.exit.ExitDialer;
import io.staex.proxy.frame.ResetReason;
import io.staex.proxy.socks.Route;
import io.staex.proxy.socks.Router;
import io.staex.proxy.stream.SocketBridge;
import io.staex.proxy.stream.Stream;
import io.staex.proxy.stream.Streams;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP proxy client, up to its stream: reads one request head, decides it ({@link Router})
 * and either answers it (the PAC file, a refusal with its reason in the body) or opens a stream
 * and hands the socket to a {@link SocketBridge}:
 *
 * <pre>
 *   CONNECT host:port           → stream; "200 Connection established"; then raw bytes
 *   GET http://host[:port]/p    → stream; the request in origin form (hop-by-hop headers and
 *                                 Proxy-Authorization removed, Connection: close), its body
 *                                 raw; the response raw; the connection closes after it
 *   GET /proxy.pac              → the PAC file
 *   refused                     → 403 (not allowed), 502 (no such node, unreachable), 504
 *                                 (timeout), 400/405/411/414/431: a bad or too large request
 * </pre>
 *
 * Holds a pending-handshake slot until the stream is connected or the client is answered, and
 * closes the client if that has not happened within the handshake timeout.
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-connection", "proxy-authorization", "proxy-authenticate", "te", "trailer",
      "upgrade");

  private final Streams streams;
  private final Router router;
  private final HttpProxySettings settings;
  private final HttpProxy.Counters counters;
  /** Loop-confined, as every field. */
  private ScheduledFuture<?> timer;
  private boolean released;
  private boolean requested;
  /** An absolute-URI request's head in origin form, then its body bytes read so far. */
  private final List<ByteBuf> held = new ArrayList<>();

  HttpProxyHandler(Streams streams, Router router, HttpProxySettings settings,
      HttpProxy.Counters counters) {
    this.streams = streams;
    this.router = router;
    this.settings = settings;
    this.counters = counters;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> {
      log.debug("HTTP proxy client {} closed: no request decided within {}",
          ctx.channel().remoteAddress(), settings.handshakeTimeout());
      ctx.close();
    }, settings.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
    held.forEach(ByteBuf::release);
    held.clear();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  private void release() {
    if (!released) {
      released = true;
      timer.cancel(false);
      counters.pending--;
    }
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP proxy client {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest && !requested) {
        requested = true;
        ctx.channel().config().setAutoRead(false);
        request(ctx, (HttpRequest) msg);
      }
      if (msg instanceof HttpContent && !held.isEmpty()) {
        held.add(((HttpContent) msg).content().retain());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void request(ChannelHandlerContext ctx, HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      if (cause instanceof TooLongHttpHeaderException) {
        tooLarge(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request header block over http-proxy.max-header-bytes ("
                + settings.maxHeaderBytes() + " bytes)");
      } else if (cause instanceof TooLongHttpLineException
          || cause instanceof TooLongFrameException) {
        tooLarge(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
      } else {
        bad(ctx, HttpResponseStatus.BAD_REQUEST, "not an HTTP request: " + cause.getMessage());
      }
      return;
    }
    if (req.headers().size() > settings.maxHeaders()) {
      tooLarge(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, req.headers().size()
          + " header fields, over http-proxy.max-headers (" + settings.maxHeaders() + ")");
      return;
    }
    String uri = req.uri();
    if (req.method().equals(HttpMethod.CONNECT)) {
      int colon = uri.lastIndexOf(':');
      String host = colon < 0 ? uri : uri.substring(0, colon);
      int port = colon < 0 ? -1 : port(uri.substring(colon + 1));
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty() || port < 1) {
        bad(ctx, HttpResponseStatus.BAD_REQUEST, "CONNECT " + uri + " (expected: host:port)");
        return;
      }
      route(ctx, true, host, port, uri);
      return;
    }
    if (uri.startsWith("/")) {
      if (req.method().equals(HttpMethod.GET) && (uri.equals("/proxy.pac")
          || uri.startsWith("/proxy.pac?"))) {
        pac(ctx);
      } else {
        bad(ctx, HttpResponseStatus.BAD_REQUEST, "not a proxy request: " + req.method() + " "
            + uri + " (expected: an absolute http:// URI, CONNECT host:port, or GET /proxy.pac)");
      }
      return;
    }
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      bad(ctx, HttpResponseStatus.BAD_REQUEST, "bad URI: " + e.getMessage());
      return;
    }
    if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      bad(ctx, HttpResponseStatus.BAD_REQUEST, "not an http:// URI: " + uri
          + " (https goes through CONNECT)");
      return;
    }
    if (HttpUtil.isTransferEncodingChunked(req)) {
      bad(ctx, HttpResponseStatus.LENGTH_REQUIRED,
          "a chunked request body (expected: Content-Length)");
      return;
    }
    String host = u.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = u.getPort() < 0 ? 80 : u.getPort();
    held.add(Unpooled.copiedBuffer(originForm(req, u), StandardCharsets.ISO_8859_1));
    route(ctx, false, host, port, uri);
  }

  private static int port(String s) {
    try {
      int p = Integer.parseInt(s);
      return p >= 1 && p <= 65535 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The request head as the origin server gets it. */
  static String originForm(HttpRequest req, URI u) {
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    if (u.getRawQuery() != null) {
      path += "?" + u.getRawQuery();
    }
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    for (String c : req.headers().getAll(HttpHeaderNames.CONNECTION)) {
      for (String t : c.split(",", -1)) {
        drop.add(t.trim().toLowerCase(Locale.ROOT));
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(req.method().name()).append(' ').append(path).append(" HTTP/1.1\r\n");
    boolean host = false;
    for (Map.Entry<String, String> h : req.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (drop.contains(name)) {
        continue;
      }
      host |= name.equals("host");
      b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    if (!host) {
      b.append("Host: ").append(u.getRawAuthority()).append("\r\n");
    }
    b.append("Connection: close\r\n\r\n");
    return b.toString();
  }

  @SuppressWarnings("FutureReturnValueIgnored") // whenComplete sees every outcome
  private void route(ChannelHandlerContext ctx, boolean tunnel, String host, int port,
      String to) {
    router.route(host).whenComplete((r, e) -> ctx.executor().execute(() -> {
      if (ctx.isRemoved() || !ctx.channel().isActive()) {
        return;
      }
      if (e != null) {
        refuse(ctx, HttpResponseStatus.BAD_GATEWAY, to, "lookup failed: " + e);
      } else if (r instanceof Route.Refused) {
        Route.Refused no = (Route.Refused) r;
        HttpResponseStatus status = switch (no.refusal()) {
          case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
          case ADDRESS_UNSUPPORTED -> HttpResponseStatus.BAD_REQUEST;
          default -> HttpResponseStatus.BAD_GATEWAY;
        };
        refuse(ctx, status, to, no.why());
      } else {
        open(ctx, tunnel, r, port, to);
      }
    }));
  }

  private void open(ChannelHandlerContext ctx, boolean tunnel, Route route, int port,
      String to) {
    Channel ch = ctx.channel();
    HttpProxyHandler self = this;
    SocketBridge bridge = new SocketBridge(ch,
        why -> log.info("HTTP proxy client {} -> {}: reset: {}", ch.remoteAddress(), to, why),
        new SocketBridge.ConnectListener() {
          @Override
          @SuppressWarnings("FutureReturnValueIgnored") // the bridge sees a failed write
          public void connected(Stream stream) {
            List<ByteBuf> out = new ArrayList<>(held);
            held.clear();
            if (tunnel) {
              counters.tunnels.increment();
            } else {
              counters.requests.increment();
            }
            ch.pipeline().remove(self);
            for (ByteBuf b : out) {
              try {
                stream.write(b);
              } finally {
                b.release();
              }
            }
            // Bytes the decoder holds undecoded (the rest of a body) go to the bridge now.
            ch.pipeline().remove(HttpServerCodec.class);
            if (tunnel) {
              ch.writeAndFlush(Unpooled.copiedBuffer(
                  "HTTP/1.1 200 Connection established\r\n\r\n", StandardCharsets.US_ASCII));
            }
          }

          @Override
          public void refused(Stream stream, ResetReason reason) {
            HttpResponseStatus status = switch (reason) {
              case NOT_ALLOWED -> HttpResponseStatus.FORBIDDEN;
              case TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
              default -> HttpResponseStatus.BAD_GATEWAY;
            };
            refuse(ctx, status, to, "stream reset: " + reason + why(reason));
          }
        });
    ch.pipeline().addLast(bridge);
    if (route instanceof Route.Internet) {
      Route.Internet internet = (Route.Internet) route;
      ExitDialer.open(streams, internet.exits(), internet.host(), port, bridge, bridge::bind);
    } else {
      bridge.bind(streams.open(((Route.Overlay) route).node(), port, bridge));
    }
  }

  private static String why(ResetReason r) {
    return switch (r) {
      case NOT_ALLOWED -> " (not allowed: a service's allow list, or the exit's policy)";
      case NO_SERVICE -> " (nothing exposed on that port, or the node is no exit)";
      case REFUSED -> " (the destination refused the connection)";
      case UNREACHABLE -> " (no route to the node, or the destination is unreachable)";
      case TIMEOUT -> " (not accepted in time)";
      default -> "";
    };
  }

  private void pac(ChannelHandlerContext ctx) {
    counters.pac.increment();
    InetSocketAddress me = (InetSocketAddress) ctx.channel().localAddress();
    String proxy = "PROXY " + me.getAddress().getHostAddress() + ":" + me.getPort();
    String rest = router.exits().isEmpty() ? "DIRECT" : proxy;
    String pac = "function FindProxyForURL(url, host) {\n"
        + "  if (dnsDomainIs(host, \".staex\") || host == \"staex\") {\n"
        + "    return \"" + proxy + "\";\n"
        + "  }\n"
        + "  return \"" + rest + "\";\n"
        + "}\n";
    answer(ctx, HttpResponseStatus.OK, "application/x-ns-proxy-autoconfig", pac);
  }

  private void tooLarge(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
    counters.tooLarge.increment();
    log.info("HTTP proxy client {}: {} ({})", ctx.channel().remoteAddress(), status, why);
    answer(ctx, status, "text/plain; charset=utf-8", why + "\n");
  }

  private void bad(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
    counters.bad.increment();
    log.info("HTTP proxy client {}: {} ({})", ctx.channel().remoteAddress(), status, why);
    answer(ctx, status, "text/plain; charset=utf-8", why + "\n");
  }

  private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String to,
      String why) {
    counters.refused.increment();
    log.info("HTTP proxy client {} -> {}: {} ({})", ctx.channel().remoteAddress(), to, status,
        why);
    answer(ctx, status, "text/plain; charset=utf-8", "staex: " + to + ": " + why + "\n");
  }

  /** A whole response, then the close. */
  private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String type,
      String body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r)
        .addListener(ChannelFutureListener.CLOSE);
  }
}
