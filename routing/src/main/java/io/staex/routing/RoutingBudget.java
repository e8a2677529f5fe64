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
 */
public record RoutingBudget(
    int messagesPerSecond, int messageBurst, int checksPerSecond, int checkBurst) {

  public RoutingBudget {
    atLeastOne("messagesPerSecond", messagesPerSecond);
    atLeastOne("messageBurst", messageBurst);
    atLeastOne("checksPerSecond", checksPerSecond);
    atLeastOne("checkBurst", checkBurst);
  }

  /** The simulator's and tests' values, the same as a node's defaults in reference.conf. */
  public static RoutingBudget defaults() {
    return new RoutingBudget(200, 4000, 50, 12_000);
  }

  private static void atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
  }
}
