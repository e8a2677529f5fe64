package io.staex.proxy.udp;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timers of UDP flows (forwards and services with {@code protocol = udp}, and SOCKS5
 * UDP ASSOCIATE). No defaults here: a node's come from its config ({@code udp} in {@code
 * reference.conf}).
 *
 * @param idleTimeout a flow with no datagram either way for this long ends (its stream closes)
 * @param maxFlowsPerForward client address/port pairs one UDP forward carries at once; a
 *     datagram from a further client is dropped and counted {@code flow_limit}
 * @param maxFlowsPerService flows (streams) one UDP service takes at once; a further OPEN is
 *     refused {@code LIMIT} and counted {@code flow_limit}
 * @param maxFlowsPerAssociation destinations (node and port) one SOCKS5 UDP association
 *     reaches at once; a datagram to a further one is dropped and counted {@code flow_limit}
 */
public record UdpSettings(Duration idleTimeout, int maxFlowsPerForward, int maxFlowsPerService,
    int maxFlowsPerAssociation) {
  public UdpSettings {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
    }
    if (maxFlowsPerForward < 1 || maxFlowsPerService < 1 || maxFlowsPerAssociation < 1) {
      throw new IllegalArgumentException("maxFlowsPerForward: " + maxFlowsPerForward
          + ", maxFlowsPerService: " + maxFlowsPerService + ", maxFlowsPerAssociation: "
          + maxFlowsPerAssociation + " (expected: >= 1)");
    }
  }
}
