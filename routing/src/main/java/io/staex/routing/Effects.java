package io.staex.routing;

import java.util.List;

/** What one input to a {@link RoutingNode} produced: messages to send and events to report. */
public record Effects(List<Outbound> messages, List<RoutingEvent> events) {
  private static final Effects NONE = new Effects(List.of(), List.of());

  public Effects {
    messages = List.copyOf(messages);
    events = List.copyOf(events);
  }

  public static Effects none() {
    return NONE;
  }

  public boolean isEmpty() {
    return messages.isEmpty() && events.isEmpty();
  }
}
