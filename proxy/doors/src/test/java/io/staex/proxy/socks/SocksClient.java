package io.staex.proxy.socks;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A SOCKS5 client written byte by byte from RFC 1928 and RFC 1929, for the tests. */
final class SocksClient implements AutoCloseable {
  static final int CONNECT = 1;
  static final int BIND = 2;
  static final int UDP_ASSOCIATE = 3;

  final Socket socket;
  final DataInputStream in;

  SocksClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
  }

  static byte[] greeting(int... methods) {
    byte[] b = new byte[2 + methods.length];
    b[0] = 5;
    b[1] = (byte) methods.length;
    for (int i = 0; i < methods.length; i++) {
      b[2 + i] = (byte) methods[i];
    }
    return b;
  }

  static byte[] request(int command, String host, int port) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(5);
    b.write(command);
    b.write(0);
    byte[] ip = ipv4(host);
    if (ip != null) {
      b.write(1);
      b.writeBytes(ip);
    } else {
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      b.write(3);
      b.write(name.length);
      b.writeBytes(name);
    }
    b.write(port >> 8);
    b.write(port);
    return b.toByteArray();
  }

  private static byte[] ipv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4 || !host.matches("[0-9]+(\\.[0-9]+){3}")) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) Integer.parseInt(parts[i]);
    }
    return b;
  }

  static byte[] password(String user, String password) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(1);
    byte[] u = user.getBytes(StandardCharsets.UTF_8);
    byte[] p = password.getBytes(StandardCharsets.UTF_8);
    b.write(u.length);
    b.writeBytes(u);
    b.write(p.length);
    b.writeBytes(p);
    return b.toByteArray();
  }

  void send(byte[]... parts) throws IOException {
    for (byte[] p : parts) {
      socket.getOutputStream().write(p);
    }
    socket.getOutputStream().flush();
  }

  /** Reads a method choice (2 bytes) and returns the method. */
  int method() throws IOException {
    byte[] b = new byte[2];
    in.readFully(b);
    return b[1] & 0xFF;
  }

  /** Reads a reply (IPv4 bound address, as this server sends) and returns its code. */
  int reply() throws IOException {
    byte[] b = new byte[10];
    in.readFully(b);
    if (b[0] != 5 || b[3] != 1) {
      throw new IOException("not a SOCKS5 IPv4 reply: " + java.util.Arrays.toString(b));
    }
    return b[1] & 0xFF;
  }

  /** Greets without authentication, asks to CONNECT, returns the reply code. */
  int connect(String host, int port) throws IOException {
    send(greeting(0), request(CONNECT, host, port));
    if (method() != 0) {
      throw new IOException("method refused");
    }
    return reply();
  }

  /** Whether the server closed the connection (EOF or reset) within the socket timeout. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
