package io.staex.proxy.httpproxy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP proxy door since start.
 *
 * @param accepted clients accepted
 * @param shed clients closed at once: too many pending ({@code max-pending-handshakes})
 * @param requests request heads read within the limits (answered or bridged; a head that does
 *     not decode or is too large counts in {@code bad} or {@code tooLarge} only)
 * @param connects CONNECT requests bridged to a stream
 * @param absolute absolute-URI requests ({@code GET http://…}) forwarded over a stream
 * @param pac PAC files served
 * @param forbidden requests answered 403: outside .staex with no exit, an allow list, the
 *     exit's policy
 * @param authRequired requests answered 407: no or wrong {@code Proxy-Authorization}
 * @param badGateway requests answered 502: no such node, no exit, refused, unreachable
 * @param gatewayTimeout requests answered 504: the stream was not accepted in time
 * @param tooLarge requests answered 431 or 414 (header bytes, header count, request line)
 * @param bad requests answered 400, 405 or 411
 */
public record HttpProxyCounters(long accepted, long shed, long requests, long connects,
    long absolute, long pac, long forbidden, long authRequired, long badGateway,
    long gatewayTimeout, long tooLarge, long bad) {
  public static final HttpProxyCounters NONE =
      new HttpProxyCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Refusals by status code, {@code "403"}, {@code "407"}, {@code "502"}, {@code "504"}. */
  public Map<String, Long> refused() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("403", forbidden);
    m.put("407", authRequired);
    m.put("502", badGateway);
    m.put("504", gatewayTimeout);
    return m;
  }

  /** Every refusal (403, 407, 502, 504). */
  public long refusedTotal() {
    return forbidden + authRequired + badGateway + gatewayTimeout;
  }
}
