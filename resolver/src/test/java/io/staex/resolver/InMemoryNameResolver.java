package io.staex.resolver;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link NameResolver} over a map, for tests: answers at once, or never for names marked
 * {@link #hang}, or fails for names marked {@link #fail}.
 */
final class InMemoryNameResolver implements NameResolver {
  private final Map<String, NameAnswer> answers = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<NameAnswer>> special = new ConcurrentHashMap<>();
  private final java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Every name asked so far, in order. */
  java.util.List<String> asked() {
    return asked;
  }

  InMemoryNameResolver put(String name, NameAnswer answer) {
    answers.put(name, answer);
    return this;
  }

  /** {@code name} never gets an answer. */
  InMemoryNameResolver hang(String name) {
    special.put(name, new CompletableFuture<>());
    return this;
  }

  /** {@code name}'s lookup fails. */
  InMemoryNameResolver fail(String name) {
    special.put(name, CompletableFuture.failedFuture(new IllegalStateException("no route")));
    return this;
  }

  @Override
  public CompletableFuture<NameAnswer> resolve(String name) {
    asked.add(name);
    CompletableFuture<NameAnswer> s = special.get(name);
    if (s != null) {
      return s;
    }
    return CompletableFuture.completedFuture(
        answers.getOrDefault(name, new NameAnswer.NotFound()));
  }
}
