package io.staex.node.internal;

import io.staex.crypto.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a certificate's end is near enough to say so: from {@link #WARN_BEFORE} before its
 * not-after, in {@code staex config check}, {@code staex status} and (once a day) the log.
 */
public final class CertificateExpiry {
  /** How long before the end a certificate is warned about. */
  public static final Duration WARN_BEFORE = Duration.ofDays(30);

  private CertificateExpiry() {}

  /** The warning for {@code cert} at {@code now}, or empty while its end is further off. */
  public static Optional<String> warning(Certificate cert, Instant now) {
    Duration left = Duration.between(now, cert.notAfter());
    if (left.compareTo(WARN_BEFORE) > 0) {
      return Optional.empty();
    }
    if (left.isNegative()) {
      return Optional.of("certificate of this node expired at " + cert.notAfter()
          + ": renew it (staex cert renew) and restart the node");
    }
    return Optional.of("certificate of this node expires in " + humanDays(left) + ", at "
        + cert.notAfter() + ": renew it (staex cert renew) and restart the node before then");
  }

  private static String humanDays(Duration d) {
    long days = d.toDays();
    if (days >= 2) {
      return days + " days";
    }
    long hours = d.toHours();
    return hours >= 2 ? hours + " hours" : d.toMinutes() + " minutes";
  }
}
