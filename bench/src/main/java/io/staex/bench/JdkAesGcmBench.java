package io.staex.bench;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * The JDK's AES-GCM (SunJCE, AES-NI/CLMUL intrinsics): 128- and 256-bit keys, a cached
 * {@link Cipher} re-initialised per record, plus the two alternatives the record layer could
 * have taken: {@code Cipher.getInstance} per record, and decryption.
 */
public class JdkAesGcmBench extends PayloadBench {

  private static final String AES_GCM = "AES/GCM/NoPadding";

  private SecretKeySpec aes128;
  private SecretKeySpec aes256;
  private Cipher cipher128;
  private Cipher cipher256;
  private Cipher decryptor;
  private byte[] sealedSmall;
  private byte[] sealedLarge;
  private final byte[] fixedNonce = new byte[12];

  @Setup
  public void setUp() throws GeneralSecurityException {
    aes128 = new SecretKeySpec(key128, "AES");
    aes256 = new SecretKeySpec(key256, "AES");
    cipher128 = Cipher.getInstance(AES_GCM);
    cipher256 = Cipher.getInstance(AES_GCM);
    decryptor = Cipher.getInstance(AES_GCM);
    sealedSmall = seal(small);
    sealedLarge = seal(large);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int aes128_encrypt_1400() throws GeneralSecurityException {
    return encrypt(cipher128, aes128, small);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes128_encrypt_16384() throws GeneralSecurityException {
    return encrypt(cipher128, aes128, large);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int aes256_encrypt_1400() throws GeneralSecurityException {
    return encrypt(cipher256, aes256, small);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_encrypt_16384() throws GeneralSecurityException {
    return encrypt(cipher256, aes256, large);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int aes256_encryptGetInstancePerRecord_1400() throws GeneralSecurityException {
    return encrypt(Cipher.getInstance(AES_GCM), aes256, small);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_encryptGetInstancePerRecord_16384() throws GeneralSecurityException {
    return encrypt(Cipher.getInstance(AES_GCM), aes256, large);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int aes256_decrypt_1400() throws GeneralSecurityException {
    return decrypt(sealedSmall);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_decrypt_16384() throws GeneralSecurityException {
    return decrypt(sealedLarge);
  }

  private int encrypt(Cipher cipher, SecretKeySpec key, byte[] in)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nextNonce()));
    cipher.updateAAD(aad);
    return cipher.doFinal(in, 0, in.length, out, 0);
  }

  /** GCM decryption has no nonce-reuse check, so one sealed message is opened again and again. */
  private int decrypt(byte[] sealed) throws GeneralSecurityException {
    decryptor.init(Cipher.DECRYPT_MODE, aes256, new GCMParameterSpec(128, fixedNonce));
    decryptor.updateAAD(aad);
    return decryptor.doFinal(sealed, 0, sealed.length, out, 0);
  }

  private byte[] seal(byte[] in) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance(AES_GCM);
    c.init(Cipher.ENCRYPT_MODE, aes256, new GCMParameterSpec(128, fixedNonce));
    c.updateAAD(aad);
    return c.doFinal(in);
  }
}
