package dev.parlor.system;

import dev.parlor.yjs.protocol.YMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A raw y-websocket client for tests: sends frames, collects what the server sends and how it closed. */
final class RoomClient {
  /** Held so that it is not garbage collected: Vert.x closes an unreachable client's sockets. */
  private final WebSocketClient client;
  final WebSocket ws;
  final BlockingQueue<YMessage> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Short> closeCode = new CompletableFuture<>();
  volatile String closeReason;

  private RoomClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.binaryMessageHandler(b -> received.add(YMessage.decode(b.getBytes())));
    ws.closeHandler(v -> {
      closeReason = ws.closeReason();
      closeCode.complete(ws.closeStatusCode());
    });
  }

  static RoomClient connect(Vertx vertx, int port, String path) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setMaxFrameSize(16 << 20).setMaxMessageSize(16 << 20));
    // Handlers are set on the event loop as the socket opens, so no early message is missed.
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path))
        .map(ws -> new RoomClient(client, ws))
        .await(20, TimeUnit.SECONDS);
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

  short awaitClose(long millis) throws Exception {
    return closeCode.get(millis, TimeUnit.MILLISECONDS);
  }
}
