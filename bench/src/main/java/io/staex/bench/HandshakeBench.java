package io.staex.bench;

import io.staex.crypto.Certificate;
import io.staex.crypto.Handshake;
import io.staex.crypto.HandshakeException;
import io.staex.crypto.Identity;
import io.staex.crypto.Purpose;
import io.staex.crypto.TrustPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One complete certificate-carrying IK handshake, both sides in one thread: what a new link or
 * a first-contact session costs in CPU (the responder's share bounds handshakes per second).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HandshakeBench {
  private final SecureRandom random = new SecureRandom();
  private Identity initiator;
  private Identity responder;
  private Certificate initiatorCert;
  private Certificate responderCert;
  private TrustPolicy policy;
  private final Clock clock = Clock.systemUTC();

  @Setup
  public void setUp() {
    Identity network = Identity.generate(random);
    initiator = Identity.generate(random);
    responder = Identity.generate(random);
    Instant now = Instant.now();
    initiatorCert = Certificate.issue(network, initiator.address(), Optional.of("laptop"), Set.of(),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), random);
    responderCert = Certificate.issue(network, responder.address(), Optional.of("gateway"), Set.of(),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), random);
    policy = TrustPolicy.ofNetwork(network.address());
  }

  @Benchmark
  public Handshake.Established fullHandshake() throws HandshakeException {
    Handshake i = Handshake.initiator(initiator, initiatorCert, responder.address(), policy,
        Purpose.SESSION, clock, random);
    Handshake r = Handshake.responder(responder, responderCert, policy, Purpose.SESSION, clock, random);
    r.readMessage(i.writeMessage(new byte[0]));
    i.readMessage(r.writeMessage(new byte[0]));
    return i.established();
  }
}
