package io.staex.bench;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/** The JDK's ChaCha20-Poly1305 (SunJCE), cached {@link Cipher} re-initialised per record. */
public class JdkChaCha20Poly1305Bench extends PayloadBench {

  private SecretKeySpec key;
  private Cipher cipher;

  @Setup
  public void setUp() throws GeneralSecurityException {
    key = new SecretKeySpec(key256, "ChaCha20");
    cipher = Cipher.getInstance("ChaCha20-Poly1305");
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int chacha20poly1305_encrypt_1400() throws GeneralSecurityException {
    return encrypt(small);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int chacha20poly1305_encrypt_16384() throws GeneralSecurityException {
    return encrypt(large);
  }

  private int encrypt(byte[] in) throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nextNonce()));
    cipher.updateAAD(aad);
    return cipher.doFinal(in, 0, in.length, out, 0);
  }
}
