package io.staex.resolver;

/**
 * What the DNS server refused or limited since it started.
 *
 * @param refusedClients queries from a source outside {@code dns.allow} (or not loopback),
 *     answered REFUSED (or dropped, when they do not parse)
 * @param rateLimitedNames new names past {@code dns.max-new-names-per-second}, answered
 *     SERVFAIL
 * @param malformedNames {@code .staex} names that can name nothing (a label that is not a valid
 *     DNS label, or several labels), answered NXDOMAIN without a lookup
 */
public record DnsStats(long refusedClients, long rateLimitedNames, long malformedNames) {}
