package io.staex.bench;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/** BouncyCastle's lightweight AES-256-GCM ({@code GCMBlockCipher.newInstance(AESEngine.newInstance())}). */
public class BcAesGcmBench extends PayloadBench {

  private GCMModeCipher gcm;
  private KeyParameter key;

  @Setup
  public void setUp() {
    gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    key = new KeyParameter(key256);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int aes256gcm_encrypt_1400() throws InvalidCipherTextException {
    return encrypt(small);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256gcm_encrypt_16384() throws InvalidCipherTextException {
    return encrypt(large);
  }

  private int encrypt(byte[] in) throws InvalidCipherTextException {
    gcm.init(true, new AEADParameters(key, 128, nextNonce().clone(), aad));
    int n = gcm.processBytes(in, 0, in.length, out, 0);
    return n + gcm.doFinal(out, n);
  }
}
