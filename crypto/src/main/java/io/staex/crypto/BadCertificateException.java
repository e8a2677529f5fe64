package io.staex.crypto;

/** A certificate that cannot be decoded or issued; {@link #rejection()} is the reason. */
public final class BadCertificateException extends Exception {
  private final Rejection rejection;

  public BadCertificateException(Rejection rejection, String message) {
    super(message);
    this.rejection = rejection;
  }

  public BadCertificateException(Rejection rejection, String message, Throwable cause) {
    super(message, cause);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }
}
