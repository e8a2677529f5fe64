package io.staex.proxy.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.staex.crypto.Address;
import io.staex.crypto.AddressFormatException;
import io.staex.testing.fixtures.Identities;
import java.util.Arrays;
import net.jqwik.api.Example;

class NodeKeyTest {

  @Example
  void anAddressKey_comesBackAsTheSameAddress() {
    Address address = Identities.address(1);
    NodeKey key = NodeKey.of(address);
    assertThat(key.toByteArray()).isEqualTo(address.publicKey().toByteArray());
    assertThat(key.toAddress()).isEqualTo(address);
    assertThat(NodeKey.copyOf(key.toByteArray())).isEqualTo(key).hasSameHashCodeAs(key);
  }

  @Example
  void bytesThatAreNoPoint_areAKey_butNoAddress() {
    byte[] notAPoint = new byte[32];
    Arrays.fill(notAPoint, (byte) 0xFF);
    NodeKey key = NodeKey.copyOf(notAPoint);
    assertThatThrownBy(key::toAddress).isInstanceOf(AddressFormatException.class);
  }

  @Example
  void otherSizes_refused() {
    assertThatThrownBy(() -> NodeKey.copyOf(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31 bytes");
    assertThatThrownBy(() -> NodeKey.copyOf(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void isImmutable_andPrintsAShortPrefix() {
    byte[] raw = new byte[32];
    raw[0] = (byte) 0xAB;
    NodeKey key = NodeKey.copyOf(raw);
    raw[0] = 0;
    key.toByteArray()[0] = 0;
    assertThat(key.toByteArray()[0]).isEqualTo((byte) 0xAB);
    assertThat(key).hasToString("ab00000000000000…");
    assertThat(key.compareTo(NodeKey.copyOf(new byte[32]))).isPositive();
  }
}
