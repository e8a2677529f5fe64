package io.staex.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes keys as standard PEM: private keys as PKCS#8 ({@code PRIVATE KEY}), public
 * keys as SubjectPublicKeyInfo ({@code PUBLIC KEY}), the forms {@code openssl genpkey -algorithm
 * ed25519} writes and {@code openssl pkey} reads.
 *
 * <p>Private key files are created with mode 0600 and refused when group or others have any
 * access, as OpenSSH refuses an unprotected key. Writing never replaces an existing file unless
 * asked to, and replacing is atomic (a temporary file renamed over the old one).
 */
public final class KeyFiles {
  static final String PRIVATE_KEY = "PRIVATE KEY";
  static final String PUBLIC_KEY = "PUBLIC KEY";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final AlgorithmIdentifier ED25519 =
      new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
  private static final int MAX_FILE_SIZE = 64 * 1024;

  private KeyFiles() {}

  /** Writes {@code identity}'s private key to {@code file} with mode 0600. */
  public static void writePrivateKey(Path file, Identity identity, boolean force)
      throws KeyFileException {
    byte[] seed = identity.exportSeed();
    byte[] der = null;
    try {
      der = new PrivateKeyInfo(ED25519, new DEROctetString(seed)).getEncoded("DER");
      write(file, pem(PRIVATE_KEY, der), force, true);
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(seed, (byte) 0);
      if (der != null) {
        Arrays.fill(der, (byte) 0);
      }
    }
  }

  /** Writes {@code address}'s public key to {@code file} as SubjectPublicKeyInfo PEM. */
  public static void writePublicKey(Path file, Address address, boolean force)
      throws KeyFileException {
    try {
      byte[] der =
          new SubjectPublicKeyInfo(ED25519, address.publicKey().toByteArray()).getEncoded("DER");
      write(file, pem(PUBLIC_KEY, der), force, false);
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a private key file, refusing it if others may read it. */
  public static Identity readPrivateKey(Path file) throws KeyFileException {
    checkOwnerOnly(file);
    PemObject pem = readPem(file);
    if (!PRIVATE_KEY.equals(pem.getType())) {
      throw malformed(file, "PEM type '" + pem.getType() + "' (expected: " + PRIVATE_KEY + ")");
    }
    byte[] der = pem.getContent();
    byte[] seed = null;
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      requireEd25519(file, info.getPrivateKeyAlgorithm());
      seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
      if (seed.length != Identity.SEED_SIZE) {
        throw malformed(
            file, "private key: " + seed.length + " bytes (expected: " + Identity.SEED_SIZE + ")");
      }
      Identity identity = Identity.fromSeed(seed);
      if (info.hasPublicKey()
          && !Arrays.equals(
              info.getPublicKeyData().getOctets(), identity.address().publicKey().toByteArray())) {
        throw malformed(file, "the embedded public key does not belong to the private key");
      }
      return identity;
    } catch (IOException | RuntimeException e) {
      throw malformed(file, "not a PKCS#8 private key (" + e.getMessage() + ")");
    } finally {
      Arrays.fill(der, (byte) 0);
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  /**
   * The address in a key file of either kind: a public key, or the public half of a private
   * key (whose file must then be private, as for {@link #readPrivateKey}).
   */
  public static Address readAddress(Path file) throws KeyFileException {
    PemObject pem = readPem(file);
    if (PRIVATE_KEY.equals(pem.getType())) {
      Identity identity = readPrivateKey(file);
      identity.destroy();
      return identity.address();
    }
    if (!PUBLIC_KEY.equals(pem.getType())) {
      throw malformed(
          file,
          "PEM type '" + pem.getType() + "' (expected: " + PUBLIC_KEY + " or " + PRIVATE_KEY
              + ")");
    }
    try {
      SubjectPublicKeyInfo info =
          SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(pem.getContent()));
      requireEd25519(file, info.getAlgorithm());
      return Address.of(info.getPublicKeyData().getOctets());
    } catch (IOException | RuntimeException e) {
      throw malformed(file, "not an Ed25519 public key (" + e.getMessage() + ")");
    }
  }

  static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new AssertionError("writing to a StringWriter", e);
    }
    return out.toString();
  }

  /** The one PEM object in {@code file}. */
  static PemObject readPem(Path file) throws KeyFileException {
    String text = readText(file);
    try (PemReader reader = new PemReader(new StringReader(text))) {
      PemObject pem = reader.readPemObject();
      if (pem == null) {
        throw malformed(file, "no PEM block (expected: -----BEGIN ...----- and -----END ...-----)");
      }
      return pem;
    } catch (IOException | RuntimeException e) {
      throw malformed(file, "broken PEM (" + e.getMessage() + ")");
    }
  }

  static String readText(Path file) throws KeyFileException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_SIZE) {
        throw malformed(file, size + " bytes (expected: at most " + MAX_FILE_SIZE + ")");
      }
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new KeyFileException(KeyFileException.Reason.NOT_FOUND, file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": permission denied", e);
    } catch (CharacterCodingException e) {
      throw malformed(file, "not a text file (expected: PEM)");
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    }
  }

  static void write(Path file, String text, boolean force, boolean secret)
      throws KeyFileException, IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    Path dir = file.toAbsolutePath().getParent();
    if (!force && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new KeyFileException(
          KeyFileException.Reason.EXISTS, file + ": exists (use --force to replace it)");
    }
    Set<PosixFilePermission> perms =
        secret ? OWNER_ONLY : PosixFilePermissions.fromString("rw-r--r--");
    Path tmp =
        Files.createTempFile(
            dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(perms));
    try {
      Files.write(tmp, bytes);
      if (force) {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        try {
          Files.createLink(file, tmp); // fails if the file appeared meanwhile: never clobber
        } catch (FileAlreadyExistsException e) {
          throw new KeyFileException(
              KeyFileException.Reason.EXISTS, file + ": exists (use --force to replace it)");
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void checkOwnerOnly(Path file) throws KeyFileException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (NoSuchFileException e) {
      throw new KeyFileException(KeyFileException.Reason.NOT_FOUND, file + ": no such file");
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    }
    EnumSet<PosixFilePermission> others = EnumSet.copyOf(perms);
    others.removeAll(EnumSet.of(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    if (!others.isEmpty()) {
      throw new KeyFileException(
          KeyFileException.Reason.INSECURE_PERMISSIONS,
          file + ": permissions " + octal(perms) + " are too open: a private key must be"
              + " readable only by its owner; run: chmod 600 " + file);
    }
  }

  private static String octal(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= switch (p) {
        case OWNER_READ -> 0400;
        case OWNER_WRITE -> 0200;
        case OWNER_EXECUTE -> 0100;
        case GROUP_READ -> 040;
        case GROUP_WRITE -> 020;
        case GROUP_EXECUTE -> 010;
        case OTHERS_READ -> 04;
        case OTHERS_WRITE -> 02;
        case OTHERS_EXECUTE -> 01;
      };
    }
    return String.format("%04o", mode);
  }

  private static void requireEd25519(Path file, AlgorithmIdentifier alg) throws KeyFileException {
    if (!EdECObjectIdentifiers.id_Ed25519.equals(alg.getAlgorithm())) {
      throw new KeyFileException(
          KeyFileException.Reason.WRONG_ALGORITHM,
          file + ": key algorithm " + alg.getAlgorithm() + " (expected: Ed25519, "
              + EdECObjectIdentifiers.id_Ed25519 + ")");
    }
  }

  private static KeyFileException malformed(Path file, String detail) {
    return new KeyFileException(KeyFileException.Reason.MALFORMED, file + ": " + detail);
  }
}
