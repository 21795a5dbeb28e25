package dev.parlor.persistence;

import dev.parlor.common.bus.Addresses;
import dev.parlor.common.cluster.ClusterNode;
import dev.parlor.common.redis.RedisConnector;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

/**
 * persistence-service: everything stored in Redis. For now it owns the Redis connection, is ready
 * only while Redis answers, and refuses requests it cannot serve yet (the persistence issue).
 */
public final class PersistenceService {
  private PersistenceService() {
  }

  public static Future<Redis> deploy(ClusterNode node) {
    Redis redis = RedisConnector.create(node.vertx(), node.config());
    RedisConnector.registerHealth(node.health(), redis);
    return node.vertx().eventBus()
        .consumer(Addresses.PERSISTENCE, msg -> msg.fail(501, "persistence-service has no operations yet"))
        .completion()
        .map(redis);
  }
}
