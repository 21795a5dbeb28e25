package dev.parlor.system;

import dev.parlor.yjs.protocol.YMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw y-websocket client that can send headers (Authorization, Origin, X-Forwarded-For). */
final class AuthClient {
  /** Held so that it is not garbage collected: Vert.x closes an unreachable client's sockets. */
  private final WebSocketClient client;
  final WebSocket ws;
  final BlockingQueue<YMessage> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Short> closeCode = new CompletableFuture<>();

  private AuthClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.binaryMessageHandler(b -> received.add(YMessage.decode(b.getBytes())));
    ws.closeHandler(v -> closeCode.complete(ws.closeStatusCode()));
  }

  /** Connects, or throws the UpgradeRejectedException (status) or another failure. */
  static AuthClient connect(Vertx vertx, int port, String uri, Map<String, String> headers) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(16 << 20).setMaxMessageSize(16 << 20));
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
        .setAllowOriginHeader(headers.containsKey("origin"));
    headers.forEach(o::addHeader);
    try {
      return client.connect(o).map(ws -> new AuthClient(client, ws)).await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** The status a refused upgrade answered, or -1 when the upgrade was accepted. */
  static int status(Vertx vertx, int port, String uri, Map<String, String> headers) throws Exception {
    try {
      AuthClient c = connect(vertx, port, uri, headers);
      c.ws.close();
      return -1;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    }
  }

  void send(byte[] frame) {
    ws.writeBinaryMessage(Buffer.buffer(frame));
  }

  YMessage await(YMessage.Kind kind, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      YMessage m = left > 0 ? received.poll(left, TimeUnit.MILLISECONDS) : null;
      if (m == null) {
        throw new AssertionError("no " + kind + " within " + millis + " ms");
      }
      if (m.kind() == kind) {
        return m;
      }
    }
  }

  /** Whether a message of that kind arrives within the time (others are skipped). */
  boolean receives(YMessage.Kind kind, long millis) throws InterruptedException {
    try {
      await(kind, millis);
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  short awaitClose(long millis) throws Exception {
    return closeCode.get(millis, TimeUnit.MILLISECONDS);
  }
}
