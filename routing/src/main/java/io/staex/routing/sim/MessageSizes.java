package io.staex.routing.sim;

import io.staex.crypto.Address;
import io.staex.routing.NodeState;
import io.staex.routing.RoutingMessage;
import java.nio.charset.StandardCharsets;

/**
 * Bytes a routing message takes on a link, for the simulator's accounting.
 *
 * <p>An estimate, not the codec: when this was written {@code RoutingCodec} did not exist yet.
 * It counts every field of the message (type byte, ids, 32-byte keys, a 2-byte length before
 * each list and each state, {@link NodeState#encodedSize()} for states) plus {@link
 * #LINK_OVERHEAD} for the link frame that carries it (a 4-byte length, 4 bytes of
 * version/type/flags, the 16-byte AEAD tag).
 */
final class MessageSizes {
  /** Link framing and encryption around one message. */
  static final int LINK_OVERHEAD = 4 + 4 + 16;

  private static final int KEY = Address.KEY_SIZE;

  private MessageSizes() {}

  static int of(RoutingMessage message) {
    return LINK_OVERHEAD + body(message);
  }

  private static int body(RoutingMessage message) {
    if (message instanceof RoutingMessage.StateUpdate) {
      int sum = 1 + 2;
      for (NodeState s : ((RoutingMessage.StateUpdate) message).states()) {
        sum += 2 + s.encodedSize();
      }
      return sum;
    }
    if (message instanceof RoutingMessage.Withdraw) {
      return 1 + 2 + KEY * ((RoutingMessage.Withdraw) message).nodes().size();
    }
    if (message instanceof RoutingMessage.LookupRequest) {
      RoutingMessage.LookupRequest r = (RoutingMessage.LookupRequest) message;
      return 1 + 8 + KEY + KEY + 1 + 1 + utf8(r.name());
    }
    if (message instanceof RoutingMessage.LookupReply) {
      RoutingMessage.LookupReply r = (RoutingMessage.LookupReply) message;
      return 1 + 8 + 1 + KEY * r.route().size() + 2 + r.state().encodedSize();
    }
    RoutingMessage.LookupMiss m = (RoutingMessage.LookupMiss) message;
    return 1 + 8 + 1 + KEY * m.route().size() + KEY + 1 + utf8(m.name());
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
