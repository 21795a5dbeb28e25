package dev.parlor.persistence.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.yjs.YUpdates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same layout and scripts on a real three-master Redis Cluster of redis-server processes on
 * loopback: a room's keys share one hash slot, so every script runs unchanged.
 */
class RedisClusterModeTest {
  static final List<LocalRedis> nodes = new ArrayList<>();
  static Vertx vertx;
  static RoomDataStore store;

  @BeforeAll
  static void startCluster() throws Exception {
    vertx = Vertx.vertx();
    for (int i = 0; i < 3; i++) {
      nodes.add(LocalRedis.start(Files.createTempDirectory("parlor-cluster"), 0, "everysec",
          List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")));
    }
    List<Redis> direct = new ArrayList<>();
    for (LocalRedis n : nodes) {
      direct.add(Redis.createClient(vertx, n.url()));
    }
    int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
    for (int i = 0; i < 3; i++) {
      Request add = Request.cmd(Command.CLUSTER).arg("ADDSLOTS");
      for (int slot = ranges[i][0]; slot <= ranges[i][1]; slot++) {
        add.arg(slot);
      }
      await(direct.get(i).send(add));
      if (i > 0) {
        await(direct.get(i).send(Request.cmd(Command.CLUSTER).arg("MEET").arg("127.0.0.1").arg(nodes.get(0).port())));
      }
    }
    long deadline = System.currentTimeMillis() + 30_000;
    while (!allOk(direct)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("Redis Cluster did not come up");
      }
      Thread.sleep(200);
    }
    direct.forEach(Redis::close);
    String urls = String.join(",", nodes.stream().map(LocalRedis::url).toList());
    store = new RoomDataStore(RedisConnector.create(vertx,
        ParlorConfig.of(Map.of("PARLOR_REDIS_URL", urls, "PARLOR_REDIS_MODE", "cluster"))));
  }

  private static boolean allOk(List<Redis> direct) throws Exception {
    for (Redis r : direct) {
      if (!await(r.send(Request.cmd(Command.CLUSTER).arg("INFO"))).toString().contains("cluster_state:ok")) {
        return false;
      }
    }
    return true;
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    nodes.forEach(LocalRedis::close);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  @Test
  void roomsOnEverySlotWorkUnchanged() throws Exception {
    Compaction compaction = new Compaction(vertx, store, new SimpleMeterRegistry().timer("t"));
    // Enough rooms that their hash slots fall on all three masters.
    for (int r = 0; r < 12; r++) {
      String room = "yjs/cluster-" + r;
      long fence = await(store.claim(room, "node-a", 60_000)).fence();
      List<byte[]> sent = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        byte[] u = RoomDataStoreTest.insert(i, room + i);
        sent.add(u);
        assertTrue(await(store.append(room, fence, u)).accepted());
      }
      assertEquals(Compaction.Result.COMPACTED, await(compaction.compact(room, fence)));
      assertArrayEquals(YUpdates.compact(sent), YUpdates.compact(await(store.read(room)).allUpdates()));
      assertTrue(await(store.renew(room, "node-a", fence, 60_000)));
      assertFalse(await(store.claim(room, "node-b", 60_000)).granted());
      assertTrue(await(store.release(room, "node-a", fence)));
      long newer = await(store.claim(room, "node-b", 60_000)).fence();
      assertFalse(await(store.append(room, fence, RoomDataStoreTest.insert(9, "stale"))).accepted());
      assertTrue(await(store.append(room, newer, RoomDataStoreTest.insert(10, "fresh"))).accepted());
      assertTrue(await(store.importDocument(room, YUpdates.compact(sent), true)));
      await(store.indexRoom(room));
      assertTrue(await(store.delete(room)));
    }
  }
}
