package io.staex.routing;

/**
 * What one neighbour's link may cost this node in routing work: a token bucket per neighbour for
 * routing messages, and a smaller one for the signature checks of states and revocations it
 * brings that are not held already (a state or revocation held already costs no check). Each
 * bucket holds up to its burst and refills at its rate; a message or check beyond it is dropped
 * and counted ({@link RoutingCounters.Drop#MESSAGE_BUDGET}, {@link
 * RoutingCounters.Drop#SIGNATURE_BUDGET}). A node's come from its config ({@code limits} in
 * {@code reference.conf}, which says how they are sized); {@link #defaults()} is for the
 * simulator and tests.
 *
 * @param messagesPerSecond routing messages taken per second from one neighbour
 * @param messageBurst routing messages one neighbour may send at once (the bucket's size)
 * @param checksPerSecond signature checks spent per second on one neighbour's states and
 *     revocations
 * @param checkBurst signature checks one neighbour may cost at once
 * @param explainsPerSecond route explain requests ({@code staex trace}) answered per second for
 *     one neighbour, a burst of as many; more are dropped unanswered and counted ({@link
 *     RoutingCounters.Drop#EXPLAIN_LIMITED})
 */
public record RoutingBudget(
    int messagesPerSecond, int messageBurst, int checksPerSecond, int checkBurst,
    int explainsPerSecond) {

  /** The default explain rate ({@code limits.explain-answers-per-second-per-peer}). */
  public static final int DEFAULT_EXPLAINS_PER_SECOND = 10;

  public RoutingBudget {
    atLeastOne("messagesPerSecond", messagesPerSecond);
    atLeastOne("messageBurst", messageBurst);
    atLeastOne("checksPerSecond", checksPerSecond);
    atLeastOne("checkBurst", checkBurst);
    atLeastOne("explainsPerSecond", explainsPerSecond);
  }

  /** With the default explain rate ({@link #DEFAULT_EXPLAINS_PER_SECOND}). */
  public RoutingBudget(int messagesPerSecond, int messageBurst, int checksPerSecond,
      int checkBurst) {
    this(messagesPerSecond, messageBurst, checksPerSecond, checkBurst,
        DEFAULT_EXPLAINS_PER_SECOND);
  }

  /** The simulator's and tests' values, the same as a node's defaults in reference.conf. */
  public static RoutingBudget defaults() {
    return new RoutingBudget(200, 4000, 50, 12_000, DEFAULT_EXPLAINS_PER_SECOND);
  }

  /** This budget with {@code perSecond} explain answers per neighbour and second. */
  public RoutingBudget withExplainsPerSecond(int perSecond) {
    return new RoutingBudget(messagesPerSecond, messageBurst, checksPerSecond, checkBurst,
        perSecond);
  }

  private static void atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
  }
}
