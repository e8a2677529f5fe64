package io.staex.proxy.socks.internal;

import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.staex.proxy.frame.ResetReason;

/**
 * What a SOCKS client hears when its stream is reset before it was connected:
 *
 * <pre>
 *   NO_SERVICE, REFUSED          → 0x05 CONNECTION_REFUSED
 *   NOT_ALLOWED                  → 0x02 FORBIDDEN ("connection not allowed by ruleset")
 *   UNREACHABLE, SESSION_ENDED   → 0x04 HOST_UNREACHABLE
 *   TIMEOUT                      → 0x06 TTL_EXPIRED
 *   LIMIT and everything else    → 0x01 FAILURE
 * </pre>
 *
 * <p>and when its request does not decode ({@link #ofBadRequest}):
 *
 * <pre>
 *   a name Netty refuses (IDN: a label over 63 characters, an empty label)  → 0x04 HOST_UNREACHABLE
 *   an unknown address type                                                 → 0x08 ADDRESS_UNSUPPORTED
 *   anything else (wrong version)                                           → 0x01 FAILURE
 * </pre>
 */
final class SocksReplies {
  private SocksReplies() {}

  static Socks5CommandStatus of(ResetReason reason) {
    return switch (reason) {
      case NO_SERVICE, REFUSED -> Socks5CommandStatus.CONNECTION_REFUSED;
      case NOT_ALLOWED -> Socks5CommandStatus.FORBIDDEN;
      case UNREACHABLE, SESSION_ENDED -> Socks5CommandStatus.HOST_UNREACHABLE;
      case TIMEOUT -> Socks5CommandStatus.TTL_EXPIRED;
      default -> Socks5CommandStatus.FAILURE;
    };
  }

  static Socks5CommandStatus ofBadRequest(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return Socks5CommandStatus.HOST_UNREACHABLE; // DefaultSocks5CommandRequest's IDN check
      }
      if (String.valueOf(t.getMessage()).contains("address type")) {
        return Socks5CommandStatus.ADDRESS_UNSUPPORTED;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Socks5CommandStatus.FAILURE;
  }

  /**
   * A reply with the bound address 0.0.0.0:0: the stream has no local address worth telling,
   * and clients (curl, browsers) ignore it.
   */
  static Socks5CommandResponse reply(Socks5CommandStatus status) {
    return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0);
  }
}
