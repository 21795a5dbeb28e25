package dev.parlor.room.host;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.CloseCodes;
import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.bus.RoomEnvelope.HandOver;
import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.bus.RoomEnvelope.PassedLease;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.Loaded;
import dev.parlor.common.placement.RoomOwners;
import dev.parlor.room.store.RoomStore;
import dev.parlor.room.yjs.YjsDocument;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One shard of a room node: takes the room traffic of the rooms that hash to it, on one event
 * loop, and unloads rooms that stay empty for PARLOR_ROOM_IDLE_MS. When the set of room nodes
 * changes, it hands the rooms that now belong to another node over ({@link RoomHandOvers}) and
 * takes in those that come here; traffic for a room it does not serve is answered MOVED, never
 * applied.
 */
public final class RoomShardVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RoomShardVerticle.class);
  /** How long a document copied ahead waits for its hand-over here. */
  private static final long COPY_KEEP_MS = 30_000;

  private final String nodeId;
  private final int shard;
  private final Function<Vertx, RoomStore> storeFactory;
  private RoomStore store;
  private final RoomMetrics metrics;
  private final Settings settings;
  private final RoomOwners directory;
  private final IncomingMoves incoming;
  private final OutgoingCopies outgoing;
  private final Map<String, RoomHost> rooms = new HashMap<>();
  private final Map<String, Long> idleTimers = new HashMap<>();
  private final MovedRooms movedRooms = new MovedRooms();
  /** Awareness tables handed over for rooms not hosted here yet (this node's view may lag the sender's). */
  private final Map<String, byte[]> handedOverAwareness = new HashMap<>();
  private final DocumentCopies copies = new DocumentCopies();
  private RoomHandOvers handOvers;
  private String address;
  private MessageConsumer<Buffer> consumer;
  private MessageConsumer<String> resets;

  /**
   * idleMillis: how long an empty room stays loaded; maxTail: see YjsDocument; moveConcurrency: rooms
   * handed over at once; roomEvents: the level rooms' loads and moves are logged at.
   */
  public record Settings(long idleMillis, int maxTail, int moveConcurrency, Level roomEvents) {
    /** These settings with the rooms' loads and moves logged at debug (a warm-up's hundreds of them). */
    public Settings quiet() {
      return new Settings(idleMillis, maxTail, moveConcurrency, Level.DEBUG);
    }
  }

  public RoomShardVerticle(String nodeId, int shard, Function<Vertx, RoomStore> storeFactory,
                           RoomMetrics metrics, RoomOwners directory, IncomingMoves incoming, OutgoingCopies outgoing,
                           Settings settings) {
    this.settings = settings;
    this.incoming = incoming;
    this.outgoing = outgoing;
    this.directory = directory;
    this.storeFactory = storeFactory;
    this.nodeId = nodeId;
    this.shard = shard;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    store = storeFactory.apply(vertx);
    store.onOwnershipLost(this::lost);
    address = Addresses.roomShard(nodeId, shard);
    Context context = vertx.getOrCreateContext();
    handOvers = new RoomHandOvers(vertx, nodeId, directory, store, rooms, movedRooms, outgoing, metrics, settings);
    directory.onChange(() -> context.runOnContext(v -> handOvers.rebalance()));
    consumer = vertx.eventBus().consumer(address, this::onMessage);
    resets = vertx.eventBus().consumer(Addresses.ROOM_RESET, msg -> {
      RoomHost host = rooms.get(msg.body());
      if (host != null) {
        log.atLevel(settings.roomEvents()).addKeyValue("room", msg.body()).log("stored data replaced or deleted; closing the room");
        host.closeAll(CloseCodes.ROOM_UNAVAILABLE, "room data was replaced; reconnect");
      }
    });
    return Future.all(consumer.completion(), resets.completion());
  }

  @Override
  public Future<?> stop() {
    metrics.rooms.addAndGet(-rooms.size());
    // Whatever was not handed over gives its lease up now rather than when it would expire.
    List<Future<Void>> released = new ArrayList<>();
    rooms.keySet().forEach(key -> released.add(store.release(key)));
    rooms.clear();
    return Future.join(released).eventually(() -> Future.all(consumer.unregister(), resets.unregister()));
  }

  private void onMessage(Message<Buffer> msg) {
    RoomEnvelope env;
    try {
      env = RoomEnvelope.decode(msg.body());
    } catch (IllegalArgumentException e) {
      metrics.rejected.increment();
      log.atWarn().addKeyValue("shard", shard).log("dropped an event-bus message that does not decode: {}",
          e.getMessage());
      return;
    }
    metrics.transit(env.sentAtMicros(), RoomEnvelope.nowMicros());
    switch (env.op()) {
      case JOIN -> join(msg, env);
      case FRAME -> {
        RoomHost host = rooms.get(env.roomKey());
        if (host != null) {
          metrics.framesIn.increment();
          host.frame(env.connId(), env.payload().getBytes());
        } else {
          notServed(env);
        }
      }
      case RELEASED -> released(env);
      case PING -> msg.reply(null);
      case COPY -> copy(msg, env);
      case LEAVE -> {
        RoomHost host = rooms.get(env.roomKey());
        if (host != null) {
          host.leave(env.connId());
          if (host.isEmpty()) {
            store.roomEmpty(env.roomKey());
          }
          scheduleIdleCheck(env.roomKey());
        }
      }
      default -> {
        metrics.rejected.increment();
        log.atWarn().addKeyValue("room", env.roomKey()).log("dropped unexpected {} sent to a room", env.op());
      }
    }
  }

  private void join(Message<Buffer> msg, RoomEnvelope env) {
    int accessIndex = env.number() & RoomEnvelope.ACCESS_MASK;
    boolean reattached = (env.number() & RoomEnvelope.REATTACH) != 0;
    byte[] knownState = (env.number() & RoomEnvelope.KNOWN_STATE) != 0 ? env.payload().getBytes() : null;
    if (accessIndex >= Access.values().length || env.text().isEmpty()) {
      metrics.rejected.increment();
      msg.fail(400, "bad join");
      return;
    }
    Access access = Access.values()[accessIndex];
    RoomHost current = rooms.get(env.roomKey());
    if (current == null ? !nodeId.equals(directory.ownerOf(env.roomKey())) : current.leaving()) {
      msg.fail(RoomEnvelope.JOIN_MOVED, "room is served by another node");
      return;
    }
    RoomHost host = host(env.roomKey(), reattached);
    host.join(env.connId(), env.text(), access, reattached, knownState).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(null);
      } else {
        msg.fail(503, "room unavailable: " + ar.cause().getMessage());
        unload(env.roomKey(), host);
      }
    });
  }

  /** The room's host here, created (and its loading begun) if there is none; movedIn: it comes from another node. */
  private RoomHost host(String roomKey, boolean movedIn) {
    RoomHost failed = rooms.get(roomKey);
    if (failed != null && failed.failed()) {
      unload(roomKey, failed); // e.g. loaded on RELEASED and failed: a join tries afresh
    }
    movedRooms.forget(roomKey);
    Long timer = idleTimers.remove(roomKey);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    return rooms.computeIfAbsent(roomKey, key -> {
      metrics.rooms.incrementAndGet();
      if (movedIn) {
        metrics.movesIn.increment();
      }
      RoomHost[] self = new RoomHost[1];
      self[0] = new RoomHost(key, address, vertx, store, metrics, settings.maxTail(), settings.roomEvents(), copies,
          () -> unload(key, self[0]));
      byte[] awareness = handedOverAwareness.remove(key);
      if (awareness != null) {
        self[0].restoreAwareness(awareness);
      }
      return self[0];
    });
  }

  /**
   * The room's previous owner released it. With its document along, the room is loaded here now if
   * this node owns it, so that it is ready when the gateways re-attach the sockets (which they do
   * once the old owner has told them); unloaded again if none comes.
   */
  private void released(RoomEnvelope env) {
    HandOver handOver;
    Loaded document = null;
    try {
      handOver = env.handOver();
      if (handOver.document().length() > 0) {
        document = continued(env, new StorageMessages.Reader(handOver.document()).loaded());
      }
    } catch (IllegalArgumentException e) {
      metrics.rejected.increment();
      log.atWarn().addKeyValue("room", env.roomKey()).log("ignored a malformed hand-over: {}", e.getMessage());
      handOver = new HandOver(Buffer.buffer(), Buffer.buffer(), null); // released all the same (or it expires)
      document = null;
    }
    // A lease passed here is this node's in Redis whatever its view of the room nodes says.
    PassedLease lease = handOver.lease() != null && nodeId.equals(handOver.lease().node())
        ? handOver.lease().less((RoomEnvelope.nowMicros() - env.sentAtMicros()) / 1000) : null;
    store.released(env.roomKey(), document, lease);
    incoming.arrived(env.roomKey());
    log.atLevel(settings.roomEvents()).addKeyValue("room", env.roomKey())
        .addKeyValue("transitMs", (RoomEnvelope.nowMicros() - env.sentAtMicros()) / 1000)
        .addKeyValue("document", document != null).addKeyValue("leasePassed", lease != null).log("hand-over received");
    RoomHost host = rooms.get(env.roomKey());
    if (host == null && (lease != null || document != null && nodeId.equals(directory.ownerOf(env.roomKey())))) {
      host = host(env.roomKey(), true);
      scheduleIdleCheck(env.roomKey());
    }
    if (handOver.awareness().length() == 0) {
      return;
    }
    if (host != null && !host.leaving()) {
      host.restoreAwareness(handOver.awareness().getBytes());
    } else if (host == null) {
      // Kept for the room's first join here, as the store keeps the document for its claim.
      byte[] table = handOver.awareness().getBytes();
      handedOverAwareness.put(env.roomKey(), table);
      vertx.setTimer(RoomHost.REATTACH_GRACE_MS, id -> handedOverAwareness.remove(env.roomKey(), table));
    }
  }

  /**
   * The whole handed-over document: as shipped, or, when it continues a copy sent ahead, that copy
   * followed by it (null when this shard lacks the copy: the room then loads from storage).
   */
  private Loaded continued(RoomEnvelope env, Loaded shipped) {
    if (env.connId() == 0) {
      return shipped;
    }
    List<byte[]> tail = new ArrayList<>(shipped.log().size() + 1);
    if (shipped.snapshot().length > 0) {
      tail.add(shipped.snapshot());
    }
    tail.addAll(shipped.log());
    List<byte[]> whole = copies.continued(env.roomKey(), env.connId(), tail);
    if (whole == null) {
      log.atLevel(settings.roomEvents()).addKeyValue("room", env.roomKey()).log("hand-over continues a copy this shard does not hold");
      return null;
    }
    return new Loaded(shipped.fence(), new byte[0], whole);
  }

  /**
   * A room's owner copies its document here ahead of handing it over: built now, off the loop, and
   * kept for the hand-over (at most COPY_KEEP_MS); the reply says it is ready.
   */
  private void copy(Message<Buffer> msg, RoomEnvelope env) {
    List<byte[]> updates;
    try {
      updates = new StorageMessages.Reader(env.payload()).loaded().log();
    } catch (IllegalArgumentException e) {
      metrics.rejected.increment();
      log.atWarn().addKeyValue("room", env.roomKey()).log("refused a document copy that does not decode: {}",
          e.getMessage());
      msg.fail(400, "copy does not decode");
      return;
    }
    String roomKey = env.roomKey();
    long id = env.connId();
    Context context = vertx.getOrCreateContext();
    incoming.buildStarted();
    long start = System.nanoTime();
    vertx.executeBlocking(() -> new YjsDocument(updates, settings.maxTail()), false).onComplete(ar -> {
      if (ar.failed()) {
        log.atWarn().addKeyValue("room", roomKey).log("document copy not built: {}", ar.cause().toString());
        msg.fail(500, "copy not built");
        incoming.buildFailed();
        return;
      }
      log.atLevel(settings.roomEvents()).addKeyValue("room", roomKey).addKeyValue("bytes", ar.result().sizeBytes())
          .addKeyValue("transitMs", (RoomEnvelope.nowMicros() - env.sentAtMicros()) / 1000 - (System.nanoTime() - start) / 1_000_000)
          .addKeyValue("builtMs", (System.nanoTime() - start) / 1_000_000).log("document copy built");
      copies.put(roomKey, id, updates, ar.result());
      vertx.setTimer(COPY_KEEP_MS, t -> copies.expire(roomKey, id));
      // Confirmed when its turn comes (see IncomingMoves): the sender then hands the room over.
      incoming.built(roomKey, () -> context.runOnContext(v -> {
        msg.reply(null);
        vertx.setTimer(IncomingMoves.HOLD_MS, t -> incoming.overdue(roomKey));
      }));
    });
  }

  /** A frame for a room not served here: MOVED if its connection was here before the room moved. */
  private void notServed(RoomEnvelope env) {
    String gateway = movedRooms.gatewayOf(env.roomKey(), env.connId(), System.currentTimeMillis());
    if (gateway != null) {
      vertx.eventBus().send(gateway, RoomEnvelope.encode(Op.MOVED, env.connId(), env.roomKey(), address, 0,
          env.payload()));
    } else {
      log.atDebug().addKeyValue("room", env.roomKey()).addKeyValue("conn", env.connId())
          .log("dropped a frame for a room not served here");
    }
  }

  /** The room's lease is lost: stop serving it at once; its gateways route its sockets again. */
  private void lost(String roomKey) {
    RoomHost host = rooms.get(roomKey);
    if (host != null) {
      movedRooms.remember(roomKey, host.moveAway(), System.currentTimeMillis());
    }
  }

  private void scheduleIdleCheck(String roomKey) {
    if (idleTimers.containsKey(roomKey)) {
      return;
    }
    idleTimers.put(roomKey, vertx.setTimer(settings.idleMillis(), id -> {
      idleTimers.remove(roomKey);
      RoomHost host = rooms.get(roomKey);
      if (host != null && host.isEmpty()) {
        unload(roomKey, host);
      }
    }));
  }

  private void unload(String roomKey, RoomHost host) {
    if (rooms.remove(roomKey, host)) {
      metrics.rooms.decrementAndGet();
      store.release(roomKey);
      log.atDebug().addKeyValue("room", roomKey).log("room unloaded");
    }
  }
}
