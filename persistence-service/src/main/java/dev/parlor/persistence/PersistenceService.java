package dev.parlor.persistence;

import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.common.warmup.WarmUpBudget;
import dev.parlor.persistence.api.RoomDataApi;
import dev.parlor.persistence.store.Compaction;
import dev.parlor.persistence.store.RoomDataStore;
import dev.parlor.persistence.store.StorageEndpoint;
import dev.parlor.persistence.store.StorageWarmUp;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * persistence-service: everything stored in Redis. Rooms load, append and compact through
 * {@link StorageEndpoint}; operators export, import, delete and list through {@link RoomDataApi}.
 * Ready only while Redis answers.
 */
public final class PersistenceService {
  private static final Logger log = LoggerFactory.getLogger(PersistenceService.class);
  /** Each round is every request a room makes once; the first pays the cold costs. */
  private static final int WARM_UP_ROUNDS = 10;

  private PersistenceService() {
  }

  public static Future<RoomDataStore> deploy(ClusterNode node) {
    Redis redis = RedisConnector.create(node.vertx(), node.config());
    RedisConnector.registerHealth(node.health(), redis);
    RoomDataStore store = new RoomDataStore(redis);
    Compaction compaction = new Compaction(node.vertx(), store,
        Timer.builder("parlor_persistence_compaction").description("time to fold a room log into a snapshot")
            .register(node.metrics()), node.config().integer("PARLOR_COMPACT_THREADS", 1));
    String adminKey = node.config().string("PARLOR_ADMIN_KEY", "");
    return node.vertx().deployVerticle(new StorageEndpoint(store, compaction, node.metrics(),
        node.config().integer("PARLOR_REDIS_POOL_SIZE", 16) * 4))
        .compose(id -> node.vertx().deployVerticle(new RoomDataApi(store, adminKey)))
        .compose(id -> warmUp(node, store))
        .map(store);
  }

  /** See {@link StorageWarmUp}: before the service reports ready, within PARLOR_WARMUP_MS (0 skips it). */
  private static Future<Void> warmUp(ClusterNode node, RoomDataStore store) {
    WarmUpBudget budget = WarmUpBudget.from(node.config());
    if (budget.none()) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return StorageWarmUp.run(node.vertx(), store, node.nodeId(), budget, WARM_UP_ROUNDS).transform(ar -> {
      if (ar.failed()) {
        log.atWarn().log("storage warm-up incomplete, going on without: {}", ar.cause().toString());
      }
      log.atInfo().addKeyValue("rounds", ar.succeeded() ? ar.result() : 0)
          .addKeyValue("tookMs", (System.nanoTime() - start) / 1_000_000).log("storage warmed up");
      return Future.succeededFuture();
    });
  }
}
