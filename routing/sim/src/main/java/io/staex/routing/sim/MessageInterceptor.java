package io.staex.routing.sim;

import io.staex.routing.RoutingMessage;

/**
 * Sees every routing message just before it is delivered, and may replace it (a relay that
 * lies) or drop it (return null). For fault-injection scenarios.
 */
@FunctionalInterface
public interface MessageInterceptor {
  RoutingMessage intercept(SimNode from, SimNode to, RoutingMessage message);
}
