package io.staex.node.internal;

import io.staex.conf.ForwardConfig;
import io.staex.conf.NodeConfig;
import io.staex.conf.ServiceConfig;
import io.staex.proxy.socks.SocksSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What changed between the configuration a node runs and the one a reload read, sorted into
 * what the node applies live and what needs a restart ({@code docs/node.md}, "Reload").
 *
 * <p>Applied live: {@code forwards} (keyed by their listen address: same address with another
 * target or protocol is one changed), {@code services} (keyed by port: another target, allow list
 * or protocol is one changed), {@code socks} and {@code dns} (the server is started again, on a
 * new address when {@code listen} changed). Everything else that differs is listed in {@link
 * #needsRestart} by its config key, and the node keeps running with the old value.
 *
 * @param forwards the main file's forwards
 * @param services the exposed services
 * @param forwardsDir whether {@code forwards-dir} names another folder (or none)
 * @param socks whether the SOCKS5 settings differ (on, off, address, credentials)
 * @param dns whether the resolver's settings differ
 * @param needsRestart the keys that differ and are not applied until the next start
 */
public record ConfigDiff(Counts forwards, Counts services, boolean forwardsDir, boolean socks,
    boolean dns, List<String> needsRestart) {

  /**
   * Entries added, removed and changed in place.
   *
   * @param added keys only the new configuration has
   * @param removed keys only the old one has
   * @param changed keys both have, with different values
   */
  public record Counts(int added, int removed, int changed) {
    static final Counts NONE = new Counts(0, 0, 0);

    boolean isEmpty() {
      return added == 0 && removed == 0 && changed == 0;
    }

    @Override
    public String toString() {
      return "+" + added + " -" + removed + " ~" + changed;
    }
  }

  public ConfigDiff {
    Objects.requireNonNull(forwards, "forwards");
    Objects.requireNonNull(services, "services");
    needsRestart = List.copyOf(needsRestart);
  }

  /**
   * The difference from {@code before} to {@code after}; {@code certificateChanged} says
   * whether the certificate file's content differs (the path may be the same).
   */
  public static ConfigDiff of(NodeConfig before, NodeConfig after, boolean certificateChanged) {
    List<String> restart = new ArrayList<>();
    restartIf(restart, "staex.key", !before.key().equals(after.key()));
    restartIf(restart, "staex.cert", certificateChanged || !before.cert().equals(after.cert()));
    restartIf(restart, "staex.trust", !before.trust().equals(after.trust()));
    restartIf(restart, "staex.listen", !before.listen().equals(after.listen()));
    restartIf(restart, "staex.parents", !before.parents().equals(after.parents()));
    restartIf(restart, "staex.threads", before.threads() != after.threads());
    restartIf(restart, "staex.routing/limits (relay)", !before.relay().equals(after.relay()));
    restartIf(restart, "staex.sessions/limits (sessions)",
        !before.sessions().equals(after.sessions()));
    restartIf(restart, "staex.limits (streams)", !before.streams().equals(after.streams()));
    restartIf(restart, "staex.control", !before.control().equals(after.control()));
    restartIf(restart, "staex.log.level", !before.logLevel().equals(after.logLevel()));
    restartIf(restart, "staex.log.format", !before.logFormat().equals(after.logFormat()));
    restartIf(restart, "staex.metrics", !before.metrics().equals(after.metrics()));
    restartIf(restart, "staex.socks.exit", !before.socksExits().equals(after.socksExits()));
    restartIf(restart, "staex.http-proxy", !before.httpProxy().equals(after.httpProxy()));
    restartIf(restart, "staex.exit", !before.exit().equals(after.exit()));
    return new ConfigDiff(
        counts(before.forwards(), after.forwards(), ForwardConfig::listen),
        counts(before.services(), after.services(), ServiceConfig::port),
        !before.forwardsDir().equals(after.forwardsDir()),
        !sameSocks(before.socks(), after.socks()),
        !before.dns().equals(after.dns()),
        restart);
  }

  private static void restartIf(List<String> out, String key, boolean differs) {
    if (differs) {
      out.add(key);
    }
  }

  private static <T, K> Counts counts(List<T> before, List<T> after, Function<T, K> key) {
    Map<K, T> old = new LinkedHashMap<>();
    before.forEach(t -> old.put(key.apply(t), t));
    Set<K> seen = new HashSet<>();
    int added = 0;
    int changed = 0;
    for (T t : after) {
      K k = key.apply(t);
      seen.add(k);
      T was = old.get(k);
      if (was == null) {
        added++;
      } else if (!was.equals(t)) {
        changed++;
      }
    }
    int removed = (int) old.keySet().stream().filter(k -> !seen.contains(k)).count();
    return new Counts(added, removed, changed);
  }

  /** SOCKS settings compared with their credentials' content (they have no {@code equals}). */
  private static boolean sameSocks(Optional<SocksSettings> a, Optional<SocksSettings> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() == b.isEmpty();
    }
    SocksSettings x = a.get();
    SocksSettings y = b.get();
    if (!x.listen().equals(y.listen())) {
      return false;
    }
    if (x.credentials().isEmpty() || y.credentials().isEmpty()) {
      return x.credentials().isEmpty() == y.credentials().isEmpty();
    }
    return x.credentials().get().sameAs(y.credentials().get());
  }

  /**
   * This diff's live changes with {@code restart}'s keys that need a restart: a node compares
   * the running values with the new ones for the first, and the values it started with for the
   * second (a key that needs a restart still does after a second reload).
   */
  public ConfigDiff withNeedsRestart(ConfigDiff restart) {
    return new ConfigDiff(forwards, services, forwardsDir, socks, dns, restart.needsRestart());
  }

  /** Whether the new configuration changes nothing at all. */
  public boolean isEmpty() {
    return forwards.isEmpty() && services.isEmpty() && !forwardsDir && !socks && !dns && needsRestart.isEmpty();
  }

  /**
   * One line for the operator: what was applied, what needs a restart, what stayed, e.g.
   * {@code forwards: +1 -0 ~0; services: +0 -1 ~0; socks: applied; unchanged: dns, forwards-dir;
   * needs restart: staex.parents}.
   */
  public String summary() {
    List<String> parts = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    part(parts, unchanged, "forwards", forwards.isEmpty() ? null : forwards.toString());
    part(parts, unchanged, "services", services.isEmpty() ? null : services.toString());
    part(parts, unchanged, "forwards-dir", forwardsDir ? "watched anew" : null);
    part(parts, unchanged, "socks", socks ? "applied" : null);
    part(parts, unchanged, "dns", dns ? "restarted" : null);
    if (!unchanged.isEmpty()) {
      parts.add("unchanged: " + String.join(", ", unchanged));
    }
    parts.add("needs restart: " + (needsRestart.isEmpty() ? "nothing"
        : String.join(", ", needsRestart)));
    return String.join("; ", parts);
  }

  private static void part(List<String> parts, List<String> unchanged, String name,
      String change) {
    if (change == null) {
      unchanged.add(name);
    } else {
      parts.add(name + ": " + change);
    }
  }
}
