package io.staex.proxy.stream;

import io.staex.crypto.Address;

/**
 * One open stream as {@code staex status} shows it.
 *
 * @param state {@code opening} (this end's OPEN waits for the peer's WINDOW), {@code accepting}
 *     (the peer's OPEN waits for the service), {@code open}, {@code half-closed-local} (this end
 *     sent or asked for its FIN), {@code half-closed-remote} (the peer's FIN came), {@code
 *     closing} (both)
 * @param ageMillis since it was opened
 * @param quietMillis since the peer last sent a frame for it (DATA, WINDOW, FIN, DATAGRAM), or
 *     since it was opened
 */
public record StreamInfo(
    Address peer, long id, int port, boolean outgoing, long bytesIn, long bytesOut,
    String state, long ageMillis, long quietMillis) {}
