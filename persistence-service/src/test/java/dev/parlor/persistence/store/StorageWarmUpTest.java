package dev.parlor.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.common.warmup.WarmUpBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The storage warm-up against a real redis-server, through a real StorageEndpoint. */
class StorageWarmUpTest {
  private LocalRedis server;
  private Vertx vertx;
  private Redis redis;
  private RoomDataStore store;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void start() throws Exception {
    server = LocalRedis.start(Files.createTempDirectory("parlor-redis"));
    vertx = Vertx.vertx();
    redis = RedisConnector.create(vertx, ParlorConfig.of(Map.of("PARLOR_REDIS_URL", server.url())));
    store = new RoomDataStore(redis);
    registry = new SimpleMeterRegistry();
    Compaction compaction = new Compaction(vertx, store, registry.timer("compaction"));
    vertx.deployVerticle(new StorageEndpoint(store, compaction, registry, 16)).await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    server.close();
  }

  private Response redis(Request request) throws Exception {
    return redis.send(request).await(20, TimeUnit.SECONDS);
  }

  @Test
  void everyRoundRunsEveryRequestAndLeavesNothingBehind() throws Exception {
    int rounds = StorageWarmUp.run(vertx, store, "persistence-1", WarmUpBudget.start(60_000), 3).await(60, TimeUnit.SECONDS);

    assertEquals(3, rounds);
    assertEquals(3 * 20.0, registry.counter("parlor_persistence_appends").count(), "every append was accepted");
    assertEquals(0.0, registry.counter("parlor_persistence_stale_writes").count(), "no write was refused");
    assertEquals(3L, registry.timer("compaction").count(), "each round compacted the room");
    // Each round claims once and passes the lease once: two tokens a round.
    assertEquals(6, redis(Request.cmd(Command.GET).arg(RoomKeys.FENCE_SEQUENCE)).toInteger());
    // Nothing of the warm-up's room stays: no keys (its lease released too), not in the room index.
    Response keys = redis(Request.cmd(Command.KEYS).arg("parlor:{parlor-warm-up/*"));
    assertEquals(0, keys.size(), "left behind: " + keys);
    assertEquals(0, redis(Request.cmd(Command.ZCARD).arg(RoomKeys.ROOM_INDEX)).toInteger());
    // Each script is in Redis's cache now: a room's first request after a start runs it by its SHA.
    Response cached = redis(Request.cmd(Command.SCRIPT).arg("EXISTS").arg(LuaScript.shaOf("pass"))
        .arg(LuaScript.shaOf("append")).arg(LuaScript.shaOf("claim")));
    for (Response exists : cached) {
      assertTrue(exists.toInteger() == 1, "a script was not cached: " + cached);
    }
  }

  @Test
  void noTimeNoRounds() throws Exception {
    assertEquals(0, StorageWarmUp.run(vertx, store, "persistence-1", WarmUpBudget.start(0), 3).await(10, TimeUnit.SECONDS));
  }
}
