package io.staex.node.internal;

import java.io.FileNotFoundException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * What an I/O failure means, in words an operator reads: {@code address already in use}, {@code
 * connection refused}, {@code no such file or folder} — never a Java or Netty class name (they
 * stay in the debug log with the stack trace).
 */
public final class Failures {
  private Failures() {}

  /** One short phrase for {@code e}, from the most telling cause in its chain. */
  public static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String known = known(t);
      if (known != null) {
        return known;
      }
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return words(e.getClass().getSimpleName());
    }
    return stripClassNames(message);
  }

  private static String known(Throwable t) {
    String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    if (t instanceof BindException || m.contains("address already in use")) {
      return "address already in use";
    }
    if (m.contains("cannot assign requested address")) {
      return "not an address of this machine";
    }
    if (m.contains("permission denied") && m.contains("bind")) {
      return "permission denied (ports below 1024 need privileges)";
    }
    if ((t instanceof ConnectException && m.contains("refused")) || m.contains("connection refused")) {
      return "connection refused";
    }
    if (t instanceof SocketTimeoutException || t.getClass().getSimpleName()
        .equals("ConnectTimeoutException") || m.contains("timed out")) {
      return "timed out";
    }
    if (t instanceof NoRouteToHostException || m.contains("no route to host")) {
      return "no route to host";
    }
    if (m.contains("network is unreachable")) {
      return "network unreachable";
    }
    if (m.contains("connection reset")) {
      return "connection reset by peer";
    }
    if (t instanceof UnknownHostException) {
      return "host does not resolve";
    }
    if (t instanceof ClosedChannelException) {
      return "connection closed";
    }
    if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
      return "no such file or folder";
    }
    if (t instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (t instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return null;
  }

  /** {@code java.io.IOException: x} becomes {@code x}. */
  private static String stripClassNames(String message) {
    return message.replaceAll("\\b(?:[a-z]+\\.)+[A-Z]\\w*(?:\\$\\w+)*: ", "");
  }

  /** {@code ConnectTimeoutException} becomes {@code connect timeout}. */
  private static String words(String className) {
    String base = className.replaceAll("(Exception|Error)$", "");
    return base.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).strip();
  }
}
