package dev.parlor.persistence.store;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.bus.StorageMessages;
import dev.parlor.common.bus.StorageMessages.Append;
import dev.parlor.common.bus.StorageMessages.Lease;
import dev.parlor.common.warmup.WarmUpBudget;
import dev.parlor.yjs.TextUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every storage request a room makes (claim, appends, renew, load, compaction, lease pass,
 * release) through this process's {@link StorageEndpoint}, on a room of its own, before the service
 * reports ready. The first lease pass after a start took 100–170 ms (cold code in this JVM, and each
 * Lua script's first EVALSHA answered NOSCRIPT); a rolling update's first hand-over paid it. The
 * room is deleted afterwards; its party is not one a client can reach.
 */
public final class StorageWarmUp {
  private static final int APPENDS = 20;
  private static final long TTL_MS = 5_000;

  private final Vertx vertx;
  private final RoomDataStore store;
  private final String roomKey;
  private final String owner;
  private final String next;
  private final DeliveryOptions options;
  private long clock;

  private StorageWarmUp(Vertx vertx, RoomDataStore store, String nodeId, long timeoutMillis) {
    this.vertx = vertx;
    this.store = store;
    this.roomKey = "parlor-warm-up/" + nodeId;
    this.owner = nodeId + "-warm-up-a";
    this.next = nodeId + "-warm-up-b";
    // Local only: with several persistence-services, each warms its own endpoint.
    this.options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMillis);
  }

  /** Rounds until the budget is spent or maxRounds; completes with the rounds run, or fails with the first request that failed. */
  public static Future<Integer> run(Vertx vertx, RoomDataStore store, String nodeId, WarmUpBudget budget, int maxRounds) {
    StorageWarmUp warmUp = new StorageWarmUp(vertx, store, nodeId, budget.wallMillis());
    return warmUp.rounds(0, maxRounds, budget)
        .eventually(() -> store.delete(warmUp.roomKey));
  }

  private Future<Integer> rounds(int done, int maxRounds, WarmUpBudget budget) {
    if (done >= maxRounds || budget.spent()) {
      return Future.succeededFuture(done);
    }
    return round().compose(v -> rounds(done + 1, maxRounds, budget));
  }

  /** One room's life on a node, and its hand-over to the next. */
  private Future<Void> round() {
    return request(StorageMessages.claim(roomKey, owner, TTL_MS))
        .map(reply -> new StorageMessages.Reader(reply).claimed().fence())
        .compose(fence -> appends(fence)
            .compose(v -> request(StorageMessages.renew(owner, TTL_MS, List.of(new Lease(roomKey, fence)))))
            .compose(v -> request(StorageMessages.load(roomKey)))
            .compose(v -> request(StorageMessages.compact(roomKey, fence)))
            .compose(v -> request(StorageMessages.pass(roomKey, owner, fence, next, TTL_MS))))
        .map(reply -> new StorageMessages.Reader(reply).claimed().fence())
        .compose(passed -> request(StorageMessages.release(roomKey, next, passed)))
        .mapEmpty();
  }

  /** Two batches, as a room's group commits send them: one update, then the rest. */
  private Future<Buffer> appends(long fence) {
    List<Append> rest = new ArrayList<>(APPENDS - 1);
    for (int i = 1; i < APPENDS; i++) {
      rest.add(new Append(roomKey, fence, TextUpdates.typed(1, clock++, 'w')));
    }
    return request(StorageMessages.append(List.of(new Append(roomKey, fence, TextUpdates.typed(1, clock++, 'w')))))
        .compose(v -> request(StorageMessages.append(rest)));
  }

  private Future<Buffer> request(Buffer body) {
    return vertx.eventBus().<Buffer>request(Addresses.PERSISTENCE, body, options).map(reply -> reply.body());
  }
}
