package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staex.conf.HostPortFormatException.Reason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @Test
  void ipv4_parsed() {
    HostPort hp = HostPort.parse("192.168.1.60:8080");

    assertThat(hp).isEqualTo(new HostPort("192.168.1.60", 8080));
    assertThat(hp.isIpv6()).isFalse();
    assertThat(hp).hasToString("192.168.1.60:8080");
  }

  @Test
  void bracketedIpv6_parsedWithoutBracketsAndPrintedWithThem() {
    HostPort hp = HostPort.parse("[::1]:8080");

    assertThat(hp.host()).isEqualTo("::1");
    assertThat(hp.port()).isEqualTo(8080);
    assertThat(hp.isIpv6()).isTrue();
    assertThat(hp).hasToString("[::1]:8080");
  }

  @ParameterizedTest
  @CsvSource({
    "'[0:0:0:0:0:0:0:1]:80', ::1",
    "'[2001:DB8:0:0:0:0:0:1]:80', 2001:db8::1",
    "'[2001:db8:0:0:1:0:0:1]:80', 2001:db8::1:0:0:1",
    "'[::ffff:192.0.2.1]:80', ::ffff:c000:201",
    "'[1:0:0:2::]:80', 1:0:0:2::",
    "'[::]:80', ::"
  })
  void ipv6_normalisedToRfc5952(String text, String host) {
    assertThat(HostPort.parse(text).host()).isEqualTo(host);
  }

  @Test
  void hostName_lowerCasedAndIdnConverted() {
    assertThat(HostPort.parse("Gateway.LAN:7400").host()).isEqualTo("gateway.lan");
    assertThat(HostPort.parse("bücher.example:80").host()).isEqualTo("xn--bcher-kva.example");
  }

  @Test
  void surroundingWhiteSpace_ignored() {
    assertThat(HostPort.parse("  localhost:1 ")).isEqualTo(new HostPort("localhost", 1));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 80, 32769, 65535})
  void portInRange_accepted(int port) {
    assertThat(HostPort.parse("127.0.0.1:" + port).port()).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:99999", "127.0.0.1:",
      "127.0.0.1:http", "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:123456", "localhost",
      "[::1]", "[::1]8080"})
  void badPort_refusedAsPort(String text) {
    HostPortFormatException e =
        catchThrowableOfType(HostPortFormatException.class, () -> HostPort.parse(text));

    assertThat(e.reason()).isEqualTo(Reason.PORT);
    assertThat(e.getMessage()).startsWith("'" + text + "': ");
  }

  @Test
  void portOutOfRange_saysRange() {
    assertThatThrownBy(() -> HostPort.parse("127.0.0.1:65536"))
        .hasMessage("'127.0.0.1:65536': port 65536 (expected: 1~65535)");
    assertThatThrownBy(() -> new HostPort("localhost", 0))
        .isInstanceOf(HostPortFormatException.class)
        .hasMessageContaining("port 0 (expected: 1~65535)");
  }

  @ParameterizedTest
  @ValueSource(strings = {":80", "[]:80", "[::1:80", "::1:80", "fe80::1:80", "[fe80::1%eth0]:80",
      "[1::2::3]:80", "[1:2:3:4:5:6:7]:80", "[1:2:3:4:5:6:7:8:9]:80", "[12345::]:80",
      "[g::]:80", "999.1.1.1:80", "010.0.0.1:80", "1.2.3:80", "1.2.3.4.5:80", "a_b:80", "-a:80",
      "a-:80", "a..b:80", "host.123:80", "exa mple:80", "[1.2.3.4]:80"})
  void badHost_refusedAsHost(String text) {
    HostPortFormatException e =
        catchThrowableOfType(HostPortFormatException.class, () -> HostPort.parse(text));

    assertThat(e.reason()).isEqualTo(Reason.HOST);
    assertThat(e.detail()).contains("expected");
  }

  @Test
  void longHostName_refused() {
    String label = "a".repeat(63);
    String name = String.join(".", label, label, label, label);

    assertThatThrownBy(() -> HostPort.parse(name + ":80"))
        .hasMessageContaining("255 characters (expected: at most 253)");
    assertThatThrownBy(() -> HostPort.parse("a".repeat(64) + ".lan:80"))
        .hasMessageContaining("64 characters (expected: at most 63)");
  }

  @Test
  void constructor_normalisesBracketsAndCase() {
    assertThat(new HostPort("[::1]", 80)).isEqualTo(HostPort.parse("[::1]:80"));
    assertThat(new HostPort("LOCALHOST", 80)).isEqualTo(HostPort.parse("localhost:80"));
  }

  @Property
  void arbitraryText_parsesOrFailsWithOurExceptionOnly(@ForAll String text) {
    roundTripsOrFailsCleanly(text);
  }

  @Property(tries = 3000)
  void addressLikeText_parsesOrFailsWithOurExceptionOnly(@ForAll("addressLike") String text) {
    roundTripsOrFailsCleanly(text);
  }

  @Provide
  Arbitrary<String> addressLike() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF.:[]%-xn ü")
        .ofMinLength(0).ofMaxLength(48);
  }

  private static void roundTripsOrFailsCleanly(String text) {
    HostPort hp;
    try {
      hp = HostPort.parse(text);
    } catch (HostPortFormatException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
  }
}
