package io.staex.bench;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/** BouncyCastle's lightweight ChaCha20-Poly1305. */
public class BcChaCha20Poly1305Bench extends PayloadBench {

  private ChaCha20Poly1305 aead;
  private KeyParameter key;

  @Setup
  public void setUp() {
    aead = new ChaCha20Poly1305();
    key = new KeyParameter(key256);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int chacha20poly1305_encrypt_1400() throws InvalidCipherTextException {
    return encrypt(small);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int chacha20poly1305_encrypt_16384() throws InvalidCipherTextException {
    return encrypt(large);
  }

  private int encrypt(byte[] in) throws InvalidCipherTextException {
    aead.init(true, new AEADParameters(key, 128, nextNonce().clone(), aad));
    int n = aead.processBytes(in, 0, in.length, out, 0);
    return n + aead.doFinal(out, n);
  }
}
