package io.staex.resolver.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS-over-TCP pipeline: connection limit, idle timeout, 2-byte length framing, queries.
 * Keeps the open connections so that the server can close them.
 */
public final class TcpInitializer extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(TcpInitializer.class);

  private final TcpQueryHandler queries;
  private final int maxConnections;
  private final Duration idleTimeout;
  /** Open connections; a concurrent set, since children live on several event loops. */
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();

  public TcpInitializer(QueryAnswerer answerer, int maxConnections, Duration idleTimeout) {
    this.queries = new TcpQueryHandler(answerer);
    this.maxConnections = maxConnections;
    this.idleTimeout = idleTimeout;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  protected void initChannel(Channel ch) {
    open.add(ch);
    ch.closeFuture().addListener(f -> open.remove(ch));
    if (open.size() > maxConnections) {
      log.debug("refusing {}: {} TCP connections open (dns.max-tcp-connections)",
          ch.remoteAddress(), maxConnections);
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    p.addLast(new IdleStateHandler(0, 0, idleTimeout.toNanos(), TimeUnit.NANOSECONDS));
    p.addLast(new LengthFieldBasedFrameDecoder(QueryAnswerer.TCP_MAX, 0, 2, 0, 2));
    p.addLast(new LengthFieldPrepender(2));
    p.addLast(queries);
  }

  /** Closes every open connection. */
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void closeAll() {
    open.forEach(Channel::close);
  }
}
