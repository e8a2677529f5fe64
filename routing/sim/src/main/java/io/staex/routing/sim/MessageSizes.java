package io.staex.routing.sim;

import io.staex.routing.RoutingCodec;
import io.staex.routing.RoutingMessage;

/**
 * Bytes a routing message takes on a link, for the simulator's accounting: the length of its
 * {@link RoutingCodec} encoding. The link's own framing and AEAD tag (a few dozen bytes per
 * frame) are not included.
 */
final class MessageSizes {
  private MessageSizes() {}

  static int of(RoutingMessage message) {
    return RoutingCodec.encode(message).length;
  }
}
