package io.staex.routing;

/**
 * Bytes from a peer that are not a valid routing message or node state. Stackless: peers can
 * cause it at will; drop the input, count it, and log at debug with the peer.
 */
public final class RoutingDecodeException extends Exception {
  public RoutingDecodeException(String message) {
    super(message, null, false, false);
  }
}
