package dev.parlor.room.store;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.RoomEnvelope.PassedLease;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.Append;
import dev.parlor.common.bus.StorageMessages.AppendResult;
import dev.parlor.common.bus.StorageMessages.Loaded;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms stored by persistence-service, reached over the event bus. One instance per shard (one
 * event loop): appends are group-committed, at most one batch in flight, the next batch collecting
 * meanwhile, so durability costs one round trip per batch rather than per update. Asks for
 * compaction when a room's log grows past the configured count or size. A room is read and written
 * only under its lease ({@link RoomLeases}), and every write carries the lease's fencing token.
 */
public final class BusRoomStore implements RoomStore {
  private static final Logger log = LoggerFactory.getLogger(BusRoomStore.class);

  private record Pending(Append append, Promise<Void> done) {
  }

  private static final byte[] NO_SNAPSHOT = new byte[0];

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final int compactEntries;
  private final long compactBytes;
  private final RoomLeases leases;
  private final Map<String, Future<Void>> lastAppend = new HashMap<>();
  private final Set<String> compacting = new HashSet<>();
  /** Rooms with an append that failed since they were claimed: Redis may hold more than the room. */
  private final Set<String> unsure = new HashSet<>();
  /** Documents handed over by a room's previous owner, waiting for this node's claim. */
  private final Map<String, Loaded> handedOver = new HashMap<>();
  private final Counter handedOverLoads;
  private final Counter appendBatches;
  private List<Pending> pending = new ArrayList<>();
  private boolean inFlight;
  private boolean scheduled;

