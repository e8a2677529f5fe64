package io.staex.crypto;

/** A key or certificate file that could not be read or written; {@link #reason()} says why. */
public final class KeyFileException extends Exception {
  /** What went wrong with the file. */
  public enum Reason {
    NOT_FOUND,
    /** Refused to overwrite an existing file without {@code --force}. */
    EXISTS,
    /** A private key file that group or others may access. */
    INSECURE_PERMISSIONS,
    /** A private key file that is a symbolic link. */
    SYMBOLIC_LINK,
    /** A private key file owned by another user than the one running this process. */
    WRONG_OWNER,
    /** Not the PEM structure expected. */
    MALFORMED,
    /** A key of another algorithm than Ed25519. */
    WRONG_ALGORITHM,
    IO
  }

  private final Reason reason;

  public KeyFileException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public KeyFileException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
