package io.staex.proxy.httpproxy;

/**
 * The HTTP proxy door since start.
 *
 * @param accepted clients accepted
 * @param shed clients closed at once: too many pending ({@code max-pending-handshakes})
 * @param tunnels CONNECT requests bridged to a stream
 * @param requests absolute-URI requests forwarded
 * @param pac PAC files served
 * @param refused requests answered 403, 502 or 504
 * @param tooLarge requests answered 431 or 414 (header bytes, header count, request line)
 * @param bad requests answered 400 or 405
 */
public record HttpProxyCounters(long accepted, long shed, long tunnels, long requests, long pac,
    long refused, long tooLarge, long bad) {}
