package io.staex.proxy.stream;

import io.staex.crypto.Certificate;
import io.staex.crypto.Identity;
import io.staex.crypto.TrustPolicy;
import io.staex.proxy.link.LinkTestSettings;
import io.staex.proxy.session.SessionSettings;
import io.staex.proxy.session.SessionTestSettings;
import io.staex.testing.ManualClock;
import io.staex.testing.Seeded;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The stream layer's settings for tests, and those below it ({@link LinkTestSettings}). */
public class StreamTestSettings extends SessionTestSettings {
  /** For the layers above only: these are static helpers. */
  protected StreamTestSettings() {}

  /**
   * 256 streams per session, 4096 per node, 256 KiB window, 20 s to open, 10 s to connect, 256
   * datagrams queued.
   */
  public static StreamSettings streams() {
    return new StreamSettings(256, 4096, 256 * 1024, Duration.ofSeconds(20),
        Duration.ofSeconds(10), 256);
  }

  /**
   * A stream layer on {@code clock}'s loop for a new identity (from {@code seed}) that {@code
   * network} certified from an hour before {@code clock}'s now for a day, with {@code sessions}
   * and {@link #streams()}.
   */
  public static Streams layer(ManualClock clock, Identity network, SessionSettings sessions,
      long seed, StreamAcceptor acceptor) {
    SecureRandom r = Seeded.random(seed);
    Identity me = Identity.generate(r);
    Instant now = clock.instant();
    Certificate cert = Certificate.issue(network, me.address(), Optional.empty(), Set.of(),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), r);
    return new Streams(clock.loop(), me, cert, TrustPolicy.ofNetwork(network.address()),
        sessions, streams(), clock, r, acceptor);
  }
}
