package io.staex.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The file a node keeps the signed revocations it learned in ({@code staex.trust.revocations-file}),
 * so that they survive a restart of every node: one PEM block {@value SignedRevocation#PEM_TYPE}
 * per revocation, in the order applied, the format {@code staex cert revoke} writes one of. Blank
 * lines and lines starting with {@code #} are ignored. Written whole each time, atomically
 * (a temporary file beside it, synced, then renamed over it) and readable by the owner only.
 */
public final class RevocationsFile {
  private static final String BEGIN = "-----BEGIN " + SignedRevocation.PEM_TYPE + "-----";
  private static final String END = "-----END " + SignedRevocation.PEM_TYPE + "-----";
  /** A revocation's base64 is under 200 characters; a longer block is not one. */
  private static final int MAX_BLOCK_CHARS = 1024;

  /** A revocation read from the file, and the line its block starts on (for errors). */
  public record Entry(SignedRevocation revocation, int line) {}

  private RevocationsFile() {}

  /**
   * Reads {@code file}; a missing file holds none. Signatures are not checked here (the
   * policy checks them when they are applied).
   *
   * @throws BadRevocationException naming the file and line of what is wrong
   * @throws IOException if the file exists but cannot be read
   */
  public static List<Entry> read(Path file) throws BadRevocationException, IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadRevocationException(file + ": not a revocations file (bytes that are not"
          + " ASCII); expected PEM blocks '" + BEGIN + "'");
    }
    List<Entry> out = new ArrayList<>();
    int start = 0;
    StringBuilder base64 = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int n = i + 1;
      if (base64 == null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (!line.equals(BEGIN)) {
          throw bad(file, n, "'" + shorten(line) + "' (expected: '" + BEGIN + "')");
        }
        base64 = new StringBuilder();
        start = n;
      } else if (line.equals(END)) {
        byte[] bytes;
        try {
          bytes = Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
          throw bad(file, start, "the block's base64 does not decode: " + e.getMessage());
        }
        try {
          out.add(new Entry(SignedRevocation.decode(bytes), start));
        } catch (BadRevocationException e) {
          throw bad(file, start, e.getMessage());
        }
        base64 = null;
      } else {
        base64.append(line);
        if (base64.length() > MAX_BLOCK_CHARS) {
          throw bad(file, start, "the block does not end within " + MAX_BLOCK_CHARS
              + " characters (expected: '" + END + "')");
        }
      }
    }
    if (base64 != null) {
      throw bad(file, start, "the block does not end (expected: '" + END + "')");
    }
    return out;
  }

  /**
   * Replaces {@code file} with {@code revocations}, atomically: a reader (or a crash) sees the
   * old list or the new one, never a part. Owner-only (0600).
   */
  public static void write(Path file, List<SignedRevocation> revocations) throws IOException {
    StringBuilder text = new StringBuilder(
        "# Signed revocations this staex node learned; written by the node, read at its start.\n");
    for (SignedRevocation r : revocations) {
      text.append(r.toPem());
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      if (Files.isSymbolicLink(file)) {
        throw new IOException(file + ": is a symbolic link; not replaced (expected: a file)");
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + ": vanished after it was written");
    }
  }

  private static BadRevocationException bad(Path file, int line, String detail) {
    return new BadRevocationException(file + ":" + line + ": " + detail);
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
