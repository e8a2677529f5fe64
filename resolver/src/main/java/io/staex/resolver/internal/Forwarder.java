package io.staex.resolver.internal;

import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/** Sends a query for a name outside {@code .staex} to upstream resolvers. Must not block. */
@FunctionalInterface
public interface Forwarder {
  /** The upstream's response, or a failed stage. */
  CompletionStage<Message> forward(Message query);
}
