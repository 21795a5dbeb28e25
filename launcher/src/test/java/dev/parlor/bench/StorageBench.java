package dev.parlor.bench;

import dev.parlor.common.config.ParlorConfig;
import dev.parlor.common.redis.LocalRedis;
import dev.parlor.common.redis.RedisConnector;
import dev.parlor.common.testing.TestCluster;
import dev.parlor.gateway.GatewayService;
import dev.parlor.persistence.PersistenceService;
import dev.parlor.persistence.store.Compaction;
import dev.parlor.persistence.store.RoomDataStore;
import dev.parlor.room.RoomService;
import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.protocol.YMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Storage figures of the persistence issue, through the real system (Redis, persistence-service,
 * a room node and a gateway as clustered Vert.x instances):
 * cold load of a 1 MB room (snapshot plus a 1,000-entry log) from first connect to the client's
 * full sync, p50/p99 over 50 rooms; and compaction of a 10,000-entry log.
 * Run with bench/storage.sh.
 */
public final class StorageBench {
  private StorageBench() {
  }

  static byte[] insert(long client, String text) {
    return new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(0)
        .writeUint8(4).writeVarUint(1).writeVarString("t").writeVarString(text).writeVarUint(0).toByteArray();
  }

  /** Typing: each update appends one character after the previous one of the same client. */
  static byte[] typed(long client, long clock, char c) {
    Lib0Writer w = new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(clock);
    if (clock == 0) {
      w.writeUint8(4).writeVarUint(1).writeVarString("t");
    } else {
      w.writeUint8(0x84).writeVarUint(client).writeVarUint(clock - 1);
    }
    return w.writeVarString(String.valueOf(c)).writeVarUint(0).toByteArray();
  }

