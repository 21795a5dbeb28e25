package dev.parlor.system;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client that completes the handshake and then does not read, with a tiny receive
 * buffer, as a stalled browser tab would; afterwards it can read on to find the close frame.
 */
final class StalledClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;

  private StalledClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  static StalledClient connect(int port, String path) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StalledClient c = new StalledClient(s);
    String status = c.readLine();
    if (!status.contains(" 101 ")) {
      throw new IOException("upgrade refused: " + status);
    }
    while (!c.readLine().isEmpty()) {
      // skip the response headers
    }
    return c;
  }

  private String readLine() throws IOException {
    StringBuilder b = new StringBuilder();
    int ch;
    while ((ch = in.read()) != '\n') {
      if (ch < 0) {
        throw new IOException("connection closed during handshake");
      }
      if (ch != '\r') {
        b.append((char) ch);
      }
    }
    return b.toString();
  }

  /** Reads frames (discarding data) until the server's close frame; returns its status code. */
  int readUntilClose(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] payload = in.readNBytes((int) len);
        if ((b0 & 0x0f) == 8) {
          return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no close frame within " + timeoutMillis + " ms");
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
