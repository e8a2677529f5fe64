package io.staex.node.internal.cli;

/** Exit statuses of the {@code staex} command; documented in the README. */
public final class ExitCodes {
  public static final int OK = 0;
  /** Anything not listed below, including bugs. */
  public static final int FAILURE = 1;
  /** Bad command line or argument value (picocli's own usage errors use 2 as well). */
  public static final int USAGE = 2;
  /** A key or certificate file could not be read or written. */
  public static final int FILE = 3;
  /** A certificate is malformed or does not verify. */
  public static final int INVALID_CERTIFICATE = 4;
  /** A node configuration file was refused (every problem is listed on stderr). */
  public static final int CONFIG = 5;
  /** {@code staex status}: no node answers at the control socket. */
  public static final int NOT_RUNNING = 6;

  private ExitCodes() {}
}
