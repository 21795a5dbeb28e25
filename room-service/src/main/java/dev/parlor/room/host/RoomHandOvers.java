package dev.parlor.room.host;

import dev.parlor.common.bus.RoomEnvelope;
import dev.parlor.common.placement.RoomOwners;
import dev.parlor.room.store.RoomStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms a shard hands over when the set of room nodes changes: queued, then moved at most
 * moveConcurrency at a time so that a join or leave never stalls the shard, a large one copied
 * ahead first (one at a time per next owner, see {@link OutgoingCopies}). Runs on the shard's
 * event loop, over the shard's own map of rooms.
 */
final class RoomHandOvers {
  private static final Logger log = LoggerFactory.getLogger(RoomHandOvers.class);
  /**
   * How long the next room's copy to a node waits after a room's hand-over to it: the moved room's
   * clients re-attach and resync meanwhile (20–60 ms), and a megabyte copy crossing then, built at
   * its end, took the CPU they needed (resyncs of 200–250 ms on the benchmark's shared core).
   */
  static final long COPY_SETTLE_MS = 100;

  private final Vertx vertx;
  private final String nodeId;
  private final RoomOwners directory;
  private final RoomStore store;
  private final Map<String, RoomHost> rooms;
  private final MovedRooms movedRooms;
  private final OutgoingCopies outgoing;
  private final RoomMetrics metrics;
  private final RoomShardVerticle.Settings settings;
  private final Set<String> toHandOver = new LinkedHashSet<>();
  /** Rooms being handed over (their copy sent ahead, or the hand-over itself). */
  private final Set<String> handingOver = new HashSet<>();

  RoomHandOvers(Vertx vertx, String nodeId, RoomOwners directory, RoomStore store, Map<String, RoomHost> rooms,
                MovedRooms movedRooms, OutgoingCopies outgoing, RoomMetrics metrics, RoomShardVerticle.Settings settings) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.directory = directory;
    this.store = store;
    this.rooms = rooms;
    this.movedRooms = movedRooms;
    this.outgoing = outgoing;
    this.metrics = metrics;
    this.settings = settings;
  }

  /** The room nodes changed: queue the rooms that now belong elsewhere for hand-over. */
  void rebalance() {
    rooms.forEach((key, host) -> {
      if (!host.leaving() && !nodeId.equals(directory.ownerOf(key))) {
        toHandOver.add(key);
      }
    });
    next();
  }

  /** Hands rooms over at most moveConcurrency at a time, so a join or leave never stalls the shard. */
  private void next() {
    while (handingOver.size() < settings.moveConcurrency() && !toHandOver.isEmpty()) {
      Iterator<String> first = toHandOver.iterator();
      String key = first.next();
      first.remove();
      RoomHost host = rooms.get(key);
      if (host == null || host.leaving() || handingOver.contains(key) || nodeId.equals(directory.ownerOf(key))) {
        continue;
      }
      handingOver.add(key);
      String nextNode = directory.ownerOf(key);
      if (nextNode != null && host.copiesAhead()) {
        Context context = vertx.getOrCreateContext();
        outgoing.whenFree(nextNode, () -> context.runOnContext(v -> move(key, host,
            () -> vertx.setTimer(COPY_SETTLE_MS, t -> outgoing.done(nextNode)))));
      } else {
        move(key, host, () -> { });
      }
    }
  }

  /** Copies the room ahead (if it is large) and hands it over; done runs once its RELEASED is sent, or it stays. */
  private void move(String key, RoomHost host, Runnable done) {
    host.copyAhead(directory.addressFor(key)).onComplete(copy -> {
      if (host.leaving() || rooms.get(key) != host || nodeId.equals(directory.ownerOf(key))) {
        host.dropCopy(); // lost meanwhile, or it stays here after all
        handingOver.remove(key);
        done.run();
        next();
      } else {
        handOver(key, host, copy.result(), done);
      }
    });
  }

  private void handOver(String key, RoomHost host, long copyId, Runnable done) {
    long start = System.nanoTime();
    // One view of the next owner for both the lease and the news: the lease goes to the node told.
    String nextNode = directory.ownerOf(key);
    String next = directory.addressOn(nextNode, key);
    host.handOver(store, copyId, next == null ? null : nextNode).onComplete(ar -> {
      handingOver.remove(key);
      metrics.movesOut.increment();
      // The next owner hears first: it is then loading the room from the document sent along by
      // the time the gateways, told next, re-attach the sockets (a join that came first would
      // claim the room before the document arrived, and read it back from storage).
      RoomStore.HandOff handOff = ar.succeeded() ? ar.result().handOff() : new RoomStore.HandOff(null, null);
      if (next != null) {
        vertx.eventBus().send(next, RoomEnvelope.released(key, copyId, handOff.lease(), handOff.document(),
            ar.succeeded() ? ar.result().awareness() : new byte[0]));
      }
      done.run();
      // Should the hand-over fail midway, the room goes all the same (its lease then expires).
      movedRooms.remember(key, host.moveAway(), System.currentTimeMillis());
      log.atLevel(settings.roomEvents()).addKeyValue("room", key).addKeyValue("to", nextNode)
          .addKeyValue("document", handOff.document() != null)
          .addKeyValue("copiedAhead", copyId != 0)
          .addKeyValue("leasePassed", handOff.lease() != null)
          .addKeyValue("tookMs", (System.nanoTime() - start) / 1_000_000).log("room handed over");
      next();
    });
  }
}
