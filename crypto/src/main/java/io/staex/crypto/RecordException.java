package io.staex.crypto;

import java.util.Objects;

/**
 * A record was refused. Thrown by {@link RecordOpener#open} for every problem with the peer's
 * bytes, and by {@link RecordSealer#seal} once the send counter is exhausted; nothing else on
 * the data path throws for peer input.
 *
 * <p>The reason is for local counters and debug logs only: never tell the peer why a record was
 * refused. The exception carries no stack trace (a flood of forged records must stay cheap to
 * drop) and no suppressed exceptions.
 */
public final class RecordException extends Exception {

  /** Why a record was refused. */
  public enum Reason {
    /** Shorter than a record's overhead, or longer than the largest record. */
    MALFORMED,
    /** Its counter was already accepted. */
    REPLAYED,
    /** Left of the replay window, or from an epoch whose key is gone. */
    TOO_OLD,
    /** Wrong key, tampered record or tampered AAD: the tag did not verify. */
    AUTH_FAILED,
    /**
     * A counter at or past {@link RecordLayer#REJECT_AFTER_MESSAGES} (send or receive), or
     * an epoch too far ahead to derive its key before authenticating.
     */
    LIMIT
  }

  private static final long serialVersionUID = 1L;

  private final Reason reason;

  RecordException(Reason reason) {
    super("record refused: " + reason, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
