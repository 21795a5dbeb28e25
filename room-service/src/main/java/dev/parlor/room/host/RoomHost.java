package dev.parlor.room.host;

import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.bus.RoomEnvelope.Op;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.Loaded;
import dev.parlor.room.store.RoomStore;
import dev.parlor.room.yjs.YjsDocument;
import dev.parlor.room.yjs.YjsRoom;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Hosts one live room on a shard: loads it from the store (holding traffic until then), tracks
 * which gateway each connection sits on, turns room output into one event-bus message per
 * gateway, and runs the room's CPU-heavy steps on worker threads (holding the room's later traffic
 * while a step that needs the order runs). When the room moves away (a hand-over or a lost lease)
 * every connection is told MOVED, so its gateway routes it to the new owner without closing the
 * socket.
 */
final class RoomHost implements RoomOutput {
  private static final Logger log = LoggerFactory.getLogger(RoomHost.class);
  /** How long a handed-over connection's awareness states wait for it to re-attach. */
  static final long REATTACH_GRACE_MS = 10_000;
  /** Documents from this size are copied ahead of a hand-over: below it the whole one moves in a few ms. */
  static final long COPY_AHEAD_BYTES = 64 * 1024;
  /** How long a hand-over waits for its copy to be built at the next owner (a cold JVM takes about 1 s for 1 MB). */
  static final long COPY_TIMEOUT_MS = 5_000;

  private final String roomKey;
  private final String address;
  private final Vertx vertx;
  private final EventBus bus;
  private final RoomMetrics metrics;
  private final Runnable dropped;
  /** The level of this room's load and move lines. */
  private final Level events;
  private boolean merging;
  private final Map<Long, String> gatewayOf = new HashMap<>();
  private final Queue<Runnable> held = new ArrayDeque<>();
  /** Steps off the loop that later traffic must wait for ({@link #offLoopInOrder}). */
  private int orderedSteps;
  private final Future<Void> loaded;
  private YjsRoom room;
  private boolean leaving;
  private boolean gone;

  RoomHost(String roomKey, String address, Vertx vertx, RoomStore store, RoomMetrics metrics, int maxTail,
           Level events, DocumentCopies copies, Runnable dropped) {
    this.events = events;
    this.roomKey = roomKey;
    this.address = address;
    this.dropped = dropped;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.metrics = metrics;
    Timer.Sample sample = Timer.start();
    long start = System.nanoTime();
    long[] readAt = new long[1];
    boolean[] fromCopy = new boolean[1];
    // Merging a stored log is CPU work: it runs on a worker, not on the shard's event loop.
    this.loaded = store.load(roomKey)
        .compose(updates -> {
          readAt[0] = System.nanoTime();
          YjsDocument copied = copies.take(roomKey, updates);
          if (copied != null) {
            metrics.copiedLoads.increment();
            fromCopy[0] = true;
            return Future.succeededFuture(copied);
          }
          return vertx.executeBlocking(() -> new YjsDocument(updates, maxTail), false);
        })
        .map(doc -> {
          room = new YjsRoom(roomKey, doc, store, this);
          if (fromCopy[0]) {
            room.handedOver(); // vouched for by its previous owner, as the copy's use shows
          }
          long loadedNanos = sample.stop(metrics.load);
          log.atLevel(events).addKeyValue("room", roomKey).addKeyValue("bytes", doc.sizeBytes())
              .addKeyValue("readMs", (readAt[0] - start) / 1_000_000)
              .addKeyValue("totalMs", loadedNanos / 1_000_000).log("room loaded");
          return (Void) null;
        }).onComplete(ar -> {
      if (ar.failed()) {
        log.atError().addKeyValue("room", roomKey).log("room could not be loaded: {}", ar.cause().toString());
      }
      runHeld();
    });
  }

  /** Runs now if the room is ready, else once loading and ordered steps end (in arrival order). */
  private void whenLoaded(Runnable r) {
    if (loaded.isComplete() && orderedSteps == 0 && held.isEmpty()) {
      r.run();
    } else {
      held.add(r);
    }
  }

  private void runHeld() {
    Runnable r;
    while (orderedSteps == 0 && (r = held.poll()) != null) {
      r.run();
    }
  }

