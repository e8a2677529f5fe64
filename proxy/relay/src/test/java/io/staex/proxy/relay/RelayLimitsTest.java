package io.staex.proxy.relay;

import static io.staex.proxy.relay.RelayTest.address;
import static io.staex.proxy.relay.RelayTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.loop.Transports;
import io.staex.proxy.link.ParentConnector;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limits in {@link RelaySettings} reach the relay's server (127.0.0.1). */
class RelayLimitsTest {
  static final LinkCredentials RELAY = RelayTest.node(50);
  static final LinkCredentials CHILD = RelayTest.node(51);
  static final LinkCredentials CHILD2 = RelayTest.node(52);

  EventLoopGroup group;
  Relay relay;
  final List<ParentConnector> children = new ArrayList<>();

  @AfterEach
  void stop() {
    children.forEach(ParentConnector::close);
    if (relay != null) {
      relay.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  ParentConnector dial(LinkCredentials child) {
    ParentConnector c = ParentConnector.start(group, relay.localAddress(), address(RELAY), child,
        RelayTest.LINKS, RelayTest.QUICK, new RelayBackpressureTest.Sink());
    children.add(c);
    return c;
  }

  @Test
  void maxLinksOne_secondChildNeverLinksUp() throws Exception {
    group = Transports.newEventLoopGroup(2);
    relay = Relay.start(group, RELAY, RelayTestSettings.relay()
        .withBind(new InetSocketAddress("127.0.0.1", 0)).withMaxLinks(1).withLink(RelayTest.LINKS)
        .withBackoff(RelayTest.QUICK), Clock.systemUTC(), RelayTest.IGNORE);
    ParentConnector first = dial(CHILD);
    awaitTrue("first child up", Duration.ofSeconds(20), () -> first.link().isPresent()
        && relay.links().equals(Set.of(address(CHILD))));
    ParentConnector second = dial(CHILD2);
    // turned away, it redials every 20~200 ms: three dials, and it never was up
    awaitTrue("the second child dialled three times", Duration.ofSeconds(20), () -> {
      assertThat(second.link()).as("the second child's link").isEmpty();
      return second.counters().dials() >= 3;
    });
    assertThat(second.link()).isEmpty();
    assertThat(relay.links()).containsExactly(address(CHILD));
  }
}
