package io.staex.routing;

import java.util.Objects;

/**
 * The type byte of a {@link RoutingMessage} on the wire ({@link RoutingCodec}). Codes are
 * explicit and never reused; an unknown code is refused by {@link #fromCode}, not mapped to a
 * catch-all value.
 */
public enum RoutingMessageType {
  STATE_UPDATE(1),
  WITHDRAW(2),
  LOOKUP_REQUEST(3),
  LOOKUP_REPLY(4),
  LOOKUP_MISS(5),
  REVOKE(6),
  RANK(7),
  EXPLAIN_REQUEST(8),
  EXPLAIN_ANSWER(9),
  PRESENT_CERTIFICATE(10);

  private static final RoutingMessageType[] BY_CODE = new RoutingMessageType[256];

  static {
    for (RoutingMessageType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  RoutingMessageType(int code) {
    this.code = code;
  }

  /** The type byte, 1~255. */
  public int code() {
    return code;
  }

  /**
   * The type with this code.
   *
   * @param code the type byte as read (0~255)
   * @throws RoutingDecodeException if no type has this code
   */
  public static RoutingMessageType fromCode(int code) throws RoutingDecodeException {
    RoutingMessageType type = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (type == null) {
      throw new RoutingDecodeException(
          "routing message type " + code + " (expected: 1~" + values().length + ")");
    }
    return type;
  }

  /** The type of {@code message}. */
  public static RoutingMessageType of(RoutingMessage message) {
    Objects.requireNonNull(message, "message");
    // Java 17 has no pattern switch; this is the one place that maps records to tags.
    if (message instanceof RoutingMessage.StateUpdate) {
      return STATE_UPDATE;
    } else if (message instanceof RoutingMessage.Withdraw) {
      return WITHDRAW;
    } else if (message instanceof RoutingMessage.LookupRequest) {
      return LOOKUP_REQUEST;
    } else if (message instanceof RoutingMessage.LookupReply) {
      return LOOKUP_REPLY;
    } else if (message instanceof RoutingMessage.LookupMiss) {
      return LOOKUP_MISS;
    } else if (message instanceof RoutingMessage.Revoke) {
      return REVOKE;
    } else if (message instanceof RoutingMessage.Rank) {
      return RANK;
    } else if (message instanceof RoutingMessage.ExplainRequest) {
      return EXPLAIN_REQUEST;
    } else if (message instanceof RoutingMessage.ExplainAnswer) {
      return EXPLAIN_ANSWER;
    } else if (message instanceof RoutingMessage.PresentCertificate) {
      return PRESENT_CERTIFICATE;
    }
    throw new AssertionError("no type for " + message.getClass().getName());
  }
}
