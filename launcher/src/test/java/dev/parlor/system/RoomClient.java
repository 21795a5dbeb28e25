package dev.parlor.system;

import dev.parlor.yjs.protocol.YMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw y-websocket client for tests: sends frames (and, for access tests, headers such as
 * Authorization, Origin, X-Forwarded-For), collects what the server sends and how it closed.
 */
final class RoomClient {
  /** Held so that it is not garbage collected: Vert.x closes an unreachable client's sockets. */
  private final WebSocketClient client;
  final ClientWebSocket ws;
  final BlockingQueue<YMessage> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Short> closeCode = new CompletableFuture<>();
  volatile String closeReason;

  private RoomClient(WebSocketClient client) {
    this.client = client;
    // Handlers are set before the socket connects: the server's first frame (its sync step 1) can
    // arrive before a handler set once the connect future completes, and would be dropped.
    this.ws = client.webSocket();
    ws.binaryMessageHandler(b -> received.add(YMessage.decode(b.getBytes())));
    ws.closeHandler(v -> {
      closeReason = ws.closeReason();
      closeCode.complete(ws.closeStatusCode());
    });
  }

  static RoomClient connect(Vertx vertx, int port, String path) throws Exception {
    return connect(vertx, port, path, Map.of());
  }

  /** Connects, or throws the UpgradeRejectedException (status) or another failure. */
  static RoomClient connect(Vertx vertx, int port, String uri, Map<String, String> headers) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(16 << 20).setMaxMessageSize(16 << 20));
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
        .setAllowOriginHeader(headers.containsKey("origin"));
    headers.forEach(o::addHeader);
    RoomClient c = new RoomClient(client);
    try {
      c.ws.connect(o).await(20, TimeUnit.SECONDS);
      return c;
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** The status a refused upgrade answered, or -1 when the upgrade was accepted. */
  static int status(Vertx vertx, int port, String uri, Map<String, String> headers) throws Exception {
    try {
      RoomClient c = connect(vertx, port, uri, headers);
      c.ws.close();
      return -1;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    }
  }

  void send(byte[] frame) {
    ws.writeBinaryMessage(Buffer.buffer(frame));
  }

  /** The next message of that kind within the timeout (others are skipped), or an AssertionError. */
  YMessage await(YMessage.Kind kind, long millis) throws InterruptedException {
    return await(m -> m.kind() == kind, millis, kind.toString());
  }

  YMessage await(Predicate<YMessage> match, long millis, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      YMessage m = left > 0 ? received.poll(left, TimeUnit.MILLISECONDS) : null;
      if (m == null) {
        throw new AssertionError("no " + what + " within " + millis + " ms");
      }
      if (match.test(m)) {
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
