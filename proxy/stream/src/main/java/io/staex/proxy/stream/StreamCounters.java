package io.staex.proxy.stream;

/**
 * What the stream layer did since start.
 *
 * @param opened streams this node opened
 * @param accepted OPENs from peers that passed the limits (handed to the services)
 * @param refusedLimit streams refused (either way) for a stream or session limit
 * @param protocolErrors streams reset because the peer broke the protocol
 * @param datagramsSent datagrams handed to a session for sealing
 * @param datagramsReceived datagrams delivered to a stream's handler
 * @param datagramsDroppedQueueFull datagrams dropped (the oldest) from a full queue while the
 *     relay was congested ({@code limits.datagram-queue})
 * @param datagramsDroppedNoStream datagrams dropped either way because their stream was
 *     unknown, not connected yet, or finished
 * @param datagramsDroppedTooBig datagrams larger than {@code FrameLimits.MAX_DATAGRAM}, not sent
 * @param earlyBytesReceived bytes of DATA that came with an OPEN, before this node's service was
 *     connected (0-RTT), kept for it
 * @param earlyBytesDiscarded of those, bytes dropped because the stream ended before the
 *     service was connected (refused, reset, timed out)
 * @param windowGrowths times a stream's receive window grew (its reader kept up with the path)
 * @param windowGrowthsLimited of the growths wanted, those the node's budget for grown windows
 *     ({@code limits.stream-window-growth-total}) cut short or refused
 * @param framesNotHeld DATA, WINDOW or FIN frames from a peer for a stream this node does not
 *     hold, each answered RESET CLOSED (mostly frames that crossed this node's RESET or FIN;
 *     otherwise a stream the peer held alone)
 * @param streamsChecked checks sent for streams of sessions whose peer went quiet although
 *     streams were open (a one-byte WINDOW, answered RESET by a peer that lost the stream)
 */
public record StreamCounters(long opened, long accepted, long refusedLimit, long protocolErrors,
    long datagramsSent, long datagramsReceived, long datagramsDroppedQueueFull,
    long datagramsDroppedNoStream, long datagramsDroppedTooBig, long earlyBytesReceived,
    long earlyBytesDiscarded, long windowGrowths, long windowGrowthsLimited, long framesNotHeld,
    long streamsChecked) {}
