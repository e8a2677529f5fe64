package io.staex.conf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6Test {
  @ParameterizedTest
  @CsvSource({
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    "::ffff:192.0.2.128, ::ffff:c000:280",
    "fe80::1:2, fe80::1:2"
  })
  void format_isRfc5952(String text, String canonical) {
    assertThat(Ipv6.format(Ipv6.parse(text))).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ":", ":::", "1:2", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7::8", "12345::", "g::", "::1.2.3", "::256.0.0.1", "1.2.3.4::", "fe80::1%lo",
      "::\u0661"})
  void malformed_refused(String text) {
    assertThatThrownBy(() -> Ipv6.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected");
  }

  @Test
  void ipv4Mapped_agreesWithTheJdk() throws Exception {
    String text = Ipv6.format(Ipv6.parse("::ffff:1.2.3.4"));

    assertThat(text).isEqualTo("::ffff:102:304");
    assertThat(InetAddress.getByName(text).getHostAddress()).isEqualTo("1.2.3.4");
  }

  /** Checked against the JDK's reading of the same literal (a literal is never looked up). */
  @Property(tries = 500)
  void anyEightGroups_formatThenParse_agreesWithTheJdk(
      @ForAll @Size(8) List<@IntRange(min = 0, max = 2) Integer> zeroes,
      @ForAll @Size(8) List<@IntRange(min = 0, max = 0xffff) Integer> values) throws Exception {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = zeroes.get(i) == 0 ? values.get(i) : 0; // two in three are zero: long runs
    }
    if (zeroes.get(0) == 0 && values.get(0) == 1) {
      groups = new int[] {0, 0, 0, 0, 0, 0xffff, values.get(1), values.get(2)}; // IPv4-mapped
    }
    String text = Ipv6.format(groups);

    assertThat(Ipv6.parse(text)).containsExactly(groups);
    InetAddress jdk = InetAddress.getByName(text);
    byte[] bytes = jdk.getAddress();
    if (!(jdk instanceof Inet6Address)) { // the JDK turns ::ffff:a.b.c.d into an IPv4 address
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      bytes = mapped;
    }
    for (int i = 0; i < 8; i++) {
      assertThat((bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff)).isEqualTo(groups[i]);
    }
  }
}
