package io.staex.proxy.link;

/**
 * A snapshot of a server's or connector's counters.
 *
 * @param linksUp handshakes that completed
 * @param handshakesRefused handshakes refused: bad message, foreign or revoked certificate
 * @param handshakeTimeouts connections closed because the handshake took too long
 * @param badRecords links closed for a record that did not open or decode, or a bad length
 * @param keepaliveTimeouts links closed because the peer went silent
 * @param connectionsRefused connections closed because {@code maxLinks} links were established:
 *     at once, or when their handshake finished (server only)
 * @param connectionsRateLimited connections closed at once because their source prefix (IPv4
 *     /24, IPv6 /64) opened more than {@code handshakesPerSecondPerSource} in the last second
 *     (server only)
 * @param dials connection attempts (connector only)
 * @param startupsFull connections closed at once because {@link StartupLimits#full()}
 *     handshakes were in progress (server only)
 * @param startupsPrefixFull connections closed at once because their source prefix held
 *     {@link StartupLimits#perPrefix()} handshakes in progress (server only)
 * @param startupsEarlyDropped connections closed at once by random early drop, between {@link
 *     StartupLimits#start()} and {@link StartupLimits#full()} (server only)
 * @param firstMessageTimeouts connections closed because the first handshake message did not
 *     arrive within {@link StartupLimits#firstMessageTimeout()} (server only; not in {@code
 *     handshakeTimeouts})
 * @param pausedReadIdles read timeouts that passed while this side had paused reading on purpose
 *     ({@link Link#setReading}): ignored, the link stays up
 * @param versionRefused handshakes refused because the peer speaks another protocol version
 *     (also in {@code handshakesRefused}); the log says which versions met
 */
public record LinkCounters(
    long linksUp, long handshakesRefused, long handshakeTimeouts, long badRecords,
    long keepaliveTimeouts, long connectionsRefused, long connectionsRateLimited, long dials,
    long startupsFull, long startupsPrefixFull, long startupsEarlyDropped,
    long firstMessageTimeouts, long pausedReadIdles, long versionRefused) {
  /** Connections the server closed before any handshake work, or at its end, for a limit. */
  public long acceptRefusals() {
    return connectionsRefused + connectionsRateLimited + startupsFull + startupsPrefixFull
        + startupsEarlyDropped;
  }
}
