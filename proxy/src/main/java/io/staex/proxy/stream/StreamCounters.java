package io.staex.proxy.stream;

/**
 * What the stream layer did since start.
 *
 * @param opened streams this node opened
 * @param accepted OPENs from peers that passed the limits (handed to the services)
 * @param refusedLimit streams refused (either way) for a stream or session limit
 * @param protocolErrors streams reset because the peer broke the protocol
 */
public record StreamCounters(long opened, long accepted, long refusedLimit, long protocolErrors) {}
