package io.staex.node.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP echo server on an ephemeral loopback port, a thread per connection: the service a
 * victim's streams reach in attack tests. {@link #roundTrip} is the client side: it proves a
 * stream through a forward works end to end.
 */
public final class EchoServer implements AutoCloseable {
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  public EchoServer() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(this::accept, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(s);
      Thread t = new Thread(() -> echo(s), "echo");
      t.setDaemon(true);
      t.start();
    }
  }

  private void echo(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[16 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      open.remove(s);
    }
  }

  /**
   * Opens a connection to {@code port} (a forward on loopback), sends {@code size} random bytes
   * and reads them back within {@code timeout}.
   *
   * @throws AssertionError if the connection fails, times out or the bytes differ
   */
  public static void roundTrip(int port, int size, Duration timeout, Random random) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
          (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      exchange(s, data);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no echo of " + size + " bytes through port " + port
          + " within " + timeout, e);
    } catch (IOException e) {
      throw new AssertionError("stream through port " + port + " failed: " + e, e);
    }
  }

  /** Writes {@code data} on {@code s} and reads it back (its read timeout applies). */
  public static void exchange(Socket s, byte[] data) throws IOException {
    s.getOutputStream().write(data);
    s.getOutputStream().flush();
    byte[] back = s.getInputStream().readNBytes(data.length);
    if (!Arrays.equals(back, data)) {
      throw new IOException("echo differs: " + back.length + " of " + data.length
          + " bytes came back" + (back.length == data.length ? ", changed" : ""));
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
