/**
 * Links: encrypted, mutually authenticated TCP connections between neighbouring nodes.
 *
 * <p>A {@link io.staex.proxy.link.LinkServer} accepts children, a {@link
 * io.staex.proxy.link.ParentConnector} dials a parent and redials forever; both report
 * established {@link io.staex.proxy.link.Link}s and their frames to a {@link
 * io.staex.proxy.link.LinkListener}. Wire format and pipeline: {@code docs/links.md}.
 */
package io.staex.proxy.link;
