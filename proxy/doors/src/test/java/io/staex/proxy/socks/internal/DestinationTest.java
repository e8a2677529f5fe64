package io.staex.proxy.socks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.staex.crypto.Address;
import io.staex.proxy.frame.ResetReason;
import io.staex.testing.fixtures.Identities;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DestinationTest {
  static final Address NODE = Identities.address(9);

  static Destination domain(String host) {
    return Destination.of(Socks5AddressType.DOMAIN, host);
  }

  @Test
  void addressNames_anyCase_trailingDot_areNodes() {
    assertThat(domain(NODE.hostName())).isEqualTo(new Destination.Node(NODE));
    assertThat(domain(NODE.hostName().toUpperCase(Locale.ROOT) + "."))
        .isEqualTo(new Destination.Node(NODE));
  }

  @Test
  void badChecksum_isHostUnreachable() {
    String t = NODE.toString();
    String typo = t.substring(0, 54) + (t.charAt(54) == 'a' ? 'q' : 'a');
    Destination d = domain(typo + ".staex");
    assertThat(d).isInstanceOf(Destination.Refused.class);
    assertThat(((Destination.Refused) d).status()).isEqualTo(Socks5CommandStatus.HOST_UNREACHABLE);
  }

  @Test
  void otherStaexNames_areLookedUp_lowerCase() {
    assertThat(domain("Camera1.STAEX.")).isEqualTo(new Destination.Name("camera1.staex"));
  }

  @Test
  void labelsThatCantBeNames_areHostUnreachable_beforeAnyLookup() {
    for (String host : new String[] {"under_score.staex", "-dash.staex", "dash-.staex",
        "a".repeat(64) + ".staex", "x.gw.staex", "caf\u00e9.staex", ".staex"}) {
      Destination d = domain(host);
      assertThat(d).as(host).isInstanceOf(Destination.Refused.class);
      assertThat(((Destination.Refused) d).status()).as(host)
          .isEqualTo(Socks5CommandStatus.HOST_UNREACHABLE);
    }
    assertThat(domain("a".repeat(63) + ".staex"))
        .isEqualTo(new Destination.Name("a".repeat(63) + ".staex"));
  }

  @Test
  void requestsThatDoNotDecode_getAReply() {
    assertThat(SocksReplies.ofBadRequest(new io.netty.handler.codec.DecoderException(
        new IllegalArgumentException("The label in the input is too long"))))
        .isEqualTo(Socks5CommandStatus.HOST_UNREACHABLE);
    assertThat(SocksReplies.ofBadRequest(new io.netty.handler.codec.DecoderException(
        "unsupported address type: 9"))).isEqualTo(Socks5CommandStatus.ADDRESS_UNSUPPORTED);
    assertThat(SocksReplies.ofBadRequest(new io.netty.handler.codec.DecoderException(
        "unsupported version: 4 (expected: 5)"))).isEqualTo(Socks5CommandStatus.FAILURE);
  }

  @Test
  void namesOutsideStaex_areForbidden() {
    for (String host : new String[] {"example.com", "staex", "evilstaex", "x.staex.com"}) {
      Destination d = domain(host);
      assertThat(d).as(host).isInstanceOf(Destination.Refused.class);
      assertThat(((Destination.Refused) d).status()).isEqualTo(Socks5CommandStatus.FORBIDDEN);
    }
  }

  @Test
  void ipLiterals_goToThePool() {
    assertThat(Destination.of(Socks5AddressType.IPv4, "10.77.0.1"))
        .isInstanceOf(Destination.Ip.class);
    assertThat(Destination.of(Socks5AddressType.IPv6, "fd00::1"))
        .isInstanceOf(Destination.Ip.class);
  }

  @Test
  void resetReasons_mapToTheDocumentedReplies() {
    assertThat(SocksReplies.of(ResetReason.NO_SERVICE))
        .isEqualTo(Socks5CommandStatus.CONNECTION_REFUSED);
    assertThat(SocksReplies.of(ResetReason.REFUSED))
        .isEqualTo(Socks5CommandStatus.CONNECTION_REFUSED);
    assertThat(SocksReplies.of(ResetReason.NOT_ALLOWED)).isEqualTo(Socks5CommandStatus.FORBIDDEN);
    assertThat(SocksReplies.of(ResetReason.UNREACHABLE))
        .isEqualTo(Socks5CommandStatus.HOST_UNREACHABLE);
    assertThat(SocksReplies.of(ResetReason.SESSION_ENDED))
        .isEqualTo(Socks5CommandStatus.HOST_UNREACHABLE);
    assertThat(SocksReplies.of(ResetReason.TIMEOUT)).isEqualTo(Socks5CommandStatus.TTL_EXPIRED);
    for (ResetReason r : new ResetReason[] {ResetReason.LIMIT, ResetReason.PROTOCOL_ERROR,
        ResetReason.INTERNAL, ResetReason.CLOSED}) {
      assertThat(SocksReplies.of(r)).as(r.name()).isEqualTo(Socks5CommandStatus.FAILURE);
    }
  }
}