  public static void main(String[] args) throws Exception {
    int rooms = Integer.parseInt(System.getProperty("rooms", "50"));
    LocalRedis redis = LocalRedis.start(Files.createTempDirectory("parlor-bench-redis"));
    TestCluster cluster = new TestCluster();
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> common = Map.of("PARLOR_REDIS_URL", redis.url(), "PARLOR_COMPACT_LOG_ENTRIES", "1000000",
          "PARLOR_COMPACT_LOG_BYTES", "1000000000", "PARLOR_DIRECTORY_REFRESH_MS", "200");
      TestCluster.await(PersistenceService.deploy(cluster.start(common)));
      TestCluster.await(RoomService.deploy(cluster.start(common)));
      var gw = new java.util.HashMap<>(common);
      gw.putAll(Map.of("PARLOR_ANONYMOUS", "true", "PARLOR_HTTP_PORT", "0", "PARLOR_HTTP_HOST", "127.0.0.1",
          "PARLOR_GATEWAY_INSTANCES", "1"));
      int port = TestCluster.await(GatewayService.deploy(cluster.start(gw))).get(0).actualPort();
      Thread.sleep(1500);
      RoomDataStore store = new RoomDataStore(RedisConnector.create(vertx,
          ParlorConfig.of(Map.of("PARLOR_REDIS_URL", redis.url()))));

      // A 1 MB document: 10,000 inserts of 100 characters as the snapshot, then 1,000 small updates.
      List<byte[]> base = new ArrayList<>();
      for (int i = 1; i <= 10_000; i++) {
        base.add(insert(i, "x".repeat(100)));
      }
      byte[] snapshot = YUpdates.compact(base);
      List<byte[]> log = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        log.add(insert(100_000 + i, "tail " + i));
      }
      for (int r = 0; r < rooms; r++) {
        String room = "yjs/cold-" + r;
        store.importDocument(room, snapshot, true).await(30, TimeUnit.SECONDS);
        long fence = store.claim(room, "bench-writer", 60_000).await(30, TimeUnit.SECONDS).fence();
        List<Future<?>> appends = new ArrayList<>();
        for (byte[] u : log) {
          appends.add(store.append(room, fence, u));
        }
        Future.all(appends).await(60, TimeUnit.SECONDS);
        store.release(room, "bench-writer", fence).await(30, TimeUnit.SECONDS); // the room node claims it next
      }
      WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
          .setMaxFrameSize(64 << 20).setMaxMessageSize(64 << 20));
      if (Boolean.getBoolean("breakdown")) {
        for (int i = 0; i < 5; i++) {
          long a = System.nanoTime();
          var read = store.read("yjs/cold-0").await(30, TimeUnit.SECONDS);
          long b = System.nanoTime();
          byte[] merged = YUpdates.merge(read.allUpdates());
          long c = System.nanoTime();
          byte[] sv = YUpdates.stateVector(merged);
          long d = System.nanoTime();
          YUpdates.diff(merged, YUpdates.emptyStateVector());
          long e = System.nanoTime();
          System.out.printf("read %.1f ms, merge %.1f ms, state vector %.1f ms, diff %.1f ms%n",
              (b - a) / 1e6, (c - b) / 1e6, (d - c) / 1e6, (e - d) / 1e6);
        }
      }
      // Warm the path (class loading, JIT) on a room that is not measured.
      coldLoad(client, port, "warm-up");
      double[] millis = new double[rooms];
      for (int r = 0; r < rooms; r++) {
        millis[r] = coldLoad(client, port, "cold-" + r);
      }
      Arrays.sort(millis);
      System.out.printf("cold load of a %.2f MB room (snapshot %d bytes + %d log entries), %d rooms:%n",
          (snapshot.length + log.stream().mapToInt(u -> u.length).sum()) / 1e6, snapshot.length, log.size(), rooms);
      System.out.printf("  p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", millis[rooms / 2],
          millis[Math.min(rooms - 1, (int) Math.ceil(rooms * 0.99) - 1)], millis[rooms - 1]);

      // Compaction of a 10,000-entry log of typed characters.
      String room = "yjs/compact-10k";
      long fence = store.claim(room, "bench-writer", 60_000).await(30, TimeUnit.SECONDS).fence();
      long logBytes = 0;
      for (int chunk = 0; chunk < 10_000; chunk += 500) {
        List<Future<?>> appends = new ArrayList<>();
        for (int i = chunk; i < chunk + 500; i++) {
          byte[] u = typed(7, i, (char) ('a' + i % 26));
          logBytes += u.length;
          appends.add(store.append(room, fence, u));
        }
        Future.all(appends).await(60, TimeUnit.SECONDS);
      }
      Compaction compaction = new Compaction(vertx, store, new SimpleMeterRegistry().timer("c"));
      long t0 = System.nanoTime();
      Compaction.Result result = compaction.compact(room, fence).await(60, TimeUnit.SECONDS);
      double ms = (System.nanoTime() - t0) / 1e6;
      long snapBytes = store.stats(room).await(10, TimeUnit.SECONDS).getLong("snapshotBytes");
      System.out.printf("compaction of a 10,000-entry log (%d bytes): %s in %.1f ms, snapshot %d bytes%n",
          logBytes, result, ms, snapBytes);
    } finally {
      vertx.close().await();
      cluster.close();
      redis.close();
    }
  }

  /** Milliseconds from opening the socket to receiving the step 2 that answers an empty step 1. */
  static double coldLoad(WebSocketClient client, int port, String room) throws Exception {
    long t0 = System.nanoTime();
    Promise<Void> synced = Promise.promise();
    var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/parties/yjs/" + room)).map(s -> {
          s.binaryMessageHandler(b -> {
            if (YMessage.decode(b.getBytes()).kind() == YMessage.Kind.SYNC_STEP2) {
              synced.tryComplete();
            }
          });
          s.writeBinaryMessage(Buffer.buffer(YMessage.syncStep1(YUpdates.emptyStateVector())));
          return s;
        }).await(30, TimeUnit.SECONDS);
    synced.future().await(30, TimeUnit.SECONDS);
    double ms = (System.nanoTime() - t0) / 1e6;
    ws.close().await(5, TimeUnit.SECONDS);
    return ms;
  }
}
