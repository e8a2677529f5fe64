package io.staex.routing.sim;

import java.util.PriorityQueue;

/**
 * Pending simulation events ordered by (time, sequence number): events at the same virtual
 * instant run in the order they were scheduled, so a run is a function of its seed.
 */
final class EventQueue {
  /** One scheduled action; {@code time} in nanoseconds since the simulation epoch. */
  record Event(long time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long seq;
  private long executed;

  void add(long time, Runnable action) {
    queue.add(new Event(time, seq++, action));
  }

  /** The next event, or null. */
  Event peek() {
    return queue.peek();
  }

  Event poll() {
    executed++;
    return queue.poll();
  }

  int size() {
    return queue.size();
  }

  /** Events taken from the queue so far. */
  long executed() {
    return executed;
  }
}
