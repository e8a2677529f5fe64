package io.staex.proxy.stream;

import io.staex.crypto.Address;

/** One open stream as {@code staex status} shows it. */
public record StreamInfo(
    Address peer, long id, int port, boolean outgoing, long bytesIn, long bytesOut) {}
