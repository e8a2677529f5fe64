package io.staex.proxy.socks.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.ReferenceCountUtil;
import io.staex.proxy.socks.SocksSettings.Credentials;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The method negotiation (RFC 1928 §3) and, with credentials, the username/password
 * sub-negotiation (RFC 1929). Exactly one method is acceptable: PASSWORD when credentials are
 * configured, NO_AUTH otherwise; a client offering neither hears "no acceptable methods" and is
 * closed. On success it puts the command decoder in place and removes itself and its decoders.
 */
final class SocksAuthHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SocksAuthHandler.class);

  private final Optional<Credentials> credentials;

  SocksAuthHandler(Optional<Credentials> credentials) {
    this.credentials = credentials;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Socks5InitialRequest) {
      onGreeting(ctx, (Socks5InitialRequest) msg);
    } else if (msg instanceof Socks5PasswordAuthRequest) {
      onPassword(ctx, (Socks5PasswordAuthRequest) msg);
    } else {
      ReferenceCountUtil.release(msg);
      log.debug("SOCKS client {} closed: bytes beyond the greeting before its answer",
          ctx.channel().remoteAddress());
      ctx.close();
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private void onGreeting(ChannelHandlerContext ctx, Socks5InitialRequest greeting) {
    if (greeting.decoderResult().isFailure()) {
      log.debug("SOCKS client {} closed: bad greeting: {}", ctx.channel().remoteAddress(),
          greeting.decoderResult().cause().toString());
      ctx.close();
      return;
    }
    Socks5AuthMethod wanted =
        credentials.isPresent() ? Socks5AuthMethod.PASSWORD : Socks5AuthMethod.NO_AUTH;
    if (!greeting.authMethods().contains(wanted)) {
      log.info("SOCKS client {} closed: offers {} (expected: {})",
          ctx.channel().remoteAddress(), greeting.authMethods(), wanted);
      ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(new DefaultSocks5InitialResponse(wanted))
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    if (credentials.isPresent()) {
      ctx.pipeline().addBefore(ctx.name(), null, new Socks5PasswordAuthRequestDecoder());
      ctx.pipeline().remove(Socks5InitialRequestDecoder.class);
    } else {
      commandPhase(ctx, Socks5InitialRequestDecoder.class);
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  private void onPassword(ChannelHandlerContext ctx, Socks5PasswordAuthRequest request) {
    if (request.decoderResult().isFailure()) {
      log.debug("SOCKS client {} closed: bad username/password request: {}",
          ctx.channel().remoteAddress(), request.decoderResult().cause().toString());
      ctx.close();
      return;
    }
    if (!credentials.orElseThrow().matches(request.username(), request.password())) {
      log.info("SOCKS client {} closed: wrong username or password",
          ctx.channel().remoteAddress());
      ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS))
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    commandPhase(ctx, Socks5PasswordAuthRequestDecoder.class);
  }

  /** Command decoder in, this phase out; bytes the client sent ahead flow to the new decoder. */
  private void commandPhase(ChannelHandlerContext ctx, Class<? extends
      io.netty.channel.ChannelHandler> decoder) {
    ctx.pipeline().addBefore(ctx.name(), null, new Socks5CommandRequestDecoder());
    ctx.pipeline().remove(this);
    ctx.pipeline().remove(decoder);
  }
}
