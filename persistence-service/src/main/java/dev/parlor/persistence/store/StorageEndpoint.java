package dev.parlor.persistence.store;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.AppendResult;
import dev.parlor.common.bus.StorageMessages.Loaded;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the rooms' storage requests ({@link StorageMessages}) at {@link Addresses#PERSISTENCE}:
 * room leases (claim, renew, release), loads, batches of appends (one Redis round trip per batch, pipelined), and
 * compactions.
 */
public final class StorageEndpoint extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(StorageEndpoint.class);

  private final RoomDataStore store;
  private final Compaction compaction;
  private final Counter appends;
  private final Counter staleWrites;
  private final DistributionSummary batchSize;
  private final InFlightLimit limiter;

  public StorageEndpoint(RoomDataStore store, Compaction compaction, MeterRegistry registry, int maxInFlight) {
    this.store = store;
    this.limiter = new InFlightLimit(maxInFlight);
    this.compaction = compaction;
    this.appends = Counter.builder("parlor_persistence_appends").description("updates appended to room logs")
        .register(registry);
    this.staleWrites = Counter.builder("parlor_persistence_stale_writes")
        .description("writes refused for a stale fencing token").register(registry);
    this.batchSize = DistributionSummary.builder("parlor_persistence_append_batch")
        .description("appends per group commit").publishPercentiles(0.5, 0.99).register(registry);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<Buffer>consumer(Addresses.PERSISTENCE, this::onRequest).completion();
  }

  private void onRequest(Message<Buffer> msg) {
    StorageMessages.Reader r = new StorageMessages.Reader(msg.body());
    try {
      switch (r.op()) {
        case StorageMessages.CLAIM -> claim(msg, r.readString(), r.readString(), r.readLong());
        case StorageMessages.RENEW -> renew(msg, r.readString(), r.readLong(), r.leases());
        case StorageMessages.RELEASE -> release(msg, r.readString(), r.readString(), r.readLong());
        case StorageMessages.PASS -> pass(msg, r.readString(), r.readString(), r.readLong(), r.readString(),
            r.readLong());
        case StorageMessages.LOAD -> load(msg, r.readString());
        case StorageMessages.APPEND -> append(msg, r.appends());
        case StorageMessages.COMPACT -> compact(msg, r.readString(), r.readLong());
        default -> msg.fail(400, "unknown storage request");
      }
    } catch (IllegalArgumentException e) {
      log.warn("dropped a storage request that does not decode: {}", e.getMessage());
      msg.fail(400, e.getMessage());
    }
  }

  private void claim(Message<Buffer> msg, String roomKey, String node, long ttlMillis) {
    answerClaim(msg, roomKey, node, "claim", store.claim(roomKey, node, ttlMillis));
  }

  private void pass(Message<Buffer> msg, String roomKey, String node, long fence, String next, long ttlMillis) {
    answerClaim(msg, roomKey, node, "lease pass", store.pass(roomKey, node, fence, next, ttlMillis));
  }

  /** A claim's answer, or a pass's (a claim made by the passing node for the next one; refused: STALE). */
  private void answerClaim(Message<Buffer> msg, String roomKey, String node, String what,
                           Future<RoomDataStore.LeaseClaim> claim) {
    claim.onComplete(ar -> {
      if (ar.succeeded()) {
        RoomDataStore.LeaseClaim c = ar.result();
        msg.reply(StorageMessages.claimed(new StorageMessages.Claimed(
            c.granted() ? StorageMessages.OK : StorageMessages.HELD, c.fence(), c.holder(), c.ttlMillis(),
            c.previousFence())));
      } else {
        log.atWarn().addKeyValue("room", roomKey).addKeyValue("node", node).log("{} failed: {}", what,
            ar.cause().toString());
        msg.fail(503, what + " failed: " + ar.cause().getMessage());
      }
    });
  }

  /** Renews a node's leases, one script call per room (a room's keys share one Redis Cluster slot). */
  private void renew(Message<Buffer> msg, String node, long ttlMillis, List<StorageMessages.Lease> leases) {
    byte[] status = new byte[leases.size()];
    java.util.Arrays.fill(status, StorageMessages.FAILED);
    List<java.util.function.Supplier<Future<?>>> calls = new ArrayList<>(leases.size());
    for (int i = 0; i < leases.size(); i++) {
      int at = i;
      StorageMessages.Lease lease = leases.get(i);
      calls.add(() -> store.renew(lease.roomKey(), node, lease.fence(), ttlMillis)
          .andThen(ar -> {
            if (ar.succeeded()) {
              status[at] = ar.result() ? StorageMessages.OK : StorageMessages.STALE;
            }
          }));
    }
    limiter.run(calls).onComplete(done -> msg.reply(Buffer.buffer(status)));
  }

  private void release(Message<Buffer> msg, String roomKey, String node, long fence) {
    store.release(roomKey, node, fence).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(Buffer.buffer().appendByte(ar.result() ? StorageMessages.OK : StorageMessages.STALE));
      } else {
        log.atWarn().addKeyValue("room", roomKey).addKeyValue("node", node).log("release failed: {}", ar.cause().toString());
        msg.fail(503, "release failed: " + ar.cause().getMessage());
      }
    });
  }

  private void load(Message<Buffer> msg, String roomKey) {
    store.read(roomKey).onComplete(ar -> {
      if (ar.succeeded()) {
        StoredRoom room = ar.result();
        msg.reply(StorageMessages.loaded(new Loaded(room.fence(), room.snapshot(), room.updates())));
      } else {
        log.atWarn().addKeyValue("room", roomKey).log("load failed: {}", ar.cause().toString());
        msg.fail(503, "load failed: " + ar.cause().getMessage());
      }
    });
  }

  /** One room's share of a batch: one script call, whatever the number of updates. */
  private record RoomAppends(String roomKey, long fence, List<byte[]> updates, List<Integer> positions) {
  }

  private void append(Message<Buffer> msg, List<StorageMessages.Append> batch) {
    batchSize.record(batch.size());
    Map<String, RoomAppends> byRoom = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      StorageMessages.Append a = batch.get(i);
      RoomAppends group = byRoom.computeIfAbsent(a.roomKey() + "#" + a.fence(),
          k -> new RoomAppends(a.roomKey(), a.fence(), new ArrayList<>(), new ArrayList<>()));
      group.updates().add(a.update());
      group.positions().add(i);
    }
    AppendResult[] results = new AppendResult[batch.size()];
    limiter.run(byRoom.values().stream().map(group -> (java.util.function.Supplier<Future<?>>) () ->
        store.append(group.roomKey(), group.fence(), group.updates()).andThen(ar -> record(group, ar, results))
    ).toList()).onComplete(done -> msg.reply(StorageMessages.appendResults(List.of(results))));
  }

  private void record(RoomAppends group, io.vertx.core.AsyncResult<RoomDataStore.AppendOutcome> ar,
                      AppendResult[] results) {
    AppendResult result;
    if (ar.failed()) {
      log.atWarn().addKeyValue("room", group.roomKey()).log("append failed: {}", ar.cause().toString());
      result = new AppendResult(StorageMessages.FAILED, 0, 0);
    } else if (!ar.result().accepted()) {
      staleWrites.increment();
      log.atWarn().addKeyValue("room", group.roomKey()).addKeyValue("fence", group.fence())
          .log("append refused: stale fencing token");
      result = new AppendResult(StorageMessages.STALE, 0, 0);
    } else {
      appends.increment(group.updates().size());
      if (ar.result().logEntries() == group.updates().size()) {
        store.indexRoom(group.roomKey());
      }
      result = new AppendResult(StorageMessages.OK, ar.result().logEntries(), ar.result().logBytes());
    }
    group.positions().forEach(i -> results[i] = result);
  }

  private void compact(Message<Buffer> msg, String roomKey, long fence) {
    compaction.compact(roomKey, fence).onComplete(ar -> {
      if (ar.failed()) {
        log.atWarn().addKeyValue("room", roomKey).log("compaction failed: {}", ar.cause().toString());
        msg.reply(Buffer.buffer().appendByte(StorageMessages.FAILED));
      } else if (ar.result() == Compaction.Result.STALE) {
        staleWrites.increment();
        log.atWarn().addKeyValue("room", roomKey).addKeyValue("fence", fence)
            .log("compaction refused: stale fencing token");
        msg.reply(Buffer.buffer().appendByte(StorageMessages.STALE));
      } else {
        msg.reply(Buffer.buffer().appendByte(StorageMessages.OK));
      }
    });
  }
}
