package io.staex.proxy.link;

/**
 * A snapshot of a server's or connector's counters.
 *
 * @param linksUp handshakes that completed
 * @param handshakesRefused handshakes refused: bad message, foreign or revoked certificate
 * @param handshakeTimeouts connections closed because the handshake took too long
 * @param badRecords links closed for a record that did not open or decode, or a bad length
 * @param keepaliveTimeouts links closed because the peer went silent
 * @param connectionsRefused connections closed at once because {@code maxLinks} was reached
 * @param connectionsRateLimited connections closed at once because their source IP address
 *     opened more than {@code handshakesPerSecondPerSource} (server only)
 * @param dials connection attempts (connector only)
 * @param pausedReadIdles read timeouts that passed while this side had paused reading on purpose
 *     ({@link Link#setReading}): ignored, the link stays up
 */
public record LinkCounters(
    long linksUp, long handshakesRefused, long handshakeTimeouts, long badRecords,
    long keepaliveTimeouts, long connectionsRefused, long connectionsRateLimited, long dials,
    long pausedReadIdles) {}
