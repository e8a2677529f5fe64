package io.staex.proxy.session;

import io.staex.crypto.Address;
import java.util.Optional;

/**
 * One session as {@code staex status} shows it.
 *
 * @param id the session id, hex
 * @param initiator whether this node opened it
 * @param ageMillis since the handshake started
 * @param keptBytes bytes of sent records kept until the peer acknowledges them (at most about
 *     {@link SessionSettings#retransmitBytes})
 */
public record SessionInfo(
    Address peer, String id, boolean initiator, Session.State state, boolean retiring,
    int openStreams, long recordsSent, long recordsReceived, long bytesSent, long bytesReceived,
    long ageMillis, Optional<SessionEnd> end, long keptBytes) {}
