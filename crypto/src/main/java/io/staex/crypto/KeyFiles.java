package io.staex.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
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
 * <p>Private key files are created with mode 0600. Reading one refuses, each with its own
 * {@link KeyFileException.Reason} and a message that says how to fix it:
 *
 * <ul>
 *   <li>a symbolic link ({@code SYMBOLIC_LINK}): whoever can change the link can swap the key;
 *       the file is opened with {@code O_NOFOLLOW}, so a link put in its place after the check
 *       fails the read too;
 *   <li>a file owned by another user than the one running this process ({@code WRONG_OWNER}),
 *       root included: its owner could read or replace the key;
 *   <li>a file that group or others may access at all ({@code INSECURE_PERMISSIONS}), as OpenSSH
 *       refuses an "UNPROTECTED PRIVATE KEY FILE".
 * </ul>
 *
 * On a file system without POSIX attributes only the symbolic link check applies. Writing never
 * replaces an existing file unless asked to, and replacing is atomic (a temporary file renamed
 * over the old one).
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

  /**
   * Reads a private key file, refusing a symbolic link, a file of another owner and a file
   * that group or others may access (see the class comment).
   */
  public static Identity readPrivateKey(Path file) throws KeyFileException {
    String text;
    try {
      text = readPrivateText(file);
    } catch (KeyFileException e) {
      throw notAPrivateKey(file, e);
    }
    PemObject pem = parsePem(file, text);
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
    return parsePem(file, readText(file));
  }

  private static PemObject parsePem(Path file, String text) throws KeyFileException {
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

  static String readText(Path file, OpenOption... options) throws KeyFileException {
    byte[] bytes = null;
    try (InputStream in = Files.newInputStream(file, options)) {
      bytes = in.readNBytes(MAX_FILE_SIZE + 1);
      if (bytes.length > MAX_FILE_SIZE) {
        throw malformed(file, "over " + MAX_FILE_SIZE + " bytes (expected: at most "
            + MAX_FILE_SIZE + ")");
      }
      return StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw new KeyFileException(KeyFileException.Reason.NOT_FOUND, file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": permission denied", e);
    } catch (CharacterCodingException e) {
      throw malformed(file, "not a text file (expected: PEM)");
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  /**
   * The text of a private key file, after {@link #checkPrivateFile}; opened without following
   * links, and refused if another file took its place while it was read.
   */
  private static String readPrivateText(Path file) throws KeyFileException {
    Object before = checkPrivateFile(file).fileKey();
    String text = readText(file, LinkOption.NOFOLLOW_LINKS);
    Object after = checkPrivateFile(file).fileKey();
    if (!Objects.equals(before, after)) {
      throw new KeyFileException(
          KeyFileException.Reason.IO, file + ": replaced while being read; try again");
    }
    return text;
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

  /**
   * Refuses a private key file that is a symbolic link, not a regular file, owned by another
   * user, or open to group or others, in that order.
   *
   * @return its attributes, read without following links
   */
  private static BasicFileAttributes checkPrivateFile(Path file) throws KeyFileException {
    BasicFileAttributes attributes;
    try {
      attributes = readAttributesNoFollow(file);
    } catch (NoSuchFileException e) {
      throw new KeyFileException(KeyFileException.Reason.NOT_FOUND, file + ": no such file");
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    }
    if (attributes.isSymbolicLink()) {
      Path target = linkTarget(file);
      throw new KeyFileException(
          KeyFileException.Reason.SYMBOLIC_LINK,
          file + ": is a symbolic link" + (target == null ? "" : " to " + target)
              + "; a private key is read only from a regular file, since whoever may change the"
              + " link can swap the key: replace the link with the file it points to (mv "
              + (target == null ? "TARGET" : file.resolveSibling(target)) + " " + file
              + ") or name that file");
    }
    if (!attributes.isRegularFile()) {
      throw new KeyFileException(
          KeyFileException.Reason.IO, file + ": not a regular file (expected: a PEM key file)");
    }
    if (attributes instanceof PosixFileAttributes posix) {
      checkOwner(file, posix);
      checkOwnerOnly(file, posix.permissions());
    }
    return attributes;
  }

  private static BasicFileAttributes readAttributesNoFollow(Path file) throws IOException {
    try {
      return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Where {@code link} points, as written in it; null if that cannot be read. */
  private static Path linkTarget(Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The owner must be the user this process runs as (OpenSSH's {@code getuid()}), even root. */
  private static void checkOwner(Path file, PosixFileAttributes attributes)
      throws KeyFileException {
    int owner;
    try {
      owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return; // POSIX permissions without Unix ids: the permission check still applies
    } catch (IOException e) {
      throw new KeyFileException(KeyFileException.Reason.IO, file + ": " + e.getMessage(), e);
    }
    ProcessUser me = ProcessUser.current();
    if (owner != me.uid()) {
      throw new KeyFileException(
          KeyFileException.Reason.WRONG_OWNER,
          file + ": owned by " + attributes.owner().getName() + " (uid " + owner + "), not by "
              + me.name() + " (uid " + me.uid() + ") who runs staex; a private key must belong"
              + " to the user that uses it, as its owner can read and replace it; run: chown "
              + me.name() + " " + file + " (as root)");
    }
  }

  private static void checkOwnerOnly(Path file, Set<PosixFilePermission> perms)
      throws KeyFileException {
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

  /** The user this process runs as: its real uid, as OpenSSH's {@code getuid()}. */
  private record ProcessUser(long uid, String name) {
    static ProcessUser current() {
      com.sun.security.auth.module.UnixSystem system = new com.sun.security.auth.module.UnixSystem();
      return new ProcessUser(system.getUid(), system.getUsername());
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

  /**
   * {@code refused} for a file that fails the private-file checks, unless it holds no private
   * key at all (a certificate or public key given by mistake, usually world-readable): then
   * that, before any chmod or chown advice that would not help.
   */
  private static KeyFileException notAPrivateKey(Path file, KeyFileException refused) {
    if (refused.reason() != KeyFileException.Reason.INSECURE_PERMISSIONS
        && refused.reason() != KeyFileException.Reason.WRONG_OWNER) {
      return refused;
    }
    String type;
    try {
      type = readPem(file).getType();
    } catch (KeyFileException | RuntimeException e) {
      return refused;
    }
    if (PRIVATE_KEY.equals(type)) {
      return refused;
    }
    return malformed(file, "holds a " + type + ", not a private key (expected: " + PRIVATE_KEY
        + ", as staex keygen writes it" + ("CERTIFICATE".equals(type)
            ? "; a certificate belongs in staex.cert" : "") + ")");
  }

  private static KeyFileException malformed(Path file, String detail) {
    return new KeyFileException(KeyFileException.Reason.MALFORMED, file + ": " + detail);
  }
}
