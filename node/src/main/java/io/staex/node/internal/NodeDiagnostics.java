package io.staex.node.internal;

import io.staex.crypto.Address;
import io.staex.crypto.AddressFormatException;
import io.staex.crypto.Certificate;
import io.staex.node.internal.control.Diagnostics;
import io.staex.node.internal.control.Json;
import io.staex.proxy.names.CertifiedNames;
import io.staex.proxy.names.NameResult;
import io.staex.proxy.relay.Relay;
import io.staex.proxy.session.PingResult;
import io.staex.proxy.session.Sessions;
import io.staex.resolver.AddressPool;
import io.staex.routing.Route;
import io.staex.routing.RoutingMessage;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The node's answers to {@code staex ping}, {@code trace} and {@code resolve} (control socket,
 * {@code docs/node.md}, Diagnostics): each one JSON object, {@code result} first.
 *
 * <p>A target is a node address (with or without {@code .staex}) or a certified name (with or
 * without {@code .staex}), resolved as the SOCKS proxy and the DNS resolver resolve it.
 */
public final class NodeDiagnostics implements Diagnostics {
  /** How long a name lookup may take beyond the node's own timeout before we give up waiting. */
  private static final long MARGIN_MILLIS = 2000;

  private final Address self;
  private final Relay relay;
  private final Sessions sessions;
  private final CertifiedNames names;
  /** The resolver's pool now: a reload may start, stop or move the resolver. */
  private final Supplier<Optional<AddressPool>> pool;
  private final Duration lookupTimeout;

  /**
   * Diagnostics of the node {@code self}.
   *
   * @param pool the DNS resolver's address pool now (asked at each query: a reload may start,
   *     stop or replace it); empty when the resolver is off
   * @param lookupTimeout how long {@code names} waits for the tree's answers
   */
  public NodeDiagnostics(Address self, Relay relay, Sessions sessions, CertifiedNames names,
      Supplier<Optional<AddressPool>> pool, Duration lookupTimeout) {
    this.self = self;
    this.relay = relay;
    this.sessions = sessions;
    this.names = names;
    this.pool = pool;
    this.lookupTimeout = lookupTimeout;
  }

  /** A target resolved: its address and the name it was given by, if any. */
  private record Target(Address address, Optional<String> name) {}

  /** What a target is, or a finished JSON answer saying why it is none. */
  private record Resolved(Target target, String failure) {}

  @Override
  public String ping(String target, long timeoutMillis) {
    Resolved r = resolveTarget(target);
    if (r.failure() != null) {
      return r.failure();
    }
    Address peer = r.target().address();
    Json j = start(r.target());
    if (peer.equals(self)) {
      return j.member("result", "failed").member("reason", "self")
          .member("message", "that is this node").endObject() + "\n";
    }
    PingResult result = await(sessions.ping(peer, Duration.ofMillis(timeoutMillis)),
        timeoutMillis + MARGIN_MILLIS).orElse(new PingResult.TimedOut());
    if (result instanceof PingResult.Answered a) {
      j.member("result", "answered").member("rtt_us", TimeUnit.NANOSECONDS.toMicros(a.rttNanos()))
          .member("hops", a.hops()).member("handshake", a.handshake());
    } else if (result instanceof PingResult.Failed f) {
      String reason = f.end() == null ? "no_session" : f.end().name().toLowerCase(Locale.ROOT);
      j.member("result", "failed").member("reason", reason)
          .member("message", pingFailure(f));
    } else {
      j.member("result", "timeout").member("message", "no answer within " + timeoutMillis
          + " ms");
    }
    return j.endObject() + "\n";
  }

  private static String pingFailure(PingResult.Failed f) {
    if (f.end() == null) {
      return f.why();
    }
    return switch (f.end()) {
      case REFUSED, UNTRUSTED -> "not allowed: the session was refused (the node does not trust"
          + " this one, or this one does not trust it)";
      case UNREACHABLE -> "unreachable: no route to it (it is not in the network now)";
      case TIMEOUT -> "no answer to the session handshake (is the node up?)";
      case LIMIT -> "refused: session limits reached";
      case REVOKED -> "not allowed: its certificate is revoked";
      case EXPIRED -> "not allowed: its certificate expired";
      default -> "session ended: " + f.end().name().toLowerCase(Locale.ROOT);
    };
  }

