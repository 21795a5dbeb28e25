package dev.parlor.persistence.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks with at most a fixed number in flight, the rest waiting here in order,
 * so a large batch never overruns the Redis client's own wait queue. Used on one event loop.
 */
final class InFlightLimit {
  private final int max;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  InFlightLimit(int max) {
    this.max = Math.max(1, max);
  }

  /** Runs every task; the future completes when all have (failures included). */
  Future<Void> run(List<Supplier<Future<?>>> tasks) {
    if (tasks.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> all = Promise.promise();
    int[] left = {tasks.size()};
    for (Supplier<Future<?>> task : tasks) {
      submit(() -> task.get().onComplete(ar -> {
        inFlight--;
        if (--left[0] == 0) {
          all.complete();
        }
        Runnable next = waiting.poll();
        if (next != null) {
          next.run();
        }
      }));
    }
    return all.future();
  }

  private void submit(Runnable start) {
    if (inFlight < max) {
      inFlight++;
      start.run();
    } else {
      waiting.add(() -> {
        inFlight++;
        start.run();
      });
    }
  }
}
