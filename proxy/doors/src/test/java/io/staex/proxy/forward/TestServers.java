package io.staex.proxy.forward;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;

/**
 * Plain blocking TCP servers standing in for devices behind a gateway: an echo server that
 * answers until EOF and then half-closes, and a source that sends as many deterministic bytes
 * as asked for.
 */
final class TestServers {
  private TestServers() {}

  /** A server on 127.0.0.1 handling each connection on a thread of its own. */
  static final class Server implements AutoCloseable {
    final ServerSocket socket;

    Server(Handler handler) throws IOException {
      socket = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            Thread h = new Thread(() -> {
              try (s) {
                handler.handle(s);
              } catch (IOException e) {
                // the client went away: nothing to do
              }
            }, "test-server-conn");
            h.setDaemon(true);
            h.start();
          } catch (IOException e) {
            return;
          }
        }
      }, "test-server");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  interface Handler {
    void handle(Socket s) throws IOException;
  }

  /** Echoes until EOF, then shuts its output down (so half-closing clients get everything). */
  static Server echo() throws IOException {
    return new Server(s -> {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
      s.shutdownOutput();
    });
  }

  /** Reads an 8-byte length and a seed, sends that many bytes of {@link #fill}, closes. */
  static Server source() throws IOException {
    return new Server(s -> {
      DataInputStream in = new DataInputStream(s.getInputStream());
      long length = in.readLong();
      long seed = in.readLong();
      OutputStream out = s.getOutputStream();
      Random r = new Random(seed);
      byte[] buf = new byte[64 * 1024];
      for (long left = length; left > 0; ) {
        int n = (int) Math.min(buf.length, left);
        fill(r, buf, n);
        out.write(buf, 0, n);
        left -= n;
      }
      s.shutdownOutput();
    });
  }

  /** The bytes {@link #source} sends, chunk by chunk, for {@code seed}. */
  static void fill(Random r, byte[] buf, int n) {
    for (int i = 0; i < n; i += 8) {
      long v = r.nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) {
        buf[i + j] = (byte) (v >>> (8 * j));
      }
    }
  }
}
