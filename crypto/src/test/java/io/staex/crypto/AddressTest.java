package io.staex.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staex.crypto.AddressFormatException.Reason;
import io.staex.crypto.internal.Base32;
import io.staex.crypto.internal.DnsLabel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  /** RFC 8032 section 7.1, TEST 1. */
  private static final byte[] RFC8032_PUBLIC_KEY =
      HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

  private final Address address = Fixtures.identity(1).address();
  private final String text = address.toString();

  // ---- round trip and text shape

  @Property(tries = 200, shrinking = ShrinkingMode.OFF)
  void parseOfText_isTheSameAddress(@ForAll @Size(32) byte[] seed) {
    Address a = Identity.fromSeed(seed).address();

    assertThat(Address.parse(a.toString())).isEqualTo(a);
    assertThat(Address.parse(a.toString()).publicKey()).isEqualTo(a.publicKey());
    assertThat(Address.of(a.publicKey().toByteArray())).isEqualTo(a).hasToString(a.toString());
  }

  @Property(tries = 200, shrinking = ShrinkingMode.OFF)
  void text_is55LowerCaseCharactersAndOneDnsLabel(@ForAll @Size(32) byte[] seed) {
    String t = Identity.fromSeed(seed).address().toString();

    assertThat(t).hasSize(55).hasSize(Address.TEXT_LENGTH).matches("[a-z2-7]{55}");
    assertThat(DnsLabel.problem(t)).isNull();
  }

  /** Pins the text format: a change here changes every address in every config. */
  @Test
  void rfc8032TestKey_hasStableText() {
    Address a = Address.of(RFC8032_PUBLIC_KEY);

    assertThat(a).hasToString(KNOWN_TEXT);
    assertThat(Address.parse(KNOWN_TEXT).publicKey().toByteArray()).isEqualTo(RFC8032_PUBLIC_KEY);
  }

  private static final String KNOWN_TEXT = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenocri";

  @Test
  void upperOrMixedCase_parsesToTheSameAddress() {
    assertThat(Address.parse(text.toUpperCase(Locale.ROOT))).isEqualTo(address);
    assertThat(Address.parse(text.substring(0, 20).toUpperCase(Locale.ROOT) + text.substring(20)))
        .isEqualTo(address);
  }

  @ParameterizedTest
  @ValueSource(strings = {"%s.staex", "%s.staex.", "%s.STAEX", "%s.Staex.", "  %s\n", " %s.staex "})
  void domainSuffixOrSurroundingSpace_isAccepted(String format) {
    assertThat(Address.parse(String.format(format, text))).isEqualTo(address);
  }

  @Test
  void hostName_isTextDotStaexAndParsesBack() {
    assertThat(address.hostName()).isEqualTo(text + ".staex");
    assertThat(Address.parse(address.hostName())).isEqualTo(address);
  }

  @Test
  void shortText_isFirstEightCharactersAndEllipsis() {
    assertThat(address.shortText()).isEqualTo(text.substring(0, 8) + "…");
  }

  @Test
  void equalKeys_equalAddressesSameHashAndOrder() {
    Address again = Address.of(address.publicKey().toByteArray());
    Address other = Fixtures.identity(2).address();

    assertThat(again).isEqualTo(address).hasSameHashCodeAs(address);
    assertThat(again.compareTo(address)).isZero();
    assertThat(other).isNotEqualTo(address);
    assertThat(Integer.signum(other.compareTo(address)))
        .isEqualTo(Integer.signum(other.toString().compareTo(text)))
        .isNotZero();
  }

  // ---- one minimal example per reason

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 54, 56, 63, 64, 200})
  void wrongLength_refusedWithLength(int length) {
    String t = (text + text + text + text).substring(0, Math.min(length, 220));

    AddressFormatException e = refused(t);

    assertThat(e.reason()).isEqualTo(Reason.LENGTH);
    assertThat(e).hasMessageContaining(length + " characters (expected: 55)");
  }

  @Test
  void lengthIsCountedWithoutTheSuffix() {
    assertThat(refused(text.substring(1) + ".staex").reason()).isEqualTo(Reason.LENGTH);
    assertThat(refused(text + "a.staex").reason()).isEqualTo(Reason.LENGTH);
    assertThat(refused(text + ".staex..").reason()).isEqualTo(Reason.LENGTH);
    assertThat(refused(text + ".other").reason()).isEqualTo(Reason.LENGTH);
  }

  @ParameterizedTest(name = "''{0}'' at position {1}")
  @CsvSource({"1, 1", "0, 10", "8, 30", "-, 55", "9, 2", "=, 40", "é, 3", "_, 17", "., 20"})
  void characterOutsideBase32_refusedWithAlphabetAndPosition(char c, int position) {
    String t = replace(text, position - 1, c);

    AddressFormatException e = refused(t);

    assertThat(e.reason()).isEqualTo(Reason.ALPHABET);
    assertThat(e).hasMessageContaining("character '" + c + "' at position " + position);
  }

  @Test
  void lastCharacterWithTrailingBits_refusedAsNotCanonical() {
    // 55 characters carry 275 bits for 272: the last character's low 3 bits must be zero.
    int last = ALPHABET.indexOf(text.charAt(54));
    assertThat(last % 8).isZero();

    for (int bits = 1; bits < 8; bits++) {
      AddressFormatException e = refused(replace(text, 54, ALPHABET.charAt(last + bits)));

      assertThat(e.reason()).isEqualTo(Reason.NOT_CANONICAL);
      assertThat(e).hasMessageContaining("last character");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 26, 50, 51, 52, 53})
  void oneCharacterChanged_refusedWithChecksum(int index) {
    char c = text.charAt(index) == 'a' ? 'b' : 'a';

    AddressFormatException e = refused(replace(text, index, c));

    assertThat(e.reason()).isEqualTo(Reason.CHECKSUM);
    assertThat(e).hasMessageContaining("checksum");
  }

  /** Well formed and checksummed, but not a valid (prime-order, canonical) Ed25519 point. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0100000000000000000000000000000000000000000000000000000000000000", // the neutral point
        "0000000000000000000000000000000000000000000000000000000000000000", // order 4
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2 (y = -1)
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p: not canonical
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y > p
        "0200000000000000000000000000000000000000000000000000000000000000" // y = 2: not on curve
      })
  void checksummedTextOfNonKey_refusedAsNotAKey(String hex) {
    byte[] key = HexFormat.of().parseHex(hex);
    byte[] raw = Arrays.copyOf(key, Address.KEY_SIZE + Address.CHECKSUM_SIZE);
    System.arraycopy(Address.checksum(key), 0, raw, Address.KEY_SIZE, Address.CHECKSUM_SIZE);

    AddressFormatException e = refused(Base32.encode(raw));

    assertThat(e.reason()).isEqualTo(Reason.NOT_A_KEY);
    assertThat(catchThrowableOfType(AddressFormatException.class, () -> Address.of(key)).reason())
        .isEqualTo(Reason.NOT_A_KEY);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 31, 33, 64})
  void keyOfWrongSize_refusedAsNotAKey(int size) {
    assertThatThrownBy(() -> Address.of(new byte[size]))
        .isInstanceOfSatisfying(
            AddressFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_A_KEY))
        .hasMessageContaining(size + " bytes (expected: 32)");
  }

  // ---- typos never turn into another address

  /**
   * Every single-character substitution, at every position, is refused by the checksum (not
   * by luck as NOT_A_KEY). 55 x 31 parses per try, so fewer tries than elsewhere.
   */
  @Property(tries = 60, shrinking = ShrinkingMode.OFF)
  void everySingleCharacterSubstitution_isRefused(@ForAll @Size(32) byte[] seed) {
    String t = Identity.fromSeed(seed).address().toString();
    List<String> accepted = new ArrayList<>();

    for (int i = 0; i < t.length(); i++) {
      for (int j = 0; j < ALPHABET.length(); j++) {
        char c = ALPHABET.charAt(j);
        if (c != t.charAt(i)) {
          String typo = replace(t, i, c);
          Reason reason = reasonOrNull(typo);
          if (reason != Reason.CHECKSUM && reason != Reason.NOT_CANONICAL) {
            accepted.add(typo + " (position " + (i + 1) + "): " + reason);
          }
        }
      }
    }
    assertThat(accepted).as("typos of %s not refused by the checksum", t).isEmpty();
  }

  /** Two keys whose addresses differed in one character under the first checksum. */
  @Test
  void keysWithFormerlyCollidingChecksums_differInMoreThanOneCharacter() {
    Address a = Address.of(key("wvdmzzbqspink2iindsgjoekrz44ji4e6xfx4jdv5mcse7kxu6o5gdq"));
    Address b = Address.of(key("wv3mzzbqspink2iindsgjoekrz44ji4e6xfx4jdv5mcse7kxu6o5gdq"));

    assertThat(differingCharacters(a.toString(), b.toString())).isGreaterThan(1);
  }

  @Property(tries = 200, shrinking = ShrinkingMode.OFF)
  void swappingTwoAdjacentDifferentCharacters_isRefused(@ForAll @Size(32) byte[] seed) {
    String t = Identity.fromSeed(seed).address().toString();

    for (int i = 0; i + 1 < t.length(); i++) {
      if (t.charAt(i) != t.charAt(i + 1)) {
        String swapped = replace(replace(t, i, t.charAt(i + 1)), i + 1, t.charAt(i));
        assertThat(reasonOrNull(swapped)).as("%s swapped at %d", t, i + 1)
            .isIn(Reason.CHECKSUM, Reason.NOT_CANONICAL);
      }
    }
  }

  /** Whatever a character is replaced with, the result is this address or refused. */
  @Property(tries = 500)
  void anyCharacterAnywhere_isThisAddressOrRefused(
      @ForAll @IntRange(max = 54) int index, @ForAll char c) {
    String t = replace(text, index, c);
    Address parsed;
    try {
      parsed = Address.parse(t);
    } catch (AddressFormatException e) {
      return;
    }
    assertThat(parsed).isEqualTo(address);
    assertThat(Character.toLowerCase(c)).isEqualTo(text.charAt(index));
  }

  // ---- arbitrary input

  @Property
  void arbitraryString_onlyAddressFormatException(@ForAll @StringLength(max = 80) String s) {
    parseOrRefuse(s);
  }

  @Property
  void arbitraryBase32TextOfAddressLength_onlyAddressFormatException(
      @ForAll @StringLength(55) @CharRange(from = 'a', to = 'z') @CharRange(from = '2', to = '7')
          String s) {
    parseOrRefuse(s);
    parseOrRefuse(s + ".staex.");
  }

  private static void parseOrRefuse(String s) {
    try {
      Address a = Address.parse(s);
      assertThat(a.toString()).isEqualToIgnoringCase(s.strip().substring(0, 55));
    } catch (AddressFormatException e) {
      assertThat(e.reason()).isNotNull();
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  // ---- signatures

  @Test
  void signatureOfWrongLength_doesNotVerify() {
    Identity id = Fixtures.identity(1);
    byte[] sig = id.sign(new byte[] {1});

    assertThat(id.address().verify(new byte[] {1}, sig)).isTrue();
    assertThat(id.address().verify(new byte[] {1}, Arrays.copyOf(sig, 63))).isFalse();
    assertThat(id.address().verify(new byte[] {1}, Arrays.copyOf(sig, 65))).isFalse();
    assertThat(id.address().verify(new byte[] {1}, new byte[0])).isFalse();
  }

  // ---- helpers

  private static AddressFormatException refused(String t) {
    AddressFormatException e = catchThrowableOfType(AddressFormatException.class, () -> Address.parse(t));
    assertThat(e).as("'%s' should be refused", t).isNotNull();
    return e;
  }

  private static Reason reasonOrNull(String t) {
    try {
      Address.parse(t);
      return null;
    } catch (AddressFormatException e) {
      return e.reason();
    }
  }

  private static String replace(String s, int index, char c) {
    return s.substring(0, index) + c + s.substring(index + 1);
  }

  private static byte[] key(String text) {
    return Arrays.copyOf(Base32.decode(text), Address.KEY_SIZE);
  }

  private static int differingCharacters(String a, String b) {
    int n = 0;
    for (int i = 0; i < a.length(); i++) {
      n += a.charAt(i) == b.charAt(i) ? 0 : 1;
    }
    return n;
  }

  @Test
  void x25519PublicKey_theMapOfTheKey_madeOnce() {
    Address a = Identity.generate(new java.security.SecureRandom()).address();

    byte[] u = a.x25519PublicKey();

    assertThat(u).isEqualTo(io.staex.crypto.internal.KeyConversion.convertPublic(
        a.publicKey().toByteArray()));
    assertThat(a.x25519PublicKey()).isSameAs(u);
  }
}
