package io.staex.node.internal.control;

import static io.staex.node.internal.control.StatusFixture.CHILD;
import static io.staex.node.internal.control.StatusFixture.PARENT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What status says about a parent that is down, each link, and the node's certificate. */
class StatusExplainsTest {
  @Test
  void text_saysWhyTheParentIsDown_andEachLinksAgeBytesAndPeerCertificate() {
    String text = StatusText.render(StatusFixture.parentDown());

    assertThat(text).contains("  parent " + PARENT.shortText() + " down: connection refused (4s"
        + " ago); last dial 5s ago, next in 20s\n");
    String childRow = text.lines().filter(l -> l.startsWith("  " + CHILD.shortText()))
        .findFirst().orElseThrow();
    assertThat(childRow).contains("1m30s").contains("5000").contains("7000")
        .contains("2027-01-01 00:00:00Z");
    assertThat(text).contains("cert      valid until 2027-02-06 03:04:05Z (400d00h00m left)\n")
        .doesNotContain("WARNING");
  }

  @Test
  void text_warnsOfTheOwnCertificatesEnd() {
    assertThat(StatusText.render(StatusFixture.busy()))
        .contains("cert      valid until 2026-01-12 03:04:05Z (10d00h00m left)\n"
            + "  WARNING: certificate of this node expires in 10 days\n");
  }

  @Test
  void json_hasTheDialAndTheLinkTimes() {
    String json = StatusJson.render(StatusFixture.parentDown());

    assertThat(json)
        .contains("\"lastAttempt\":\"2026-01-02T03:04:00Z\",\"lastError\":\"connection refused\","
            + "\"lastErrorAt\":\"2026-01-02T03:04:01Z\",\"nextAttempt\":\"2026-01-02T03:04:25Z\"")
        .contains("\"bytesIn\":5000,\"bytesOut\":7000,\"upSince\":\"2026-01-02T03:02:35Z\","
            + "\"peerCertNotAfter\":\"2027-01-01T00:00:00Z\"")
        .contains("\"certificate\":{\"notAfter\":\"2027-02-06T03:04:05Z\",\"expirySeconds\":"
            + 86_400L * 400 + ",\"warning\":null}");
  }

  @Test
  void metrics_haveCertificateExpiryLinkBytesAndParentState() {
    String metrics = StatusMetrics.render(StatusFixture.busy());

    assertThat(metrics).contains("# TYPE staex_cert_expiry_seconds gauge\n"
        + "staex_cert_expiry_seconds 864000\n")
        .contains("staex_link_bytes_total{peer=\"" + PARENT + "\",direction=\"in\"} 1234\n")
        .contains("staex_link_bytes_total{peer=\"" + PARENT + "\",direction=\"out\"} 99\n")
        .contains("staex_parent_up{peer=\"" + PARENT + "\"} 1\n");
  }
}
