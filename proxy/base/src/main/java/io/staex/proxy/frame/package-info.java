/**
 * The data plane's wire formats: {@link io.staex.proxy.frame.LinkFrame}s between neighbours,
 * {@link io.staex.proxy.frame.SessionFrame}s end to end inside a packet's payload, and {@link
 * io.staex.proxy.frame.StreamFrame}s inside a session record's plaintext; one codec per layer,
 * limits in {@link io.staex.proxy.frame.FrameLimits}. Pure codecs over Netty buffers: no
 * channels, no I/O. See {@code docs/frames.md}.
 */
package io.staex.proxy.frame;
