package io.staex.bench;

import io.staex.crypto.RecordException;
import io.staex.crypto.RecordLayer;
import io.staex.crypto.RecordOpener;
import io.staex.crypto.RecordSealer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Our record layer through its public API: {@link RecordSealer#seal} into a caller buffer, and
 * {@link RecordOpener#open} into a caller buffer.
 *
 * <p>Opening needs fresh counters (a replayed record is refused), so the open benchmarks seal a
 * batch of records once and open the whole batch with a new opener per invocation. The batch is
 * large enough (about 1.4–2 MB) that making the opener (two {@code Cipher.getInstance}) stays
 * well under 1 % of the time; it also means the records come from memory, not from L1/L2 cache,
 * as they would off a socket.
 */
public class RecordLayerBench extends PayloadBench {

  static final int SMALL_BATCH = 1024;
  static final int LARGE_BATCH = 128;

  private final byte[] sendKey = filled(32, 0x66);
  private final byte[] receiveKey = filled(32, 0x77);
  private RecordSealer sealer;
  private byte[][] smallRecords;
  private byte[][] largeRecords;

  @Setup
  public void setUp() throws RecordException {
    sealer = RecordLayer.of(sendKey, receiveKey).sealer();
    RecordSealer batchSealer = RecordLayer.of(sendKey, receiveKey).sealer();
    smallRecords = sealBatch(batchSealer, small, SMALL_BATCH);
    largeRecords = sealBatch(batchSealer, large, LARGE_BATCH);
  }

  @TearDown
  public void tearDown() {
    sealer.destroy();
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int seal_1400() throws RecordException {
    return sealer.seal(small, 0, SMALL, aad, out, 0);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int seal_16384() throws RecordException {
    return sealer.seal(large, 0, LARGE, aad, out, 0);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL * SMALL_BATCH)
  public int open_1400() throws RecordException {
    return openAll(smallRecords);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE * LARGE_BATCH)
  public int open_16384() throws RecordException {
    return openAll(largeRecords);
  }

  private int openAll(byte[][] records) throws RecordException {
    // The receiving side's layer: its receive key is the sender's send key.
    RecordLayer receiver = RecordLayer.of(/* sendKey= */ receiveKey, /* receiveKey= */ sendKey);
    RecordOpener opener = receiver.opener();
    int total = 0;
    for (byte[] record : records) {
      total += opener.open(record, 0, record.length, aad, out, 0);
    }
    receiver.destroy();
    return total;
  }

  private byte[][] sealBatch(RecordSealer s, byte[] payload, int count) throws RecordException {
    byte[][] records = new byte[count][];
    for (int i = 0; i < count; i++) {
      records[i] = s.seal(payload, 0, payload.length, aad);
    }
    return records;
  }
}
