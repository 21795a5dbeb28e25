package dev.parlor.persistence.store;

import dev.parlor.yjs.YUpdates;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * Folds a room's log into a new snapshot with {@link YUpdates#compact}: read, compact on a worker
 * thread, then commit in one fenced script. Appends that race with it land after the covered id
 * and stay in the log, so nothing is lost.
 */
public final class Compaction {
  /** What a compaction did. */
  public enum Result { COMPACTED, NOTHING_TO_DO, STALE }

  private final WorkerExecutor workers;
  private final RoomDataStore store;
  private final Timer timer;

  public Compaction(Vertx vertx, RoomDataStore store, Timer timer) {
    this(vertx, store, timer, 1);
  }

  /**
   * threads: compactions computed at once (the rest wait their turn). Few, because on a small pod
   * a burst of them on the 20 threads of the shared worker pool took the event loops' CPU: a wave of
   * 100 rooms compacting together raised every update's p99 from 50 to 300 ms.
   */
  public Compaction(Vertx vertx, RoomDataStore store, Timer timer, int threads) {
    this.workers = vertx.createSharedWorkerExecutor("parlor-compaction", Math.max(1, threads));
    this.store = store;
    this.timer = timer;
  }

  public Future<Result> compact(String roomKey, long fence) {
    return store.read(roomKey).compose(room -> {
      if (room.fence() != fence) {
        return Future.succeededFuture(Result.STALE);
      }
      if (room.updates().isEmpty()) {
        return Future.succeededFuture(Result.NOTHING_TO_DO);
      }
      Timer.Sample sample = Timer.start();
      return workers.executeBlocking(() -> YUpdates.compact(room.allUpdates()), false)
          .compose(snapshot -> store.commitCompaction(roomKey, fence, room.lastId(), snapshot, room.logBytes()))
          .map(ok -> {
            sample.stop(timer);
            return ok ? Result.COMPACTED : Result.STALE;
          });
    });
  }
}
