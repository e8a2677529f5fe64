package io.staex.crypto;

import static io.staex.crypto.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationsFileTest {
  private static final Identity NETWORK = Fixtures.identity(40);
  private static final Identity NODE = Fixtures.identity(42);

  @TempDir Path dir;

  @Test
  void writeThenRead_sameRevocationsInOrder_ownerOnly_noTemporaryLeft() throws Exception {
    List<SignedRevocation> list = new ArrayList<>();
    list.add(SignedRevocation.ofNode(NETWORK, NODE.address(), T0));
    for (int i = 1; i <= 3; i++) {
      list.add(SignedRevocation.ofSerial(NETWORK, BigInteger.valueOf(i), T0));
    }
    Path file = dir.resolve("revocations.pem");

    RevocationsFile.write(file, list.subList(0, 2));
    RevocationsFile.write(file, list);

    assertThat(RevocationsFile.read(file)).extracting(RevocationsFile.Entry::revocation)
        .containsExactlyElementsOf(list);
    assertThat(RevocationsFile.read(file)).extracting(RevocationsFile.Entry::line)
        .startsWith(2); // line 1 is the comment
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void missingFile_holdsNone() throws Exception {
    assertThat(RevocationsFile.read(dir.resolve("none.pem"))).isEmpty();
  }

  @Test
  void corruptFile_errorNamesTheFileAndLine() throws Exception {
    Path file = dir.resolve("revocations.pem");
    String one = SignedRevocation.ofNode(NETWORK, NODE.address(), T0).toPem();
    Files.writeString(file, "# a comment\n\n" + one + "garbage\n", StandardCharsets.US_ASCII);
    int garbage = 3 + (int) one.lines().count();
    assertThatThrownBy(() -> RevocationsFile.read(file))
        .isInstanceOf(BadRevocationException.class)
        .hasMessageStartingWith(file + ":" + garbage + ": 'garbage'");

    String[] lines = one.split("\n");
    lines[1] = "A" + lines[1].substring(1, lines[1].length() - 4) + "!!!!"; // bad base64
    Files.writeString(file, "\n" + String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> RevocationsFile.read(file))
        .isInstanceOf(BadRevocationException.class)
        .hasMessageStartingWith(file + ":2: ");

    Files.writeString(file, one.substring(0, one.lastIndexOf("-----END")),
        StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> RevocationsFile.read(file))
        .isInstanceOf(BadRevocationException.class)
        .hasMessage(file + ":1: the block does not end (expected: '-----END STAEX REVOCATION-----')");
  }
}