  public BusRoomStore(Vertx vertx, RoomLeases leases, long timeoutMillis, int compactEntries, long compactBytes,
                      MeterRegistry registry) {
    this.vertx = vertx;
    this.handedOverLoads = Counter.builder("parlor_room_handed_over_loads")
        .description("rooms loaded from the document their previous owner handed over, not from storage")
        .register(registry);
    this.appendBatches = Counter.builder("parlor_room_append_batches")
        .description("group commits sent to persistence-service (appends per batch = appends / batches)")
        .register(registry);
    this.leases = leases;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMillis);
    this.compactEntries = compactEntries;
    this.compactBytes = compactBytes;
  }

  @Override
  public Future<List<byte[]>> load(String roomKey) {
    // Claimed first: once this node holds the lease, no earlier owner can write, so the read is whole.
    return leases.acquire(roomKey).compose(fence -> {
      unsure.remove(roomKey);
      Loaded shipped = handedOver.remove(roomKey);
      // The previous owner's document is the stored one only if nobody claimed the room between its
      // lease and ours: the token our claim replaced is its token.
      if (shipped != null && Long.valueOf(shipped.fence()).equals(leases.previousFence(roomKey))) {
        handedOverLoads.increment();
        return Future.succeededFuture(document(shipped));
      }
      return vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE, StorageMessages.load(roomKey), options)
          .map(reply -> document(new StorageMessages.Reader(reply.body()).loaded()));
    });
  }

  private static List<byte[]> document(Loaded loaded) {
    List<byte[]> all = new ArrayList<>(loaded.log().size() + 1);
    if (loaded.snapshot().length > 0) {
      all.add(loaded.snapshot());
    }
    all.addAll(loaded.log());
    return all;
  }

  @Override
  public Future<Void> append(String roomKey, byte[] update) {
    Long fence = leases.fence(roomKey);
    if (fence == null) {
      return Future.failedFuture(new StaleOwnerException(roomKey));
    }
    Promise<Void> done = Promise.promise();
    pending.add(new Pending(new Append(roomKey, fence, update), done));
    Future<Void> appended = done.future();
    lastAppend.put(roomKey, appended);
    appended.onComplete(ar -> lastAppend.remove(roomKey, appended));
    if (!inFlight && !scheduled) {
      scheduled = true;
      vertx.runOnContext(v -> flush()); // after this event: everything appended meanwhile joins the batch
    }
    return done.future();
  }

  private void flush() {
    scheduled = false;
    if (pending.isEmpty() || inFlight) {
      return;
    }
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    inFlight = true;
    appendBatches.increment();
    List<Append> appends = new ArrayList<>(batch.size());
    batch.forEach(p -> appends.add(p.append()));
    vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE, StorageMessages.append(appends), options)
        .onComplete(ar -> {
          inFlight = false;
          if (ar.failed()) {
            batch.forEach(p -> {
              unsure.add(p.append().roomKey()); // the batch may have been written all the same
              p.done().fail(ar.cause());
            });
          } else {
            List<AppendResult> results = new StorageMessages.Reader(ar.result().body()).appendResults(batch.size());
            for (int i = 0; i < batch.size(); i++) {
              complete(batch.get(i), results.get(i));
            }
          }
          flush();
        });
  }

  private void complete(Pending p, AppendResult result) {
    String roomKey = p.append().roomKey();
    switch (result.status()) {
      case StorageMessages.OK -> {
        p.done().complete();
        double spread = compactionSpread(roomKey);
        if (result.logEntries() >= compactEntries * spread || result.logBytes() >= compactBytes * spread) {
          compact(roomKey);
        }
      }
      case StorageMessages.STALE -> {
        leases.drop(roomKey, "an append was refused for a stale fencing token");
        p.done().fail(new StaleOwnerException(roomKey));
      }
      default -> {
        unsure.add(roomKey);
        p.done().fail(new IllegalStateException("append failed in persistence-service"));
      }
    }
  }

  /**
   * 1.00-1.25, fixed per room: rooms that started together (after a restart, in a benchmark) would
   * otherwise pass the thresholds together and compact in one burst that stalls their node.
   */
  static double compactionSpread(String roomKey) {
    return 1.0 + Math.floorMod(roomKey.hashCode() * 0x9E3779B9, 1024) / 4096.0;
  }

  private Future<Void> compact(String roomKey) {
    Long fence = leases.fence(roomKey);
    if (fence == null || !compacting.add(roomKey)) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE, StorageMessages.compact(roomKey, fence), options)
        .<Void>map(reply -> {
          if (reply.body().getByte(0) == StorageMessages.STALE) {
            leases.drop(roomKey, "a compaction was refused for a stale fencing token");
          }
          return null;
        })
        .onComplete(ar -> {
          compacting.remove(roomKey);
          if (ar.failed()) {
            log.atWarn().addKeyValue("room", roomKey).log("compaction request failed: {}", ar.cause().toString());
          }
        });
  }

  @Override
  public Future<Void> roomEmpty(String roomKey) {
    return compact(roomKey);
  }

  @Override
  public Future<Void> release(String roomKey) {
    return handOver(roomKey, null, null).mapEmpty();
  }

  /**
   * Releases the room once its writes are stored. With a document, it is handed to the next owner
   * when nothing can differ from what is stored: no append failed (one may have been written all
   * the same) and none is still on its way. The check and the copy happen on this event loop, the
   * same one that applies acknowledged updates, before the lease is given up (passed to nextNode
   * when there is one).
   */
  @Override
  public Future<HandOff> handOver(String roomKey, Supplier<List<byte[]>> document, String nextNode) {
    Long fence = leases.fence(roomKey);
    if (fence == null) {
      return Future.succeededFuture(new HandOff(null, null));
    }
    // The room's stored writes come first: the next owner must load every acknowledged update.
    Future<Void> last = lastAppend.get(roomKey);
    Future<Void> written = last == null ? Future.succeededFuture() : last.transform(ar -> Future.succeededFuture());
    return written.compose(v -> {
      boolean vouched = document != null && !unsure.remove(roomKey) && !lastAppend.containsKey(roomKey)
          && fence.equals(leases.fence(roomKey));
      Buffer shipped = vouched ? StorageMessages.loaded(new Loaded(fence, NO_SNAPSHOT, document.get())) : null;
      Future<PassedLease> lease = nextNode == null
          ? leases.release(roomKey, fence).map((PassedLease) null)
          : leases.pass(roomKey, fence, nextNode);
      return lease.map(passed -> new HandOff(shipped, passed));
    });
  }

  @Override
  public void onOwnershipLost(Consumer<String> lost) {
    leases.onLost(lost);
  }

  @Override
  public void released(String roomKey, Loaded shipped, PassedLease lease) {
    if (lease != null) {
      leases.adopt(roomKey, lease);
    }
    if (shipped != null) {
      handedOver.put(roomKey, shipped);
      // Kept until this node claims the room (the claim is waiting, or a client's join is on its way).
      vertx.setTimer(leases.ttlMillis(), id -> handedOver.remove(roomKey, shipped));
    }
    leases.released(roomKey); // after the document is in place: the claim it wakes looks for it
  }
}
