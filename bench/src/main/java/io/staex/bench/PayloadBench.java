package io.staex.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every cipher benchmark shares: two payload sizes on heap arrays, a 16-byte AAD (a frame
 * header's size), and a counter nonce, since the JDK and BouncyCastle both refuse to encrypt
 * twice with one key and nonce — so each operation includes the per-record {@code init}, as in
 * real use.
 *
 * <p>Units: each benchmark method declares {@code @OperationsPerInvocation(bytes)}, so one JMH
 * "op" is one payload byte and the reported {@code ops/us} are MB/s (10^6 bytes per second).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class PayloadBench {

  /** A record that fits one Ethernet frame's payload after our headers. */
  public static final int SMALL = 1400;
  /** The relay's sweet spot measured in the Netty spike. */
  public static final int LARGE = 16 * 1024;
  public static final int TAG = 16;

  protected final byte[] key128 = filled(16, 0x11);
  protected final byte[] key256 = filled(32, 0x22);
  protected final byte[] aad = filled(16, 0x33);
  protected final byte[] small = filled(SMALL, 0x44);
  protected final byte[] large = filled(LARGE, 0x55);
  protected final byte[] out = new byte[LARGE + 64];

  private final byte[] nonce = new byte[12];
  private long counter;

  /** The next 12-byte nonce, {@code 0^32 || counter}; the array is reused. */
  protected final byte[] nextNonce() {
    long c = counter++;
    for (int i = 11; i >= 4; i--) {
      nonce[i] = (byte) c;
      c >>>= 8;
    }
    return nonce;
  }

  static byte[] filled(int size, int value) {
    byte[] bytes = new byte[size];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
