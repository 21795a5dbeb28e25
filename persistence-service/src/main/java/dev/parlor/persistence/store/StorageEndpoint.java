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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the rooms' storage requests ({@link StorageMessages}) at {@link Addresses#PERSISTENCE}:
 * loads that claim a room, batches of appends (one Redis round trip per batch, pipelined), and
 * compactions.
 */
public final class StorageEndpoint extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(StorageEndpoint.class);

  private final RoomDataStore store;
  private final Compaction compaction;
  private final Counter appends;
  private final Counter staleWrites;
  private final DistributionSummary batchSize;

  public StorageEndpoint(RoomDataStore store, Compaction compaction, MeterRegistry registry) {
    this.store = store;
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

  private void load(Message<Buffer> msg, String roomKey) {
    store.claim(roomKey).onComplete(ar -> {
      if (ar.succeeded()) {
        StoredRoom room = ar.result();
        msg.reply(StorageMessages.loaded(new Loaded(room.fence(), room.snapshot(), room.updates())));
      } else {
        log.atWarn().addKeyValue("room", roomKey).log("load failed: {}", ar.cause().toString());
        msg.fail(503, "load failed: " + ar.cause().getMessage());
      }
    });
  }

  private void append(Message<Buffer> msg, List<StorageMessages.Append> batch) {
    batchSize.record(batch.size());
    List<Future<RoomDataStore.AppendOutcome>> outcomes = new ArrayList<>(batch.size());
    for (StorageMessages.Append a : batch) {
      outcomes.add(store.append(a.roomKey(), a.fence(), a.update()));
    }
    Future.join(outcomes).onComplete(done -> {
      List<AppendResult> results = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Future<RoomDataStore.AppendOutcome> f = outcomes.get(i);
        String roomKey = batch.get(i).roomKey();
        if (f.failed()) {
          log.atWarn().addKeyValue("room", roomKey).log("append failed: {}", f.cause().toString());
          results.add(new AppendResult(StorageMessages.FAILED, 0, 0));
        } else if (!f.result().accepted()) {
          staleWrites.increment();
          log.atWarn().addKeyValue("room", roomKey).addKeyValue("fence", batch.get(i).fence())
              .log("append refused: stale fencing token");
          results.add(new AppendResult(StorageMessages.STALE, 0, 0));
        } else {
          appends.increment();
          if (f.result().logEntries() == 1) {
            store.indexRoom(roomKey);
          }
          results.add(new AppendResult(StorageMessages.OK, f.result().logEntries(), f.result().logBytes()));
        }
      }
      msg.reply(StorageMessages.appendResults(results));
    });
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
