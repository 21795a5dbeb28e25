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
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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
import java.util.Set;
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
  /** How soon a socket whose room answered MOVED tries again while this gateway still sees the same owner. */
  private static final long REROUTE_RETRY_MILLIS = 100;

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
    directory.onChange(() -> context.runOnContext(v -> reattach()));
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

    join(socket, false);
  }

  /** Attaches a socket to its room at the socket's current room address. */
  private void join(ClientSocket socket, boolean reattach) {
    Timer.Sample sample = Timer.start();
    String roomKey = socket.room().key();
    Buffer known = reattach ? socket.knownState() : null;
    int flags = socket.grant().access().ordinal() | (reattach ? RoomEnvelope.REATTACH : 0)
        | (known != null ? RoomEnvelope.KNOWN_STATE : 0);
    Buffer join = RoomEnvelope.encode(Op.JOIN, socket.connId(), roomKey, address, flags, known);
    String target = socket.roomAddress();
    vertx.eventBus().request(target, join, new DeliveryOptions().setSendTimeout(settings.joinTimeoutMillis()))
        .onComplete(ar -> {
          sample.stop(metrics.joinLatency);
          if (ar.succeeded()) {
            socket.joined();
          } else if (target.equals(socket.roomAddress())) {
            // Moved, or the node is gone (its handlers left before the directory caught up).
            if (ar.cause() instanceof ReplyException re && (re.failureCode() == RoomEnvelope.JOIN_MOVED
                || re.failureType() == ReplyFailure.NO_HANDLERS)) {
              reroute(socket, target);
              return;
            }
            log.atWarn().addKeyValue("room", roomKey).addKeyValue("conn", socket.connId())
                .log("join failed: {}", ar.cause().getMessage());
            closeSocket(socket, CloseCodes.ROOM_UNAVAILABLE, "room unavailable, reconnect");
          }
        });
  }

  /** A MOVED from a room node (see {@link Op#MOVED}). */
  private void moved(ClientSocket socket, RoomEnvelope env) {
    String from = env.text();
    boolean last = (env.number() & RoomEnvelope.LAST) != 0;
    if (!from.equals(socket.roomAddress())) {
      if (!last) {
        forward(socket, env.payload()); // routed already: the refused frame follows the socket
      }
      return;
    }
    if (!last) {
      // The node is handing the room over: the frame waits for the owner its last MOVED leads to.
      if (!socket.hold(env.payload())) {
        closeSocket(socket, CloseCodes.SLOW_CONSUMER, "too many frames held while the room moved");
      }
      return;
    }
    socket.knownState((env.number() & RoomEnvelope.KNOWN_STATE) != 0 ? env.payload() : null);
    reroute(socket, from);
  }

  /**
   * The room node at {@code from} does not serve the socket's room (any more): join the room's owner
   * and hand it the frames held meanwhile. When this gateway still sees {@code from} as the owner,
   * its view or the node's lease is catching up: try again shortly, for at most the join timeout.
   */
  private void reroute(ClientSocket socket, String from) {
    if (!from.equals(socket.roomAddress())) { // routed already, by a change of the room nodes
      forwardHeld(socket);
      return;
    }
    long now = System.currentTimeMillis();
    socket.rerouting(now);
    String next = directory.addressFor(socket.room().key());
    if (next == null || now - socket.reroutingSince() > settings.joinTimeoutMillis()) {
      closeSocket(socket, CloseCodes.ROOM_UNAVAILABLE, "room unavailable, reconnect");
      return;
    }
    Runnable rejoin = () -> {
      if (socket.isClosed() || !from.equals(socket.roomAddress())) {
        forwardHeld(socket);
        return;
      }
      String owner = directory.addressFor(socket.room().key());
      if (owner == null) {
        closeSocket(socket, CloseCodes.ROOM_UNAVAILABLE, "no room node is available, reconnect");
        return;
      }
      socket.moveTo(owner);
      metrics.reattached.increment();
      join(socket, true);
      forwardHeld(socket);
    };
    if (next.equals(from)) {
      vertx.setTimer(REROUTE_RETRY_MILLIS, id -> rejoin.run());
    } else {
      rejoin.run();
    }
  }

  private void forward(ClientSocket socket, Buffer frame) {
    if (frame != null && frame.length() > 0 && !socket.isClosed()) {
      vertx.eventBus().send(socket.roomAddress(),
          RoomEnvelope.frame(Op.FRAME, socket.connId(), socket.room().key(), frame));
    }
  }

  private void forwardHeld(ClientSocket socket) {
    socket.takeHeld().forEach(frame -> forward(socket, frame));
  }

  /**
   * The set of room nodes changed. A socket whose room now belongs to another node stays connected:
   * while the room's old node is alive, it hands the room over and then tells the socket (MOVED,
   * last) with the state its client holds, so the new owner resyncs it with a diff; when the old
   * node is gone, the socket joins the new owner at once and gets the whole document.
   */
  private void reattach() {
    for (Map.Entry<String, Map<Long, ClientSocket>> room : socketsByRoom.entrySet()) {
      String next = directory.addressFor(room.getKey());
      boolean handingOver = false;
      for (ClientSocket socket : room.getValue().values().toArray(new ClientSocket[0])) {
        if (next == null) {
          closeSocket(socket, CloseCodes.ROOM_UNAVAILABLE, "no room node is available, reconnect");
        } else if (!next.equals(socket.roomAddress())) {
          if (directory.isMember(Addresses.nodeOfRoomShard(socket.roomAddress()))) {
            handingOver = true;
          } else {
            moveNow(socket, next);
          }
        }
      }
      if (handingOver) {
        String roomKey = room.getKey();
        log.atInfo().addKeyValue("room", roomKey).addKeyValue("to", next).log("room moving; its node hands it over");
        vertx.setTimer(settings.joinTimeoutMillis(), id -> handOverOverdue(roomKey));
      }
    }
  }

  /** The room's old node did not hand it over in time (stuck, or its view differs): move the sockets anyway. */
  private void handOverOverdue(String roomKey) {
    Map<Long, ClientSocket> inRoom = socketsByRoom.get(roomKey);
    String next = directory.addressFor(roomKey);
    if (inRoom == null || next == null) {
      return;
    }
    for (ClientSocket socket : inRoom.values().toArray(new ClientSocket[0])) {
      if (!next.equals(socket.roomAddress())) {
        log.atWarn().addKeyValue("room", roomKey).addKeyValue("conn", socket.connId())
            .log("room not handed over in time; re-attaching the socket");
        moveNow(socket, next);
      }
    }
  }

  /** Leaves the room's old owner and joins the new one; the client then gets the whole document. */
  private void moveNow(ClientSocket socket, String next) {
    vertx.eventBus().send(socket.roomAddress(), RoomEnvelope.frame(Op.LEAVE, socket.connId(), socket.room().key(), null));
    socket.moveTo(next);
    socket.knownState(null);
    metrics.reattached.increment();
    join(socket, true);
    forwardHeld(socket);
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
          moved(s, env);
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
