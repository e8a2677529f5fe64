package io.staex.crypto;

import java.util.Objects;

/**
 * The answer to "is this certificate / peer acceptable": accepted, or one {@link Rejection}
 * with a detail for logs and the CLI. Never send the detail to the peer.
 */
public record Verdict(Rejection rejection, String detail) {
  private static final Verdict ACCEPTED = new Verdict(null, "valid");

  public Verdict {
    Objects.requireNonNull(detail, "detail");
  }

  public static Verdict accepted() {
    return ACCEPTED;
  }

  public static Verdict rejected(Rejection rejection, String detail) {
    return new Verdict(Objects.requireNonNull(rejection, "rejection"), detail);
  }

  public boolean isAccepted() {
    return rejection == null;
  }

  /** {@code valid}, or {@code invalid: REASON: detail}. */
  @Override
  public String toString() {
    return isAccepted() ? "valid" : "invalid: " + rejection.label() + ": " + detail;
  }
}
