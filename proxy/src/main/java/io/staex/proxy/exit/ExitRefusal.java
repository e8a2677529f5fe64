package io.staex.proxy.exit;

import io.staex.proxy.frame.ResetReason;
import java.util.Locale;

/**
 * Why an exit node refused an exit stream; each is counted ({@code staex_exit_refused_total
 * {reason}}) and logged at most once per interval. The opener hears the reset reason.
 */
public enum ExitRefusal {
  /** This node is no exit ({@code exit.enabled = false}). */
  NOT_EXIT(ResetReason.NO_SERVICE),
  /** The opener is not in {@code exit.allow}. */
  NODE(ResetReason.NOT_ALLOWED),
  /** The port is not among {@code exit.destinations}' ports. */
  PORT(ResetReason.NOT_ALLOWED),
  /** Neither the name nor the address matches {@code exit.destinations}. */
  DESTINATION(ResetReason.NOT_ALLOWED),
  /** Loopback (127/8, ::1), unless listed as a CIDR. */
  LOOPBACK(ResetReason.NOT_ALLOWED),
  /** Private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10), unless listed. */
  PRIVATE(ResetReason.NOT_ALLOWED),
  /** Link-local (169.254/16, fe80::/10), unless listed. */
  LINK_LOCAL(ResetReason.NOT_ALLOWED),
  /** Multicast or broadcast, unless listed. */
  MULTICAST(ResetReason.NOT_ALLOWED),
  /** Unspecified or "this network" (0/8, ::), always refused. */
  UNSPECIFIED(ResetReason.NOT_ALLOWED),
  /** The name did not resolve at the exit. */
  UNRESOLVED(ResetReason.UNREACHABLE);

  private final ResetReason reset;

  ExitRefusal(ResetReason reset) {
    this.reset = reset;
  }

  /** What the opener's stream is reset with. */
  public ResetReason reset() {
    return reset;
  }

  /** The label in status and metrics: lower case, dashes. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