  /** knownState: the state vector the connection's client holds, from the room's previous owner, or null. */
  Future<Void> join(long connId, String gateway, Access access, boolean reattached, byte[] knownState) {
    Promise<Void> joined = Promise.promise();
    whenLoaded(() -> {
      if (loaded.failed()) {
        joined.fail(loaded.cause());
        return;
      }
      if (gatewayOf.put(connId, gateway) == null) {
        metrics.connections.incrementAndGet();
      }
      room.join(connId, access, reattached, knownState);
      joined.complete();
    });
    return joined.future();
  }

  void frame(long connId, byte[] frame) {
    if (leaving) {
      moved(connId, frame); // never applied here: the gateway hands it to the new owner
      return;
    }
    whenLoaded(() -> {
      if (room != null && gatewayOf.containsKey(connId)) {
        room.message(connId, frame);
      }
    });
  }

  void leave(long connId) {
    whenLoaded(() -> {
      if (gatewayOf.remove(connId) != null) {
        metrics.connections.decrementAndGet();
        room.leave(connId);
      }
    });
  }

  boolean isEmpty() {
    return gatewayOf.isEmpty() && held.isEmpty() && orderedSteps == 0;
  }

  boolean failed() {
    return loaded.failed();
  }

  boolean leaving() {
    return leaving;
  }

  /** Whether a hand-over of the room now would copy its document ahead (see {@link #copyAhead}). */
  boolean copiesAhead() {
    return room != null && !leaving && room.document().sizeBytes() >= COPY_AHEAD_BYTES;
  }

