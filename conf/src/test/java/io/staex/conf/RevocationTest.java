package io.staex.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import io.staex.crypto.AddressFormatException;
import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RevocationTest {
  private static final Address KEY = Fixtures.address(2);

  @Test
  void address_parsedAsKey() {
    assertThat(Revocation.parse(KEY.toString())).isEqualTo(new Revocation.Key(KEY));
    assertThat(Revocation.parse(KEY.toString())).hasToString(KEY.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"serial:0a1b", "SERIAL:0A1B", "serial:0a:1b", " serial:a1b "})
  void serialForms_parsedToTheSameNumber(String text) {
    assertThat(Revocation.parse(text)).isEqualTo(new Revocation.Serial(BigInteger.valueOf(0x0a1b)));
  }

  @Test
  void serial_printedInTheFormItIsParsedFrom() {
    Revocation r = Revocation.parse("serial:00FF");

    assertThat(r).hasToString("serial:ff");
    assertThat(Revocation.parse(r.toString())).isEqualTo(r);
  }

  @Test
  void badSerial_refusedWithReason() {
    assertThatThrownBy(() -> Revocation.parse("serial:"))
        .hasMessage("no hex digits after 'serial:' (expected: e.g. serial:0a1b2c)");
    assertThatThrownBy(() -> Revocation.parse("serial:0x1b"))
        .hasMessage("character 'x' in serial (expected: hex digits 0-9, a-f)");
    assertThatThrownBy(() -> Revocation.parse("serial:" + "f".repeat(41)))
        .hasMessage("serial of 41 hex digits (expected: at most 40)");
    assertThatThrownBy(() -> Revocation.parse("serial:00"))
        .hasMessage("serial 0 (expected: positive, at most 20 bytes)");
  }

  @Test
  void fortyHexDigits_accepted() {
    assertThat(Revocation.parse("serial:" + "f".repeat(40))).isInstanceOf(Revocation.Serial.class);
  }

  @Test
  void badAddress_refusedAsAddress() {
    assertThatThrownBy(() -> Revocation.parse("abc")).isInstanceOf(AddressFormatException.class);
  }
}
