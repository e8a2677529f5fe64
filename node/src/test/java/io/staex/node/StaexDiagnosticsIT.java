package io.staex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.staex.testing.ExternalTool;
import io.staex.testing.ExternalTool.Result;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code staex ping}, {@code trace}, {@code resolve} and {@code metrics.listen} through the real
 * jar: the chain {@code leaf → relay → root} as three processes, asked as a user asks them, the
 * metrics scraped with curl and checked with Prometheus's own {@code promtool}.
 */
class StaexDiagnosticsIT extends ProcessTestBase {

  @Test
  void pingTraceResolveAndMetrics_throughARelay() throws Exception {
    Chain chain = chain();
    int metricsPort = freePort();
    int dnsPort = freePort();
    config("root", "listen = \"127.0.0.1:" + chain.rootPort() + "\"\n"
        + "  metrics { listen = \"127.0.0.1:" + metricsPort + "\" }");
    config("leaf", "parents = [ { address = \"127.0.0.1:" + chain.relayPort() + "\", key = \""
        + chain.relay() + "\" } ]\n  dns { listen = \"127.0.0.1:" + dnsPort + "\" }");
    run("root");
    run("relay");
    run("leaf");
    // three JVMs starting at once on a loaded machine: more than CONVERGE may pass
    awaitStatus("root", STARTUP, s -> s.contains("\"viewSize\":3"));
    awaitStatus("leaf", STARTUP, s -> s.contains("\"activeParent\":\"" + chain.relay() + "\""));

    // ping by name: two answers, two links crossed (leaf → relay → root)
    Result byName = staex("ping", "--config", "leaf.conf", "root", "-c", "2", "-i", "0.2");
    assertThat(byName.exitCode()).as(byName.describe()).isZero();
    assertThat(byName.stdout()).as(byName.describe())
        .contains("PING root (" + chain.root() + ") through the overlay")
        .contains("seq=1 hops=2").contains("seq=2 hops=2")
        .contains("2 sent, 2 answered, 0% loss, hops 2")
        .containsPattern("round trip min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+ ms");

    // by address, as JSON: one object per ping and a summary
    Result byAddress = staex("ping", "--config", "leaf.conf", chain.root() + ".staex", "-c", "1",
        "--json");
    assertThat(byAddress.exitCode()).as(byAddress.describe()).isZero();
    assertThat(byAddress.stdout()).as(byAddress.describe())
        .contains("\"address\":\"" + chain.root() + "\"").contains("\"result\":\"answered\"")
        .contains("\"hops\":2").contains("{\"sent\":1,\"answered\":1,\"loss_percent\":0");

    // an unknown name: exit 2, said so
    Result unknown = staex("ping", "--config", "leaf.conf", "nosuchnode", "-c", "1");
    assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(2);
    assertThat(unknown.stderr()).as(unknown.describe())
        .contains("unknown name 'nosuchnode': no trusted network has a node of that name");

    // a valid address that is in no view: the root says no route, the ping ends at once
    String stranger = staex("keygen", "--out", "stranger.key").assertSuccess().stdout().strip();
    Result unreachable = staex("ping", "--config", "leaf.conf", stranger, "-c", "1");
    assertThat(unreachable.exitCode()).as(unreachable.describe()).isEqualTo(1);
    assertThat(unreachable.stderr()).as(unreachable.describe())
        .contains("unreachable: no route to it");

    // trace: the leaf does not know the root (not in its subtree): up to its parent; then the
    // leaf asks (route explain, protocol 4): the relay hands it up too, and the root answers
    Result upward = staex("trace", "--config", "leaf.conf", "root");
    assertThat(upward.exitCode()).as(upward.describe()).isZero();
    assertThat(upward.stdout()).as(upward.describe())
        .contains("trace to root (" + chain.root() + "): up to the active parent")
        .contains(chain.relay()).contains("why: not in this node's view")
        .contains("asked " + chain.relay() + ": up to its active parent")
        .containsPattern("1  - +" + chain.root() + "  cost 1")
        .contains("asked " + chain.root() + ": that is the node itself")
        .doesNotContain("then: ");
    // a node no one has: the relay hands it up, the root has no route; exit 1
    Result nowhere = staex("trace", "--config", "leaf.conf", stranger, "--json");
    assertThat(nowhere.exitCode()).as(nowhere.describe()).isEqualTo(1);
    assertThat(nowhere.stdout()).as(nowhere.describe())
        .contains("\"result\":\"up\"")
        .contains("\"asked\":[{\"address\":\"" + chain.relay() + "\",\"result\":\"up\"")
        .contains("{\"address\":\"" + chain.root() + "\",\"result\":\"unreachable\"")
        .contains("\"complete\":true,\"final\":\"unreachable\"");
    // the relay's view has the leaf: the relay decides and asks no one (by address: a name
    // would fill the relay's name cache, and resolve below reads where its answer came from)
    Result toLeaf = staex("trace", "--config", "relay.conf", chain.leaf(), "--json");
    assertThat(toLeaf.stdout()).as(toLeaf.describe()).contains("\"result\":\"forward\"")
        .doesNotContain("\"asked\"");
    // the root knows the whole tree: the path down, hop by hop, with costs
    Result down = staex("trace", "--config", "root.conf", "leaf");
    assertThat(down.exitCode()).as(down.describe()).isZero();
    assertThat(down.stdout()).as(down.describe())
        .contains("trace to leaf (" + chain.leaf() + "): forward on a path of cost 2")
        .containsPattern("1  relay +" + chain.relay() + "  cost 1")
        .containsPattern("2  leaf +" + chain.leaf() + "  cost 1");
    Result json = staex("trace", "--config", "root.conf", chain.leaf(), "--json");
    assertThat(json.stdout()).as(json.describe()).contains("\"result\":\"forward\"")
        .contains("\"cost\":2");
    Result unknownTrace = staex("trace", "--config", "root.conf", "nosuchnode");
    assertThat(unknownTrace.exitCode()).as(unknownTrace.describe()).isEqualTo(2);

    // resolve: the relay has the leaf in its own view; the leaf asks up the tree, then caches
    Result inView = staex("resolve", "--config", "relay.conf", "leaf");
    assertThat(inView.exitCode()).as(inView.describe()).isZero();
    assertThat(inView.stdout()).as(inView.describe())
        .contains("leaf -> " + chain.leaf()).contains("from     this node's own routing view");
    Result lookedUp = staex("resolve", "--config", "leaf.conf", "relay.staex");
    assertThat(lookedUp.stdout()).as(lookedUp.describe()).contains("relay.staex -> " + chain.relay())
        .contains("from     a lookup up the tree")
        .contains("dns      none given out yet");
    String dig = ExternalTool.require("dig", "dnsutils").toString();
    Result a = ExternalTool.run(dir, Duration.ofSeconds(30), null, List.of(dig, "@127.0.0.1",
        "-p", Integer.toString(dnsPort), "relay.staex", "A", "+short"));
    String ip = a.assertSuccess().stdout().strip();
    Result cached = staex("resolve", "--config", "leaf.conf", "relay");
    assertThat(cached.stdout()).as(cached.describe()).contains("from     this node's name cache")
        .contains("dns      " + ip);
    Result missing = staex("resolve", "--config", "leaf.conf", "nosuchnode");
    assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(1);
    assertThat(missing.stderr()).contains("no trusted network has a node named 'nosuchnode'");

    // the root answered the leaf's three pings, and counts them
    String curl = ExternalTool.require("curl").toString();
    String url = "http://127.0.0.1:" + metricsPort + "/metrics";
    Result scrape = ExternalTool.run(dir, Duration.ofSeconds(30), null,
        List.of(curl, "-sS", "--fail", "-D", "headers.txt", url));
    String metrics = scrape.assertSuccess().stdout();
    assertThat(metrics).contains("staex_routes_known 3\n")
        .contains("staex_session_probe_answers_total{result=\"answered\"} 3\n")
        .contains("staex_session_probe_answers_total{result=\"limited\"} 0\n")
        .contains("jvm_memory_used_bytes{area=\"heap\"} ").contains("jvm_threads_current ")
        .contains("jvm_gc_collections_total{gc=")
        // the relay's states came up to the root as routing messages; none had to wait
        .containsPattern("staex_routing_messages_total\\{direction=\"in\"\\} [1-9]")
        .contains("staex_routing_messages_paced_total 0\n");
    assertThat(Files.readString(dir.resolve("headers.txt")))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    // the same counters as `staex status --metrics`
    assertThat(staex("status", "-c", "root.conf", "--metrics").assertSuccess().stdout())
        .contains("staex_session_probe_answers_total{result=\"answered\"} 3\n");
    String promtool = ExternalTool.require("promtool", "prometheus").toString();
    Result check = ExternalTool.run(dir, Duration.ofSeconds(30), metrics,
        List.of(promtool, "check", "metrics"));
    assertThat(check.exitCode()).as(check.describe()).isZero();
    Result notFound = ExternalTool.run(dir, Duration.ofSeconds(30), null,
        List.of(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}",
            "http://127.0.0.1:" + metricsPort + "/"));
    assertThat(notFound.stdout()).isEqualTo("404");
    Result post = ExternalTool.run(dir, Duration.ofSeconds(30), null,
        List.of(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", url));
    assertThat(post.stdout()).isEqualTo("405");
  }

  @Test
  void metricsOnAPublicAddress_needsAllowPublic() throws Exception {
    staex("network", "create", "--out", "network.key").assertSuccess();
    newNode("root");
    config("root", "metrics { listen = \"0.0.0.0:" + freePort() + "\" }");
    Result refused = staex("config", "check", "-c", "root.conf");
    assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(5);
    assertThat(refused.stdout() + refused.stderr()).as(refused.describe())
        .contains("metrics.listen").contains("is not a loopback address")
        .contains("metrics.allow-public = true");
    config("root", "metrics { listen = \"0.0.0.0:" + freePort() + "\", allow-public = true }");
    Result allowed = staex("config", "check", "-c", "root.conf");
    assertThat(allowed.exitCode()).as(allowed.describe()).isZero();
  }
}