  @Override
  public String trace(String target) {
    Resolved r = resolveTarget(target);
    if (r.failure() != null) {
      return r.failure();
    }
    Relay.Explanation e = relay.explain(r.target().address());
    Json j = start(r.target());
    Route route = e.route();
    if (route instanceof Route.Local) {
      j.member("result", "local").member("why", "that is this node");
    } else if (route instanceof Route.Forward) {
      j.member("result", "forward").member("cost", e.cost()).member("next_hop_up", e.nextHopUp())
          .member("why", "in this node's view (" + e.viewSize() + " states: its subtree, or the"
              + " whole network at the root): the shortest path over the signed states, sent as"
              + " a source route that the relays follow"
              + (e.nextHopUp() ? "" : "; but the link to the first hop is down now"));
    } else if (route instanceof Route.Up) {
      j.member("result", "up").member("next_hop_up", e.nextHopUp())
          .member("why", "not in this node's view (" + e.viewSize() + " states): handed to the"
              + " active parent, which decides with its larger view (the root knows every node)");
    } else {
      j.member("result", "unreachable").member("why", "not in this node's view and no parent"
          + " up (this node is the root, or cut off): the sender is told NO_ROUTE");
    }
    j.name("hops").beginArray();
    for (Relay.Hop h : e.hops()) {
      j.beginObject().member("address", h.node().toString());
      if (h.name().isPresent()) {
        j.member("name", h.name().get());
      }
      j.member("cost", h.cost()).endObject();
    }
    j.endArray();
    if (route instanceof Route.Up) {
      asked(j, r.target().address());
    }
    return j.endObject() + "\n";
  }

  /**
   * The decisions of the nodes up the tree ({@code Relay.explainUp}, {@code docs/node.md}
   * Diagnostics): {@code asked} with one object per node, nearest first, {@code complete}, and
   * {@code final}, the last decision ({@code no_answer} when none came).
   */
  private void asked(Json j, Address target) {
    Relay.ExplainTrail trail = await(relay.explainUp(target, lookupTimeout),
        lookupTimeout.toMillis() + MARGIN_MILLIS)
        .orElse(new Relay.ExplainTrail(java.util.List.of(), false));
    String last = "no_answer";
    j.name("asked").beginArray();
    for (RoutingMessage.ExplainAnswer a : trail.answers()) {
      last = switch (a.decision()) {
        case FORWARD -> "forward";
        case UP -> "up";
        case LOCAL -> "local";
        case NO_ROUTE -> "unreachable";
      };
      j.beginObject().member("address", a.answerer().toString()).member("result", last);
      if (a.decision() == RoutingMessage.ExplainAnswer.Decision.FORWARD) {
        j.member("cost", a.cost());
      }
      j.member("why", switch (a.decision()) {
        case FORWARD -> "in its view: the shortest path over the signed states, sent as a"
            + " source route";
        case UP -> "not in its view (or not a node of this node's network): handed to its"
            + " active parent";
        case LOCAL -> "that is the node itself";
        case NO_ROUTE -> "not in its view and no parent up (the root): the sender is told"
            + " NO_ROUTE";
      });
      j.name("hops").beginArray();
      for (RoutingMessage.ExplainHop h : a.hops()) {
        j.beginObject().member("address", h.node().toString());
        if (h.name().isPresent()) {
          j.member("name", h.name().get());
        }
        j.member("cost", h.cost()).endObject();
      }
      j.endArray().endObject();
    }
    j.endArray().member("complete", trail.complete()).member("final", last);
    if (!trail.complete()) {
      j.member("asked_why", "no further answer within " + lookupTimeout.toMillis() + " ms"
          + " (a node on the way over its explain rate, of an older version, or gone)");
    }
  }

