package io.staex.proxy.rtsp.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs responses with the requests they answer, by CSeq, so that e.g. the reply to a SETUP
 * can have its Transport rewritten; and remembers the last Session id a response named.
 * Holds at most {@value #MAX_PENDING} unanswered requests (the oldest is forgotten first).
 * Not safe for concurrent use.
 */
public final class RtspExchanges {
  /** Unanswered requests remembered; players send one or two at a time. */
  public static final int MAX_PENDING = 32;

  /** What a request asked, as the camera saw it. */
  public record Request(String method, String uri, Optional<String> transport) {}

  private final Map<String, Request> pending = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Request> eldest) {
      return size() > MAX_PENDING;
    }
  };
  private String session = "";

  /** Notes a request on its way; one without CSeq cannot be answered and is not noted. */
  public void sent(RtspMessage request) {
    if (request.isRequest()) {
      request.cseq().ifPresent(c -> pending.put(c, new Request(request.method(), request.uri(),
          request.header("Transport"))));
    }
  }

  /** The request {@code response} answers (forgotten from now on), or empty if unknown. */
  public Optional<Request> answered(RtspMessage response) {
    if (response.isRequest()) {
      return Optional.empty();
    }
    response.header("Session").map(RtspExchanges::sessionId).filter(s -> !s.isEmpty())
        .ifPresent(s -> session = s);
    return response.cseq().map(pending::remove);
  }

  /** The last session id a response named (without {@code ;timeout=}), or "". */
  public String session() {
    return session;
  }

  /** How many requests wait for an answer. */
  public int pending() {
    return pending.size();
  }

  static String sessionId(String value) {
    int semi = value.indexOf(';');
    return (semi < 0 ? value : value.substring(0, semi)).strip();
  }
}
