package dev.parlor.common.redis;

import dev.parlor.common.config.ParlorConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisClusterTransactions;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * The Redis client a service uses, from {@code PARLOR_REDIS_URL} (standalone, or a comma-separated
 * list with {@code PARLOR_REDIS_MODE=cluster|sentinel}), with a readiness check that PINGs it.
 */
public final class RedisConnector {
  private RedisConnector() {
  }

  public static RedisOptions options(ParlorConfig config) {
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.valueOf(config.string("PARLOR_REDIS_MODE", "standalone").toUpperCase()))
        .setMaxPoolSize(config.integer("PARLOR_REDIS_POOL_SIZE", 16))
        .setMaxPoolWaiting(config.integer("PARLOR_REDIS_POOL_WAITING", 1024))
        .setPoolRecycleTimeout(15_000)
        // a room is read in one MULTI ... EXEC; its keys share a hash slot, so one node answers it
        .setClusterTransactions(RedisClusterTransactions.SINGLE_NODE);
    for (String url : config.list("PARLOR_REDIS_URL", "redis://127.0.0.1:6379")) {
      options.addConnectionString(url);
    }
    String master = config.string("PARLOR_REDIS_SENTINEL_MASTER", "");
    if (!master.isEmpty()) {
      options.setMasterName(master);
    }
    return options;
  }

  public static Redis create(Vertx vertx, ParlorConfig config) {
    return Redis.createClient(vertx, options(config));
  }

  /** Registers a readiness check "redis" that is up while a PING answers within a second. */
  public static void registerHealth(HealthChecks health, Redis redis) {
    health.register("redis", 1500, promise -> redis.send(Request.cmd(Command.PING))
        .timeout(1, java.util.concurrent.TimeUnit.SECONDS)
        .onComplete(ar -> promise.complete(ar.succeeded() ? Status.OK() : Status.KO())));
  }

  public static Future<Void> ping(Redis redis) {
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }
}