  @Override
  public String resolve(String name) {
    String label = stripDomain(name.strip()).toLowerCase(Locale.ROOT);
    Json j = new Json().beginObject().member("name", printable(name));
    String problem = Certificate.nameProblem(label);
    if (problem != null) {
      return j.member("result", "not_a_name").member("message", "'" + printable(name)
          + "' is not a certified name: " + problem).endObject() + "\n";
    }
    boolean cached = names.isCached(label);
    Optional<NameResult> found = await(names.resolve(label),
        lookupTimeout.toMillis() + MARGIN_MILLIS);
    if (found.isEmpty() || found.get() instanceof NameResult.NotFound) {
      return j.member("result", "not_found").member("message", "no trusted network has a node"
          + " named '" + label + "' (or no answer came in time)").endObject() + "\n";
    }
    if (found.get() instanceof NameResult.Ambiguous a) {
      j.member("result", "ambiguous").member("message", "several trusted networks certify '"
          + label + "': refused");
      j.name("networks").beginArray();
      a.networks().forEach(n -> j.value(n.toString()));
      return j.endArray().endObject() + "\n";
    }
    NameResult.Found f = (NameResult.Found) found.get();
    String source = cached ? "cache" : relay.knows(f.node()) ? "view" : "lookup";
    j.member("result", "found").member("address", f.node().toString())
        .member("network", f.network().toString()).member("source", source)
        .member("source_text", switch (source) {
          case "cache" -> "this node's name cache (answers of the last "
              + CertifiedNames.CACHE_TTL.toSeconds() + " s)";
          case "view" -> "this node's own routing view (the node is in its subtree)";
          default -> "a lookup up the tree (answered by a node above whose view has it)";
        });
    Optional<AddressPool> running = pool.get();
    Optional<Inet4Address> ip = running.flatMap(p -> p.peek(f.node()));
    if (running.isPresent()) {
      j.member("dns_address", ip.map(Inet4Address::getHostAddress).orElse("-"));
    }
    return j.endObject() + "\n";
  }

  /** {@code target} as an address or a certified name, or the answer saying what is wrong. */
  private Resolved resolveTarget(String target) {
    String bare = stripDomain(target.strip());
    if (bare.length() == Address.TEXT_LENGTH) {
      try {
        return new Resolved(new Target(Address.parse(bare), Optional.empty()), null);
      } catch (AddressFormatException e) {
        return new Resolved(null, failure(target, "bad_address", e.getMessage()));
      }
    }
    String label = bare.toLowerCase(Locale.ROOT);
    String problem = Certificate.nameProblem(label);
    if (problem != null) {
      return new Resolved(null, failure(target, "bad_target", "'" + printable(target)
          + "' is neither an address nor a certified name (" + problem + ")"));
    }
    Optional<NameResult> r = await(names.resolve(label), lookupTimeout.toMillis() + MARGIN_MILLIS);
    if (r.isPresent() && r.get() instanceof NameResult.Found f) {
      return new Resolved(new Target(f.node(), Optional.of(label)), null);
    }
    if (r.isPresent() && r.get() instanceof NameResult.Ambiguous) {
      return new Resolved(null, failure(target, "ambiguous_name", "several trusted networks"
          + " certify '" + label + "': refused"));
    }
    return new Resolved(null, failure(target, "unknown_name", "unknown name '" + label
        + "': no trusted network has a node of that name (or no answer came in time)"));
  }

  private static String failure(String target, String result, String message) {
    return new Json().beginObject().member("target", printable(target)).member("result", result)
        .member("message", message).endObject() + "\n";
  }

  private static Json start(Target t) {
    Json j = new Json().beginObject().member("address", t.address().toString());
    t.name().ifPresent(n -> j.member("name", n));
    return j;
  }

  private static <T> Optional<T> await(CompletableFuture<T> f, long millis) {
    try {
      return Optional.ofNullable(f.get(millis, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
  }

  private static String stripDomain(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    for (String suffix : new String[] {"." + Address.DOMAIN + ".", "." + Address.DOMAIN}) {
      if (lower.endsWith(suffix)) {
        return s.substring(0, s.length() - suffix.length());
      }
    }
    return s;
  }

  /** At most 100 characters, control characters as {@code ?}. */
  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }
}
