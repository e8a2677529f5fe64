package io.staex.proxy.rtsp.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Rewrites absolute {@code rtsp://} URLs between the address the player used (e.g. {@code
 * rtsp://127.0.0.1:8554}) and the addresses the camera knows itself by (the forward's target,
 * and e.g. the LAN address {@code rtsp://10.77.1.2:8555} that VLC's server writes into
 * Content-Base and every {@code a=control}). Only the authority ({@code host:port}) of a URL
 * changes; scheme, user info, path and everything around stay as written. URLs naming other
 * hosts are untouched; so is every byte the rules below do not name.
 *
 * <ul>
 *   <li>player → camera, requests: the request line's URI.
 *   <li>camera → player: Content-Base, Content-Location, Location, RTP-Info, {@code
 *       a=control:} lines of an SDP body (Content-Length follows the body), and the URI of a
 *       request the camera sends (e.g. GET_PARAMETER, ANNOUNCE).
 * </ul>
 *
 * <p>Immutable.
 */
public final class RtspUrls {
  private static final String[] URL_HEADERS =
      {"Content-Base", "Content-Location", "Location", "RTP-Info"};

  private final RtspAuthority player;
  private final String playerText;
  private final Set<RtspAuthority> camera;
  private final String cameraText;

  private RtspUrls(String playerText, String cameraText, Set<RtspAuthority> camera) {
    this.player = authority(playerText);
    this.playerText = authorityText(playerText);
    this.cameraText = authorityText(cameraText);
    this.camera = Set.copyOf(camera);
  }

  /**
   * Between {@code playerPrefix} and {@code cameraPrefix}, each {@code rtsp://host[:port]} as it
   * should be written (the player's as the player wrote it); a path after it is ignored, so a
   * request URI will do.
   */
  public static RtspUrls between(String playerPrefix, String cameraPrefix) {
    return new RtspUrls(playerPrefix, cameraPrefix, Set.of(authority(cameraPrefix)));
  }

  /**
   * Also treats {@code urlOrPrefix}'s authority as the camera's (responses rewritten from it);
   * e.g. a Content-Base whose host the camera chose. Unchanged when it is not an rtsp URL.
   */
  public RtspUrls withCameraAlias(String urlOrPrefix) {
    Set<RtspAuthority> set = new HashSet<>(camera);
    RtspAuthority.ofUrl(urlOrPrefix).ifPresent(set::add);
    return new RtspUrls(RtspAuthority.SCHEME + playerText, RtspAuthority.SCHEME + cameraText, set);
  }

  /** The request with its URI turned from the player's address to the camera's. */
  public RtspMessage toCamera(RtspMessage request) {
    if (!request.isRequest()) {
      return request;
    }
    String uri = replace(request.uri(), Set.of(player), cameraText);
    return uri.equals(request.uri()) ? request : request.withUri(uri);
  }

  /** The camera's message with the camera's URLs turned to the player's address. */
  public RtspMessage toPlayer(RtspMessage fromCamera) {
    UnaryOperator<String> f = s -> replace(s, camera, playerText);
    RtspMessage m = fromCamera;
    if (m.isRequest() && !f.apply(m.uri()).equals(m.uri())) {
      m = m.withUri(f.apply(m.uri()));
    }
    for (String name : URL_HEADERS) {
      m = m.mapHeaders(name, f);
    }
    return m.withBody(Sdp.mapControl(m.body(), f));
  }

  /** Every {@code rtsp://} URL in {@code text} naming one of {@code from} now names {@code to}. */
  static String replace(String text, Set<RtspAuthority> from, String to) {
    StringBuilder b = null;
    int done = 0;
    int at = indexOfScheme(text, 0);
    while (at >= 0) {
      int start = at + RtspAuthority.SCHEME.length();
      int end = RtspAuthority.authorityEnd(text, start);
      String written = text.substring(start, end);
      boolean match = RtspAuthority.parse(written).filter(from::contains).isPresent();
      if (match) {
        b = b == null ? new StringBuilder(text.length()) : b;
        b.append(text, done, start).append(userInfo(written)).append(to);
        done = end;
      }
      at = indexOfScheme(text, end);
    }
    return b == null ? text : b.append(text, done, text.length()).toString();
  }

  private static String userInfo(String authority) {
    return authority.substring(0, authority.lastIndexOf('@') + 1);
  }

  private static int indexOfScheme(String text, int from) {
    int n = RtspAuthority.SCHEME.length();
    for (int i = from; i + n <= text.length(); i++) {
      if (text.regionMatches(true, i, RtspAuthority.SCHEME, 0, n)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code [user@]host[:port]} as written in {@code prefix}, without scheme or path. */
  private static String authorityText(String prefix) {
    int start = RtspAuthority.SCHEME.length();
    return prefix.substring(start, RtspAuthority.authorityEnd(prefix, start));
  }

  private static RtspAuthority authority(String prefix) {
    return RtspAuthority.ofUrl(prefix).orElseThrow(() -> new IllegalArgumentException(
        "URL prefix: '" + prefix + "' (expected: rtsp://host[:port])"));
  }
}
