package io.staex.routing.internal;

import java.util.Arrays;

/**
 * A binary min-heap of vertex indices keyed by an external {@code long[]} (Dijkstra's tentative
 * distances), with decrease-key: {@link #offer} inserts a vertex or, if it is already queued,
 * moves it up after its key decreased. Each vertex is queued at most once, so the heap never
 * holds more than the graph's vertices. Order among equal keys is unspecified. Not safe for
 * concurrent use.
 */
final class VertexHeap {
  private long[] keys = new long[0];
  private int[] heap = new int[0];
  /** Position of each vertex in {@code heap}, or -1 if not queued. */
  private int[] position = new int[0];
  private int size;

  /** Empties the heap for vertices 0..{@code vertices}-1 keyed by {@code keys}. */
  void reset(long[] keys, int vertices) {
    this.keys = keys;
    if (heap.length < vertices) {
      heap = new int[vertices];
      position = new int[vertices];
    }
    Arrays.fill(position, 0, vertices, -1);
    size = 0;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Queues {@code v}, or restores order after its key decreased. */
  void offer(int v) {
    int i = position[v];
    if (i < 0) {
      i = size++;
    }
    siftUp(i, v);
  }

  /** Removes and returns a vertex with the least key. */
  int poll() {
    int top = heap[0];
    position[top] = -1;
    int last = heap[--size];
    if (size > 0) {
      siftDown(0, last);
    }
    return top;
  }

  private void siftUp(int i, int v) {
    long key = keys[v];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      int p = heap[parent];
      if (keys[p] <= key) {
        break;
      }
      place(i, p);
      i = parent;
    }
    place(i, v);
  }

  private void siftDown(int i, int v) {
    long key = keys[v];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int c = heap[child];
      int right = child + 1;
      if (right < size && keys[heap[right]] < keys[c]) {
        child = right;
        c = heap[child];
      }
      if (key <= keys[c]) {
        break;
      }
      place(i, c);
      i = child;
    }
    place(i, v);
  }

  private void place(int i, int v) {
    heap[i] = v;
    position[v] = i;
  }
}
