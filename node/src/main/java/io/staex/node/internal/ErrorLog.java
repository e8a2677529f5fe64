package io.staex.node.internal;

import io.staex.node.NodeStatus.ErrorEvent;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last warnings and errors of one node, for {@code staex status}: a bounded ring, oldest
 * dropped first. Filled explicitly by the node's parts (not by a logging appender, which would
 * be global and mix the events of two nodes in one JVM). Thread-safe.
 */
public final class ErrorLog {
  /** Events kept by default. */
  public static final int DEFAULT_CAPACITY = 20;
  /** Longest message kept; longer ones are cut (a broken file may list many problems). */
  static final int MAX_MESSAGE = 500;

  private final Clock clock;
  private final int capacity;
  // Guarded by this.
  private final ArrayDeque<ErrorEvent> events;

  public ErrorLog(Clock clock, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.clock = clock;
    this.capacity = capacity;
    this.events = new ArrayDeque<>(capacity);
  }

  /** Records a warning now. */
  public void warn(String message) {
    add("WARN", message);
  }

  /** Records an error now. */
  public void error(String message) {
    add("ERROR", message);
  }

  private void add(String level, String message) {
    String line = message.replace('\n', ' ');
    if (line.length() > MAX_MESSAGE) {
      line = line.substring(0, MAX_MESSAGE - 1) + "…";
    }
    ErrorEvent e = new ErrorEvent(clock.instant(), level, line);
    synchronized (this) {
      if (events.size() == capacity) {
        events.removeFirst();
      }
      events.addLast(e);
    }
  }

  /** The events kept, oldest first. */
  public synchronized List<ErrorEvent> events() {
    return List.copyOf(new ArrayList<>(events));
  }
}
