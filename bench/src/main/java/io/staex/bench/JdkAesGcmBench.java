package io.staex.bench;

import java.nio.ByteBuffer;
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
 *
 * <p>The {@code *Copy*}, {@code *InPlace*} and {@code *Direct*} rows compare the buffer shapes a
 * link handler can give the cipher (issue 15): the JDK's combined AES-GCM intrinsic is not used
 * for an in-place array decryption (it would overwrite the ciphertext GHASH still has to read),
 * and direct {@link ByteBuffer}s go through 512-byte temporary arrays.
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
  private final byte[] work = new byte[LARGE + 64];
  private ByteBuffer directSealedLarge;
  private ByteBuffer directOut;

  @Setup
  public void setUp() throws GeneralSecurityException {
    aes128 = new SecretKeySpec(key128, "AES");
    aes256 = new SecretKeySpec(key256, "AES");
    cipher128 = Cipher.getInstance(AES_GCM);
    cipher256 = Cipher.getInstance(AES_GCM);
    decryptor = Cipher.getInstance(AES_GCM);
    sealedSmall = seal(small);
    sealedLarge = seal(large);
    directSealedLarge = ByteBuffer.allocateDirect(sealedLarge.length).put(sealedLarge).flip();
    directOut = ByteBuffer.allocateDirect(LARGE + 64);
  }

  /** The old link opener: the record copied into an array, opened in place there. */
  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_decryptCopyThenInPlace_16384() throws GeneralSecurityException {
    System.arraycopy(sealedLarge, 0, work, 0, sealedLarge.length);
    return decrypt(work, 0, sealedLarge.length, work, 0);
  }

  /** The same copy, then opened into another array: the combined intrinsic applies. */
  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_decryptCopyThenToOther_16384() throws GeneralSecurityException {
    System.arraycopy(sealedLarge, 0, work, 0, sealedLarge.length);
    return decrypt(work, 0, sealedLarge.length, out, 0);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int aes256_decryptCopyThenInPlace_1400() throws GeneralSecurityException {
    System.arraycopy(sealedSmall, 0, work, 0, sealedSmall.length);
    return decrypt(work, 0, sealedSmall.length, work, 0);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL)
  public int aes256_decryptCopyThenToOther_1400() throws GeneralSecurityException {
    System.arraycopy(sealedSmall, 0, work, 0, sealedSmall.length);
    return decrypt(work, 0, sealedSmall.length, out, 0);
  }

  /** A record in a direct buffer (as off a socket) opened straight into a heap array. */
  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_decryptDirectToArray_16384() throws GeneralSecurityException {
    decryptor.init(Cipher.DECRYPT_MODE, aes256, new GCMParameterSpec(128, fixedNonce));
    decryptor.updateAAD(aad);
    return decryptor.doFinal(directSealedLarge.duplicate(), ByteBuffer.wrap(out));
  }

  /** The old link sealer: sealed into an array, then copied into a direct buffer. */
  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_encryptThenCopyToDirect_16384() throws GeneralSecurityException {
    int n = encrypt(cipher256, aes256, large);
    directOut.clear();
    directOut.put(out, 0, n);
    return n;
  }

  /** Sealed in place in an array (then one copy to the socket's buffer, not counted here). */
  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_encryptInPlace_16384() throws GeneralSecurityException {
    cipher256.init(Cipher.ENCRYPT_MODE, aes256, new GCMParameterSpec(128, nextNonce()));
    cipher256.updateAAD(aad);
    return cipher256.doFinal(work, 0, LARGE, work, 0);
  }

  /** Sealed from an array straight into a direct buffer. */
  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_encryptToDirect_16384() throws GeneralSecurityException {
    cipher256.init(Cipher.ENCRYPT_MODE, aes256, new GCMParameterSpec(128, nextNonce()));
    cipher256.updateAAD(aad);
    directOut.clear();
    return cipher256.doFinal(ByteBuffer.wrap(large), directOut);
  }

  /** Sealed in place in a direct buffer. */
  @Benchmark
  @OperationsPerInvocation(LARGE)
  public int aes256_encryptInPlaceDirect_16384() throws GeneralSecurityException {
    cipher256.init(Cipher.ENCRYPT_MODE, aes256, new GCMParameterSpec(128, nextNonce()));
    cipher256.updateAAD(aad);
    directOut.clear().limit(LARGE + TAG);
    ByteBuffer in = directOut.duplicate().limit(LARGE);
    return cipher256.doFinal(in, directOut);
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
    return decrypt(sealed, 0, sealed.length, out, 0);
  }

  private int decrypt(byte[] in, int off, int len, byte[] to, int toOff)
      throws GeneralSecurityException {
    decryptor.init(Cipher.DECRYPT_MODE, aes256, new GCMParameterSpec(128, fixedNonce));
    decryptor.updateAAD(aad);
    return decryptor.doFinal(in, off, len, to, toOff);
  }

  private byte[] seal(byte[] in) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance(AES_GCM);
    c.init(Cipher.ENCRYPT_MODE, aes256, new GCMParameterSpec(128, fixedNonce));
    c.updateAAD(aad);
    return c.doFinal(in);
  }
}
