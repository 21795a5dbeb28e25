package dev.parlor.persistence;

import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.persistence.api.RoomDataApi;
import dev.parlor.persistence.store.Compaction;
import dev.parlor.persistence.store.RoomDataStore;
import dev.parlor.persistence.store.StorageEndpoint;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

/**
 * persistence-service: everything stored in Redis. Rooms load, append and compact through
 * {@link StorageEndpoint}; operators export, import, delete and list through {@link RoomDataApi}.
 * Ready only while Redis answers.
 */
public final class PersistenceService {
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
        .map(store);
  }
}
