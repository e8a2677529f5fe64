package io.staex.node;

import java.util.Objects;

/**
 * A node that could not start, with what was wrong and where. Key and certificate files have
 * their own exceptions ({@link io.staex.crypto.KeyFileException}, {@link
 * io.staex.crypto.BadCertificateException}); this covers the rest. Nothing the failed start
 * opened is left running.
 */
public final class NodeStartException extends Exception {
  /** What kept the node from starting. */
  public enum Reason {
    /** A parent's host name does not resolve. */
    PARENT_UNRESOLVABLE,
    /** {@code staex.listen} cannot be bound (in use, not a local address, no permission). */
    LISTEN,
    /** The control socket cannot be created, or another node answers at its path. */
    CONTROL_SOCKET,
    /** {@code forwards-dir} cannot be read or watched. */
    FORWARDS_DIR,
    /** {@code trust.revocations-file} cannot be read, does not parse, or holds a forged entry. */
    REVOCATIONS_FILE
  }

  private final Reason reason;

  public NodeStartException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
