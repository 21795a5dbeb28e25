package dev.parlor.gateway;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.gateway.access.AccessDenied;
import dev.parlor.gateway.access.AccessGate;
import dev.parlor.gateway.access.Grant;
import dev.parlor.gateway.access.Revocation;
import dev.parlor.gateway.api.ApiForwarder;
import dev.parlor.gateway.socket.ClientSocket;
import dev.parlor.gateway.socket.RoomPath;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway event loop: the public HTTP server (shared port across instances), the room sockets
 * it accepted, and its own event-bus address where rooms send their output for those sockets.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

  private final GatewaySettings settings;
  private final RoomNodeDirectory directory;
  private final GatewayMetrics metrics;
  private final AccessGate gate;
  private final String address = Addresses.gateway(UUID.randomUUID().toString());
  private final Map<Long, ClientSocket> sockets = new HashMap<>();
  private final Map<String, Map<Long, ClientSocket>> socketsByRoom = new HashMap<>();
  private MessageConsumer<Buffer> consumer;
  private MessageConsumer<JsonObject> revocations;
  private HttpServer server;
  private RoomRouting routing;

  public GatewayVerticle(GatewaySettings settings, RoomNodeDirectory directory, GatewayMetrics metrics,
                         AccessGate gate) {
    this.settings = settings;
    this.gate = gate;
    this.directory = directory;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(address, this::onRoomOutput);
    io.vertx.core.Context context = vertx.getOrCreateContext();
    routing = new RoomRouting(vertx, directory, metrics, address, settings.joinTimeoutMillis(), socketsByRoom,
        this::closeSocket);
    directory.onChange(() -> context.runOnContext(v -> routing.reattach()));
    revocations = vertx.eventBus().consumer(Addresses.AUTH_REVOCATIONS, this::onRevocation);
    Router router = Router.router(vertx);
    // The APIs of auth-service and persistence-service, forwarded over the event bus.
    ApiForwarder auth = new ApiForwarder(vertx, Addresses.AUTH_API, settings.apiTimeoutMillis());
    ApiForwarder data = new ApiForwarder(vertx, Addresses.PERSISTENCE_API, settings.apiTimeoutMillis());
    router.route("/v1/*").handler(BodyHandler.create().setBodyLimit(settings.maxApiBodyBytes()));
    router.route("/.well-known/jwks.json").handler(auth);
    router.route("/v1/tokens*").handler(auth);
    router.route("/v1/users/*").handler(auth);
    router.routeWithRegex("/v1/rooms/[^/]+/[^/]+/members.*").handler(auth);
    router.route("/v1/rooms*").handler(data);
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setTcpNoDelay(true)
        // Netty's own cut-off drops the TCP connection (clients see 1006); it sits well above our
        // limit so that a frame over the limit is read whole and refused with a proper 1009.
        .setMaxWebSocketFrameSize(hardFrameLimit(settings.maxFrameBytes()))
        .setMaxWebSocketMessageSize(hardFrameLimit(settings.maxFrameBytes()))
        .setPerMessageWebSocketCompressionSupported(settings.compression())
        .setPerFrameWebSocketCompressionSupported(settings.compression());
    return consumer.completion().compose(v -> vertx.createHttpServer(options)
        .webSocketHandshakeHandler(this::onHandshake)
        .webSocketHandler(ws -> { }) // sockets are set up where the handshake is accepted
        .requestHandler(router)
        .listen())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    sockets.values().forEach(s -> s.close(CloseCodes.GOING_AWAY, "server shutting down"));
    return Future.all(consumer.unregister(), revocations.unregister());
  }

  /** Access revoked by auth-service: the sessions it covers are closed at once with 4403. */
  private void onRevocation(Message<JsonObject> msg) {
    String roomKey = Revocation.roomKey(msg.body());
    Map<Long, ClientSocket> candidates = roomKey != null ? socketsByRoom.get(roomKey) : sockets;
    if (candidates == null) {
      return;
    }
    for (ClientSocket s : candidates.values().toArray(new ClientSocket[0])) {
      if (Revocation.covers(msg.body(), s.grant(), s.room())) {
        closeSocket(s, CloseCodes.FORBIDDEN, "access revoked");
      }
    }
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void onHandshake(ServerWebSocketHandshake handshake) {
    RoomPath.Result path = RoomPath.parse(handshake.path(), settings.parties());
    if (!path.ok()) {
      reject(handshake, path.status(), path.error());
      return;
    }
    String roomKey = path.room().key();
    String roomAddress = directory.addressFor(roomKey);
    if (roomAddress == null) {
      reject(handshake, 503, "no room node is available");
      return;
    }
    gate.check(handshake, path.room()).onComplete(ar -> {
      if (ar.succeeded()) {
        handshake.accept().onSuccess(ws -> open(ws, path, roomAddress, ar.result()));
      } else if (ar.cause() instanceof AccessDenied denied) {
        reject(handshake, denied.status(), denied.getMessage());
      } else {
        log.atWarn().addKeyValue("path", handshake.path()).log("access check failed: {}", ar.cause().toString());
        reject(handshake, 503, "access could not be checked");
      }
    });
  }

  private void reject(ServerWebSocketHandshake handshake, int status, String why) {
    metrics.rejected(status);
    log.atInfo().addKeyValue("path", handshake.path()).addKeyValue("status", status)
        .log("upgrade refused: {}", why);
    handshake.reject(status);
  }

  private void open(ServerWebSocket ws, RoomPath.Result path, String roomAddress, Grant grant) {
    long connId = newConnId();
    String roomKey = path.room().key();
    ClientSocket socket = new ClientSocket(connId, path.room(), ws, roomAddress, settings.maxPendingBytes(), grant);
    sockets.put(connId, socket);
    socketsByRoom.computeIfAbsent(roomKey, k -> new HashMap<>()).put(connId, socket);
    metrics.connections.incrementAndGet();
    log.atDebug().addKeyValue("room", roomKey).addKeyValue("conn", connId).addKeyValue("user", grant.userId())
        .log("socket opened");

    ws.binaryMessageHandler(frame -> {
      if (frame.length() > settings.maxFrameBytes()) {
        closeSocket(socket, CloseCodes.TOO_BIG, "frame larger than " + settings.maxFrameBytes() + " bytes");
        return;
      }
      metrics.framesIn.increment();
      vertx.eventBus().send(socket.roomAddress(), RoomEnvelope.frame(Op.FRAME, connId, roomKey, frame));
    });
    ws.textMessageHandler(text ->
        closeSocket(socket, CloseCodes.MALFORMED, "text frames are not part of the y-websocket protocol"));
    ws.exceptionHandler(err -> log.atInfo().addKeyValue("room", roomKey).addKeyValue("conn", connId)
        .log("socket error: {}", err.toString()));
    ws.closeHandler(v -> closed(socket));

    routing.join(socket, false);
  }

  private void closeSocket(ClientSocket socket, short code, String reason) {
    if (!socket.isClosed()) {
      metrics.closed(code);
      log.atInfo().addKeyValue("room", socket.room().key()).addKeyValue("conn", socket.connId())
          .addKeyValue("code", code).log("closing socket: {}", reason);
      socket.close(code, reason);
    }
  }

  private void closed(ClientSocket socket) {
    socket.markClosed();
    if (sockets.remove(socket.connId()) == null) {
      return;
    }
    metrics.connections.decrementAndGet();
    String roomKey = socket.room().key();
    Map<Long, ClientSocket> inRoom = socketsByRoom.get(roomKey);
    if (inRoom != null) {
      inRoom.remove(socket.connId());
      if (inRoom.isEmpty()) {
        socketsByRoom.remove(roomKey);
      }
    }
    vertx.eventBus().send(socket.roomAddress(), RoomEnvelope.frame(Op.LEAVE, socket.connId(), roomKey, null));
  }

  private void onRoomOutput(Message<Buffer> msg) {
    metrics.busMessagesIn.increment();
    RoomEnvelope env;
    try {
      env = RoomEnvelope.decode(msg.body());
    } catch (IllegalArgumentException e) {
      log.warn("dropped room output that does not decode: {}", e.getMessage());
      return;
    }
    switch (env.op()) {
      case SEND -> {
        ClientSocket s = sockets.get(env.connId());
        if (s != null) {
          write(s, env.payload());
        }
      }
      case BROADCAST -> {
        Map<Long, ClientSocket> inRoom = socketsByRoom.get(env.roomKey());
        if (inRoom != null) {
          for (ClientSocket s : inRoom.values().toArray(new ClientSocket[0])) {
            if (s.connId() != env.connId()) {
              write(s, env.payload());
            }
          }
        }
      }
      case CLOSE -> {
        ClientSocket s = sockets.get(env.connId());
        if (s != null) {
          closeSocket(s, (short) env.number(), env.text());
        }
      }
      case MOVED -> {
        ClientSocket s = sockets.get(env.connId());
        if (s != null) {
          routing.moved(s, env);
        }
      }
      default -> log.atWarn().addKeyValue("room", env.roomKey()).log("dropped unexpected {} sent to a gateway", env.op());
    }
  }

  private void write(ClientSocket s, Buffer frame) {
    switch (s.write(frame)) {
      case WRITTEN -> metrics.framesOut.increment();
      case TOO_FAR_BEHIND -> closeSocket(s, CloseCodes.SLOW_CONSUMER,
          "slow consumer: outbound queue over " + s.maxPendingBytes() + " bytes");
      case CLOSED -> { }
    }
  }

  static int hardFrameLimit(int limit) {
    return (int) Math.min(Integer.MAX_VALUE - 1024, 4L * limit);
  }

  private static long newConnId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return id;
  }

}
