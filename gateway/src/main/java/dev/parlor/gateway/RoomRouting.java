package dev.parlor.gateway;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.placement.RoomNodeDirectory;
import dev.parlor.gateway.socket.ClientSocket;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one gateway event loop's sockets attached to their rooms' owners: the first join, and the
 * moves — a room node's MOVED answers, and changes of the set of room nodes — without closing the
 * sockets (see docs/architecture.md, "Moves").
 */
final class RoomRouting {
  private static final Logger log = LoggerFactory.getLogger(RoomRouting.class);
  /** How soon a socket whose room answered MOVED tries again while this gateway still sees the same owner. */
  private static final long REROUTE_RETRY_MILLIS = 100;

  /** Closes a socket with a code and reason (and counts it). */
  interface Closer {
    void close(ClientSocket socket, short code, String reason);
  }

  private final Vertx vertx;
  private final RoomNodeDirectory directory;
  private final GatewayMetrics metrics;
  private final String address;
  private final long joinTimeoutMillis;
  private final Map<String, Map<Long, ClientSocket>> socketsByRoom;
  private final Closer closer;

  RoomRouting(Vertx vertx, RoomNodeDirectory directory, GatewayMetrics metrics, String address, long joinTimeoutMillis,
              Map<String, Map<Long, ClientSocket>> socketsByRoom, Closer closer) {
    this.vertx = vertx;
    this.directory = directory;
    this.metrics = metrics;
    this.address = address;
    this.joinTimeoutMillis = joinTimeoutMillis;
    this.socketsByRoom = socketsByRoom;
    this.closer = closer;
  }

  /** Attaches a socket to its room at the socket's current room address. */
  void join(ClientSocket socket, boolean reattach) {
    Timer.Sample sample = Timer.start();
    String roomKey = socket.room().key();
    Buffer known = reattach ? socket.knownState() : null;
    int flags = socket.grant().access().ordinal() | (reattach ? RoomEnvelope.REATTACH : 0)
        | (known != null ? RoomEnvelope.KNOWN_STATE : 0);
    Buffer join = RoomEnvelope.encode(Op.JOIN, socket.connId(), roomKey, address, flags, known);
    String target = socket.roomAddress();
    vertx.eventBus().request(target, join, new DeliveryOptions().setSendTimeout(joinTimeoutMillis))
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
            closer.close(socket, CloseCodes.ROOM_UNAVAILABLE, "room unavailable, reconnect");
          }
        });
  }

  /** A MOVED from a room node (see {@link Op#MOVED}). */
  void moved(ClientSocket socket, RoomEnvelope env) {
    String from = env.text();
    // A MOVED without a frame is a last one too (what room nodes before the LAST flag sent).
    boolean last = (env.number() & RoomEnvelope.LAST) != 0 || env.payload().length() == 0;
    if (!from.equals(socket.roomAddress())) {
      if (!last) {
        forward(socket, env.payload()); // routed already: the refused frame follows the socket
      }
      return;
    }
    if (!last) {
      // The node is handing the room over: the frame waits for the owner its last MOVED leads to.
      if (!socket.hold(env.payload())) {
        closer.close(socket, CloseCodes.SLOW_CONSUMER, "too many frames held while the room moved");
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
    if (next == null || now - socket.reroutingSince() > joinTimeoutMillis) {
      closer.close(socket, CloseCodes.ROOM_UNAVAILABLE, "room unavailable, reconnect");
      return;
    }
    Runnable rejoin = () -> {
      if (socket.isClosed() || !from.equals(socket.roomAddress())) {
        forwardHeld(socket);
        return;
      }
      String owner = directory.addressFor(socket.room().key());
      if (owner == null) {
        closer.close(socket, CloseCodes.ROOM_UNAVAILABLE, "no room node is available, reconnect");
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
  void reattach() {
    for (Map.Entry<String, Map<Long, ClientSocket>> room : socketsByRoom.entrySet()) {
      String next = directory.addressFor(room.getKey());
      boolean handingOver = false;
      for (ClientSocket socket : room.getValue().values().toArray(new ClientSocket[0])) {
        if (next == null) {
          closer.close(socket, CloseCodes.ROOM_UNAVAILABLE, "no room node is available, reconnect");
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
        vertx.setTimer(joinTimeoutMillis, id -> handOverOverdue(roomKey));
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
}
