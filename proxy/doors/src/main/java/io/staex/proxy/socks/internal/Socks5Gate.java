package io.staex.proxy.socks.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.socksx.SocksVersion;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peeks the first byte: SOCKS5 goes on (this handler removes itself and its bytes flow to the
 * greeting decoder), anything else is closed. As Netty's {@code
 * SocksPortUnificationServerHandler}, without the SOCKS4 branch: SOCKS4a would resolve names
 * the same way, but it has no reply codes that tell the truth and no authentication.
 */
final class Socks5Gate extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(Socks5Gate.class);

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close leaves nothing to do
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!in.isReadable()) {
      return;
    }
    byte version = in.getByte(in.readerIndex());
    if (version == SocksVersion.SOCKS5.byteValue()) {
      ctx.pipeline().remove(this);
      return;
    }
    if (version == SocksVersion.SOCKS4a.byteValue()) {
      log.info("SOCKS client {} closed: SOCKS4 is not supported (expected: SOCKS5, e.g."
          + " socks5h://)", ctx.channel().remoteAddress());
    } else {
      log.debug("SOCKS client {} closed: first byte {} (expected: 5, SOCKS5)",
          ctx.channel().remoteAddress(), version & 0xFF);
    }
    in.skipBytes(in.readableBytes());
    ctx.close();
  }
}
