package io.staex.routing.internal;

import java.util.Arrays;

/**
 * A binary min-heap of (key, vertex) entries on primitive arrays, for Dijkstra with lazy
 * deletion: instead of a decrease-key, Dijkstra pushes a vertex again whenever its distance
 * drops, and skips a polled entry whose key is above the vertex's current distance (a stale
 * one). The heap holds at most one entry per strict improvement, so no more than edges + 1.
 * Keeping the keys inline, next to the vertices, measured faster than an indexed heap with
 * decrease-key keyed through the distance array (see {@link DijkstraScale}). Order among equal
 * keys is unspecified. Not safe for concurrent use.
 */
final class VertexHeap {
  private long[] keys = new long[64];
  private int[] vertices = new int[64];
  private int size;

  void clear() {
    size = 0;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void push(long key, int vertex) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      vertices = Arrays.copyOf(vertices, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (keys[parent] <= key) {
        break;
      }
      keys[i] = keys[parent];
      vertices[i] = vertices[parent];
      i = parent;
    }
    keys[i] = key;
    vertices[i] = vertex;
  }

  /** The least key; the heap must not be empty. */
  long peekKey() {
    return keys[0];
  }

  /** Removes an entry with the least key and returns its vertex. */
  int poll() {
    int top = vertices[0];
    int last = --size;
    long key = keys[last];
    int vertex = vertices[last];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < size && keys[child + 1] < keys[child]) {
        child++;
      }
      if (key <= keys[child]) {
        break;
      }
      keys[i] = keys[child];
      vertices[i] = vertices[child];
      i = child;
    }
    keys[i] = key;
    vertices[i] = vertex;
    return top;
  }
}