  /**
   * Copies the room's document ahead to its next owner (at that shard address) while it still
   * serves the room, when the document is large enough for the copy to pay; completes with the
   * copy's id once the owner has it built, or 0 when there is none (too small, not loaded, or the
   * owner did not confirm within COPY_TIMEOUT_MS). Never fails: the hand-over then ships it whole.
   */
  Future<Long> copyAhead(String next) {
    if (next == null || !copiesAhead()) {
      return Future.succeededFuture(0L);
    }
    long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    Buffer copy = StorageMessages.loaded(new Loaded(0, new byte[0], room.document().startCopy()));
    return bus.request(next, RoomEnvelope.encode(Op.COPY, id, roomKey, null, 0, copy),
        new DeliveryOptions().setSendTimeout(COPY_TIMEOUT_MS)).transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(id);
          }
          log.atLevel(events).addKeyValue("room", roomKey).log("document not copied ahead, handed over whole: {}",
              ar.cause().getMessage());
          if (room != null) {
            room.document().endCopy();
          }
          return Future.succeededFuture(0L);
        });
  }

  /** The room stays here after all (its next owner changed back meanwhile): stop recording for a copy. */
  void dropCopy() {
    if (room != null) {
      room.document().endCopy();
    }
  }

  /**
   * Hands the room over: new frames are answered MOVED, the room's writes are stored and its lease
   * passed to nextNode (released when there is none). Completes with the document to send the next owner (so that it need not read it back
   * from storage) when the store vouches for it, and the room's awareness table; the caller then
   * tells the next owner, and only then the connections ({@link #moveAway}). copyId: the copy sent
   * ahead ({@link #copyAhead}), or 0; with one, the document is only what was applied after it.
   * nextNode: the node the room goes to (its lease is passed there), or null.
   */
  Future<HandedOver> handOver(RoomStore store, long copyId, String nextNode) {
    leaving = true;
    return loaded.transform(ar -> ar.succeeded()
            ? store.handOver(roomKey, () -> copyId != 0 ? room.document().updatesSinceCopy() : room.document().updates(),
                nextNode)
            : store.handOver(roomKey, null, nextNode))
        .map(handOff -> {
          dropCopy();
          return new HandedOver(handOff, room == null ? new byte[0] : room.exportAwareness());
        });
  }

  /** A finished hand-over: the document and lease for the next owner (either may be null), and the awareness table. */
  record HandedOver(RoomStore.HandOff handOff, byte[] awareness) {
  }

  /**
   * Takes in the awareness states the room's previous owner handed over. The states of connections
   * that have not re-attached after {@link #REATTACH_GRACE_MS} (they closed during the move) are
   * then removed, and the others told.
   */
  void restoreAwareness(byte[] table) {
    whenLoaded(() -> {
      if (room != null && !leaving) {
        room.restoreAwareness(table);
        vertx.setTimer(REATTACH_GRACE_MS, id -> whenLoaded(() -> {
          if (room != null && !leaving) {
            room.dropAwarenessOfAbsent();
          }
        }));
      }
    });
  }

  /**
   * Tells every connection MOVED (the last message it gets from here: with the state vector of the
   * document when the room had synced it, all of which was sent to it) and drops the room; returns
   * the connections' gateways.
   */
  Map<Long, String> moveAway() {
    leaving = true;
    Map<Long, String> moved = Map.copyOf(gatewayOf);
    if (!gone) {
      gone = true;
      log.atLevel(events).addKeyValue("room", roomKey).addKeyValue("connections", moved.size())
          .log("room no longer served here; its connections are routed to the owner");
      Buffer state = room == null ? null : Buffer.buffer(room.document().stateVector());
      moved.forEach((connId, gateway) -> {
        boolean synced = state != null && room.isSynced(connId);
        bus.send(gateway, RoomEnvelope.encode(Op.MOVED, connId, roomKey, address,
            RoomEnvelope.LAST | (synced ? RoomEnvelope.KNOWN_STATE : 0), synced ? state : null));
      });
      metrics.connections.addAndGet(-gatewayOf.size());
      gatewayOf.clear();
      dropped.run();
    }
    return moved;
  }

  /** Answers a frame the room will not apply (it is handing over): the gateway passes it to the next owner. */
  private void moved(long connId, byte[] frame) {
    String gateway = gatewayOf.get(connId);
    if (gateway != null) {
      bus.send(gateway, RoomEnvelope.encode(Op.MOVED, connId, roomKey, address, 0, Buffer.buffer(frame)));
    }
  }

  @Override
  public void send(long connId, byte[] frame) {
    String gateway = gatewayOf.get(connId);
    if (gateway != null) {
      metrics.messagesOut.increment();
      bus.send(gateway, RoomEnvelope.frameOfBytes(Op.SEND, connId, roomKey, frame));
    }
  }

  @Override
  public void broadcast(long exceptConnId, byte[] frame) {
    Set<String> gateways = new HashSet<>();
    gatewayOf.forEach((conn, gw) -> {
      if (conn != exceptConnId) {
        gateways.add(gw);
      }
    });
    if (gateways.isEmpty()) {
      return;
    }
    Buffer msg = RoomEnvelope.frameOfBytes(Op.BROADCAST, exceptConnId, roomKey, frame);
    for (String gw : gateways) {
      metrics.messagesOut.increment();
      bus.send(gw, msg);
    }
  }

  @Override
  public void lostOwnership() {
    moveAway();
  }

  /** Closes every connection of the room and tells the shard to drop it. */
  void closeAll(int code, String reason) {
    for (Long connId : gatewayOf.keySet().toArray(new Long[0])) {
      close(connId, code, reason);
    }
    dropped.run();
  }

  @Override
  public void documentChanged() {
    YjsDocument.MergeJob job = merging ? null : room.document().mergeJob();
    if (job == null) {
      return;
    }
    merging = true;
    Timer.Sample sample = Timer.start();
    vertx.executeBlocking(job::run, false).onComplete(ar -> {
      merging = false;
      sample.stop(metrics.merge);
      if (ar.succeeded()) {
        room.document().completeMerge(job, ar.result());
      } else {
        log.atError().addKeyValue("room", roomKey).log("background merge failed: {}", ar.cause().toString());
      }
    });
  }

  @Override
  public <T> Future<T> offLoop(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  @Override
  public <T> Future<T> offLoopInOrder(Callable<T> work) {
    orderedSteps++;
    Promise<T> done = Promise.promise();
    vertx.executeBlocking(work, false).onComplete(ar -> {
      done.handle(ar); // the room's handlers run now, before any frame that arrived meanwhile
      orderedSteps--;
      runHeld();
    });
    return done.future();
  }

  @Override
  public void close(long connId, int code, String reason) {
    String gateway = gatewayOf.get(connId);
    if (gateway != null) {
      bus.send(gateway, RoomEnvelope.encode(Op.CLOSE, connId, roomKey, reason, code, null));
      leave(connId);
    }
  }
}
