package io.staex.proxy.link.internal;

import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;

/**
 * The size a link channel counts for a message written to it: an {@link OutboundRecord} by its
 * frames' bytes, anything else as Netty does. Netty counts a message the moment a write is
 * submitted, also from another thread (the write task adds its size at submit), so the channel's
 * writability covers records handed to its loop and not yet written: it is exactly the high/low
 * water marks over everything queued, and {@code channelWritabilityChanged} is the one event a
 * relay needs to resume what the link held. Stateless.
 */
final class LinkMessageSizes implements MessageSizeEstimator {
  static final LinkMessageSizes INSTANCE = new LinkMessageSizes();

  private static final Handle FALLBACK = DefaultMessageSizeEstimator.DEFAULT.newHandle();
  private static final Handle HANDLE = msg ->
      msg instanceof OutboundRecord r ? r.bytes() : FALLBACK.size(msg);

  private LinkMessageSizes() {}

  @Override
  public Handle newHandle() {
    return HANDLE;
  }
}
