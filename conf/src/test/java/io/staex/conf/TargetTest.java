package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staex.conf.HostPortFormatException.Reason;
import io.staex.crypto.Address;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {
  private static final Address NODE = Fixtures.address(1);

  @Test
  void addressLabel_parsedAsAddress() {
    Target t = Target.parse(NODE + ".staex:80");

    assertThat(t).isEqualTo(new Target.ByAddress(NODE, 80));
    assertThat(t.hostName()).isEqualTo(NODE.hostName());
    assertThat(t).hasToString(NODE + ".staex:80");
  }

  @Test
  void upperCase_accepted() {
    assertThat(Target.parse(NODE.toString().toUpperCase(Locale.ROOT) + ".STAEX:80"))
        .isEqualTo(new Target.ByAddress(NODE, 80));
    assertThat(Target.parse("Camera1.Staex:554")).isEqualTo(new Target.ByName("camera1", 554));
  }

  @Test
  void otherLabel_parsedAsCertifiedName() {
    Target t = Target.parse("camera1.staex:554");

    assertThat(t).isEqualTo(new Target.ByName("camera1", 554));
    assertThat(t.port()).isEqualTo(554);
    assertThat(t).hasToString("camera1.staex:554");
  }

  @Test
  void addressWithTypo_refusedNotTakenForAName() {
    String text = NODE.toString();
    char last = text.charAt(10) == 'a' ? 'b' : 'a';
    String typo = text.substring(0, 10) + last + text.substring(11);

    HostPortFormatException e =
        catchThrowableOfType(HostPortFormatException.class, () -> Target.parse(typo + ".staex:80"));

    assertThat(e.reason()).isEqualTo(Reason.HOST);
    assertThat(e.detail()).contains("a 55-character label is an address").contains("checksum");
  }

  @ParameterizedTest
  @ValueSource(strings = {"camera1.lan:80", "camera1:80", "a.b.staex:80", "-a.staex:80",
      "ca_m.staex:80", ".staex:80", "staex:80"})
  void notOneStaexLabel_refusedAsHost(String text) {
    assertThat(catchThrowableOfType(HostPortFormatException.class, () -> Target.parse(text))
            .reason())
        .isEqualTo(Reason.HOST);
  }

  @ParameterizedTest
  @ValueSource(strings = {"camera1.staex", "camera1.staex:0", "camera1.staex:65536",
      "camera1.staex:x"})
  void badPort_refusedAsPort(String text) {
    assertThat(catchThrowableOfType(HostPortFormatException.class, () -> Target.parse(text))
            .reason())
        .isEqualTo(Reason.PORT);
  }

  @Test
  void nameOfAddressLength_refusedByConstructor() {
    assertThatThrownBy(() -> new Target.ByName("a".repeat(55), 80))
        .isInstanceOf(HostPortFormatException.class)
        .hasMessageContaining("the length of an address");
  }

  @Property
  void arbitraryText_parsesOrFailsWithOurExceptionOnly(@ForAll String text) {
    try {
      Target t = Target.parse(text);
      assertThat(Target.parse(t.toString())).isEqualTo(t);
    } catch (HostPortFormatException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
