package io.staex.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.conf.ForwardConfig;
import io.staex.conf.HostPort;
import io.staex.conf.Target;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardsDiffTest {
  private static ForwardConfig fwd(int port, String to) {
    return new ForwardConfig(HostPort.parse("127.0.0.1:" + port), Target.parse(to));
  }

  @Test
  void sameSets_isEmpty() {
    Set<ForwardConfig> s = Set.of(fwd(8080, "camera1.staex:80"));
    assertThat(ForwardsDiff.of(s, s).isEmpty()).isTrue();
  }

  @Test
  void addedAndRemoved_areSeparated_unrelatedUntouched() {
    ForwardConfig kept = fwd(8080, "camera1.staex:80");
    ForwardConfig gone = fwd(8081, "camera2.staex:80");
    ForwardConfig fresh = fwd(8082, "camera3.staex:80");

    ForwardsDiff d = ForwardsDiff.of(Set.of(kept, gone), Set.of(kept, fresh));

    assertThat(d.added()).containsExactly(fresh);
    assertThat(d.removed()).containsExactly(gone);
  }

  @Test
  void changedTarget_isRemovedPlusAdded() {
    ForwardConfig before = fwd(8080, "camera1.staex:80");
    ForwardConfig after = fwd(8080, "camera1.staex:81");

    ForwardsDiff d = ForwardsDiff.of(Set.of(before), Set.of(after));

    assertThat(d.removed()).containsExactly(before);
    assertThat(d.added()).containsExactly(after);
  }

  @Test
  void fromNothing_allAdded() {
    ForwardConfig f = fwd(8080, "camera1.staex:80");
    assertThat(ForwardsDiff.of(Set.of(), Set.of(f)).added()).containsExactly(f);
    assertThat(ForwardsDiff.of(Set.of(f), Set.of()).removed()).containsExactly(f);
  }
}
